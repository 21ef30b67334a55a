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
        }
        return database;
    }

    public int port() {
        return postgres.getPort();
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port() + "/" + DATABASE;
    }

    /** Spring properties pointing JDBC (migrations) and R2DBC (queries and the sink) at this server. */
    public String r2dbcUrl() {
        return "r2dbc:postgresql://localhost:" + port() + "/" + DATABASE;
    }

    public Map<String, Object> springProperties() {
        Map<String, Object> properties = new HashMap<>();
        properties.put("spring.datasource.url", jdbcUrl());
        properties.put("spring.datasource.username", USER);
        properties.put("spring.datasource.password", PASSWORD);
        properties.put("spring.r2dbc.url", r2dbcUrl());
        properties.put("spring.r2dbc.username", USER);
        properties.put("spring.r2dbc.password", PASSWORD);
        return properties;
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
