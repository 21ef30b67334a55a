package vn.guardian.testsupport;

import java.io.IOException;
import java.util.Map;
import vn.guardian.embedded.EmbeddedDatabase;

/** A real PostgreSQL server for integration tests (zonky embedded binaries), with a {@code guardian} database. */
public final class TestPostgres implements AutoCloseable {

    public static final String DATABASE = EmbeddedDatabase.DATABASE;
    public static final String USER = EmbeddedDatabase.USER;
    public static final String PASSWORD = EmbeddedDatabase.PASSWORD;

    private final EmbeddedDatabase database;

    private TestPostgres(EmbeddedDatabase database) {
        this.database = database;
    }

    /** Starts a server on a free port and creates the {@code guardian} database. */
    public static TestPostgres start() {
        return start(0);
    }

    /** Starts a server on {@code port} (0 picks a free one); a restart on the same port keeps nothing. */
    public static TestPostgres start(int port) {
        try {
            return new TestPostgres(EmbeddedDatabase.start(port, null));
        } catch (Exception e) {
            throw new IllegalStateException("Could not start embedded PostgreSQL", e);
        }
    }

    public int port() {
        return database.port();
    }

    public String jdbcUrl() {
        return database.jdbcUrl();
    }

    public String r2dbcUrl() {
        return database.r2dbcUrl();
    }

    /** moderation-stream's properties: migrations as the schema owner, the rest as the sink role. */
    public Map<String, Object> moderationProperties() {
        return database.moderationProperties();
    }

    /** ingest-service's properties: the API role, which may read, review and erase but not change the schema. */
    public Map<String, Object> ingestProperties() {
        return database.ingestProperties();
    }

    @Override
    public void close() throws IOException {
        database.close();
    }
}
