package vn.guardian.moderation.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static vn.guardian.moderation.sink.VerdictSinkTest.migrate;
import static vn.guardian.moderation.sink.VerdictSinkTest.query;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactoryOptions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import vn.guardian.testsupport.TestPostgres;

/** guardian.retention.transcripts against a real PostgreSQL: old calls go with everything they hold, new ones stay. */
class TranscriptRetentionTest {

    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    private static TestPostgres postgres;

    @BeforeAll
    static void start() throws Exception {
        postgres = TestPostgres.start();
        migrate(postgres);
        for (String call : new String[] {"old-call", "new-call"}) {
            String at = call.equals("old-call") ? "'2026-08-01T10:00:00Z'" : "'2026-11-30T10:00:00Z'";
            execute("INSERT INTO calls (call_id, tenant, started_at) VALUES ('" + call + "', 'acme', " + at + ")");
            execute("INSERT INTO segment_verdicts (segment_id, call_id, tenant, channel, channel_role, start_ms, end_ms,"
                    + " text, language, categories, severity, action, lexicon_version, ingested_at, decided_at) VALUES ('"
                    + call + "-s1', '" + call + "', 'acme', 0, 'agent', 0, 900, 'đồ ngu', 'vi', '[]', 'NONE', 'ALLOW',"
                    + " 'v', " + at + ", " + at + ")");
            execute("INSERT INTO segment_reviews (segment_id, tenant, call_id, label, reviewer, reviewed_at) VALUES ('"
                    + call + "-s1', 'acme', '" + call + "', 'insult', 'lan', " + at + ")");
            execute("INSERT INTO call_verdicts (call_id, tenant, segments, counts_by_category, max_severity, risk_score,"
                    + " action, open, updated_at) VALUES ('" + call + "', 'acme', 1, '{}', 'NONE', 0, 'ALLOW', false, "
                    + at + ")");
            execute("INSERT INTO call_dead_letters (dlq_partition, dlq_offset, call_id, reason_code, reason, service,"
                    + " source_topic, dead_lettered_at) VALUES (0, " + (call.equals("old-call") ? 1 : 2) + ", '" + call
                    + "', 'seq-gap', 'seq-gap: x', 'transcriber', 'guardian.audio', " + at + ")");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        postgres.close();
    }

    @Test
    void callsOlderThanTheRetentionAreDeletedWithEverythingTheyHold() {
        TranscriptRetention retention = new TranscriptRetention(
                ConnectionFactories.get(ConnectionFactoryOptions.parse(postgres.r2dbcUrl()).mutate()
                        .option(ConnectionFactoryOptions.USER, TestPostgres.USER)
                        .option(ConnectionFactoryOptions.PASSWORD, TestPostgres.PASSWORD).build()),
                new RetentionProperties(Duration.ofDays(90), Duration.ofHours(1)), Clock.fixed(NOW, ZoneOffset.UTC),
                new SimpleMeterRegistry());

        // segment, call verdict, dead letter and registry rows; the review goes with its segment (ON DELETE CASCADE)
        assertThat(retention.sweep()).isEqualTo(4);

        for (String table : new String[] {"calls", "segment_verdicts", "segment_reviews", "call_verdicts",
                "call_dead_letters"}) {
            assertThat(query(postgres, "SELECT string_agg(call_id, ',') FROM " + table)).as(table).isEqualTo("new-call");
        }
        assertThat(retention.sweep()).isZero();
    }

    @Test
    void aNegativeRetentionIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> new RetentionProperties(Duration.ofDays(-1), Duration.ofHours(1)))
                .hasMessageContaining("guardian.retention.transcripts");
    }

    private static void execute(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(), TestPostgres.USER, TestPostgres.PASSWORD);
             Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
