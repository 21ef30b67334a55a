package vn.guardian.moderation.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import vn.guardian.embedded.EmbeddedDatabase;
import vn.guardian.testsupport.TestPostgres;

/**
 * The services' database roles after the migrations, on real PostgreSQL: guardian_api (ingest) and guardian_sink
 * (moderation-stream) may touch rows as their features need, and neither can change the schema.
 */
class DatabaseRolesTest {

    private static final String INSUFFICIENT_PRIVILEGE = "42501";
    private static TestPostgres postgres;

    @BeforeAll
    static void migrate() {
        postgres = TestPostgres.start();
        Flyway.configure().dataSource(postgres.jdbcUrl(), TestPostgres.USER, TestPostgres.PASSWORD)
                .locations("classpath:db/migration").load().migrate();
    }

    @AfterAll
    static void stop() throws Exception {
        postgres.close();
    }

    @Test
    void theApiRoleCannotDropAlterTruncateOrCreateTables() {
        for (String ddl : List.of("DROP TABLE calls", "ALTER TABLE segment_verdicts ADD COLUMN sneaky text",
                "ALTER TABLE calls DROP COLUMN tenant", "TRUNCATE segment_reviews", "CREATE TABLE stash (x text)",
                "DROP FUNCTION guardian_fold(text)")) {
            assertRefused(EmbeddedDatabase.API_ROLE, ddl);
        }
    }

    @Test
    void theSinkRoleCannotDropAlterTruncateOrCreateTablesEither() {
        for (String ddl : List.of("DROP TABLE segment_verdicts", "ALTER TABLE calls ADD COLUMN sneaky text",
                "TRUNCATE call_verdicts", "CREATE TABLE stash (x text)", "DROP TABLE flyway_schema_history")) {
            assertRefused(EmbeddedDatabase.SINK_ROLE, ddl);
        }
    }

    @Test
    void theApiRoleReadsReviewsAndErasesButCannotWriteVerdictsOrTheRegistry() throws SQLException {
        execute(EmbeddedDatabase.SINK_ROLE, "INSERT INTO calls (call_id, tenant, started_at) VALUES ('call-roles', 'acme', now())");
        assertThat(count(EmbeddedDatabase.API_ROLE, "SELECT count(*) FROM calls WHERE call_id = 'call-roles'"))
                .isEqualTo(1);
        execute(EmbeddedDatabase.API_ROLE, "INSERT INTO erased_calls (call_id, tenant, erased_at)"
                + " VALUES ('call-roles', 'acme', now())");
        execute(EmbeddedDatabase.API_ROLE, "DELETE FROM calls WHERE call_id = 'call-roles'");

        assertRefused(EmbeddedDatabase.API_ROLE, "INSERT INTO calls (call_id, tenant, started_at) VALUES ('fake', 'acme', now())");
        assertRefused(EmbeddedDatabase.API_ROLE, "UPDATE call_verdicts SET action = 'ALLOW'");
        assertRefused(EmbeddedDatabase.API_ROLE, "DELETE FROM erased_calls");
        assertRefused(EmbeddedDatabase.API_ROLE, "SELECT * FROM flyway_schema_history");
    }

    @Test
    void everyTableAMigrationCreatesIsReadableByBothRolesAndOwnedByNeither() throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Connection owner = connect(TestPostgres.USER); Statement statement = owner.createStatement();
             ResultSet rows = statement.executeQuery("SELECT tablename, tableowner FROM pg_tables"
                     + " WHERE schemaname = 'public' AND tablename <> 'flyway_schema_history'")) {
            while (rows.next()) {
                tables.add(rows.getString(1));
                assertThat(rows.getString(2)).as("owner of %s", rows.getString(1))
                        .isNotIn(EmbeddedDatabase.API_ROLE, EmbeddedDatabase.SINK_ROLE);
            }
        }
        assertThat(tables).contains("segment_verdicts", "call_verdicts", "calls", "segment_reviews");
        for (String table : tables) {
            for (String role : List.of(EmbeddedDatabase.API_ROLE, EmbeddedDatabase.SINK_ROLE)) {
                // a new table without grants would fail only in production, at the first query of its feature
                assertThat(count(role, "SELECT count(*) FROM " + table)).as("%s reads %s", role, table)
                        .isGreaterThanOrEqualTo(0);
            }
        }
    }

    private static void assertRefused(String role, String sql) {
        assertThatThrownBy(() -> execute(role, sql)).as("%s: %s", role, sql)
                .isInstanceOfSatisfying(SQLException.class, refused ->
                        assertThat(refused.getSQLState()).as(refused.getMessage()).isEqualTo(INSUFFICIENT_PRIVILEGE));
    }

    private static void execute(String role, String sql) throws SQLException {
        try (Connection db = connect(role); Statement statement = db.createStatement()) {
            statement.execute(sql);
        }
    }

    private static long count(String role, String sql) throws SQLException {
        try (Connection db = connect(role); Statement statement = db.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static Connection connect(String role) throws SQLException {
        // the embedded server trusts local connections; deployments set each role's password (init-roles.sh)
        return DriverManager.getConnection(postgres.jdbcUrl(), role, role);
    }
}
