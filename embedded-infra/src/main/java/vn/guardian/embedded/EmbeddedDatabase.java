package vn.guardian.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * An embedded PostgreSQL server (zonky binaries, no install needed) with a {@code guardian} database: for the
 * one-machine pipeline (standalone, benchmark) and, through test-support, the tests.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    public static final String DATABASE = "guardian";
    public static final String USER = "postgres";
    public static final String PASSWORD = "postgres";
    /** moderation-stream's run-time role and ingest-service's; migration V6 grants them only row access. */
    public static final String SINK_ROLE = "guardian_sink";
    public static final String API_ROLE = "guardian_api";

    private final EmbeddedPostgres postgres;

    private EmbeddedDatabase(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /**
     * Starts a server on {@code port} (0 picks a free one) keeping its files in {@code dataDir} (null: a temporary
     * folder). The data folder is wiped first: the database is always fresh.
     */
    public static EmbeddedDatabase start(int port, Path dataDir) throws Exception {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setCleanDataDirectory(true);
        if (dataDir != null) {
            builder.setDataDirectory(dataDir);
        }
        if (port > 0) {
            builder.setPort(port);
        }
        EmbeddedDatabase database = new EmbeddedDatabase(builder.start());
        try (Connection connection = database.postgres.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            try (ResultSet exists = statement.executeQuery(
                    "SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
                if (!exists.next()) {
                    statement.execute("CREATE DATABASE " + DATABASE);
                }
            }
            for (String role : new String[] {SINK_ROLE, API_ROLE}) {
                // a dev password (the role's name) on a server that only listens on localhost and is wiped at start
                statement.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + role
                        + "') THEN CREATE ROLE " + role + "; END IF; END $$");
                statement.execute("ALTER ROLE " + role + " LOGIN PASSWORD '" + role + "'");
            }
        }
        try (Connection connection = database.postgres.getDatabase(USER, DATABASE).getConnection();
             Statement statement = connection.createStatement()) {
            // PostgreSQL 14 lets every role create tables in public; 15+ no longer does
            statement.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC");
        }
        return database;
    }

    public int port() {
        return postgres.getPort();
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port() + "/" + DATABASE;
    }

    public String r2dbcUrl() {
        return "r2dbc:postgresql://localhost:" + port() + "/" + DATABASE;
    }

    /** moderation-stream: migrations as the schema owner over JDBC, everything else as {@link #SINK_ROLE}. */
    public Map<String, Object> moderationProperties() {
        Map<String, Object> properties = r2dbc(SINK_ROLE);
        properties.put("spring.datasource.url", jdbcUrl());
        properties.put("spring.datasource.username", USER);
        properties.put("spring.datasource.password", PASSWORD);
        return properties;
    }

    /** ingest-service: queries, reviews and erasure as {@link #API_ROLE}. */
    public Map<String, Object> ingestProperties() {
        return r2dbc(API_ROLE);
    }

    private Map<String, Object> r2dbc(String role) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("spring.r2dbc.url", r2dbcUrl());
        properties.put("spring.r2dbc.username", role);
        properties.put("spring.r2dbc.password", role);
        return properties;
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
