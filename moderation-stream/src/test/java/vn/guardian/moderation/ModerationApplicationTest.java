package vn.guardian.moderation;

import vn.guardian.testsupport.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import vn.guardian.contracts.Topics;
import vn.guardian.contracts.serde.EventSerdes;
import vn.guardian.contracts.transcript.CallClosed;
import vn.guardian.contracts.transcript.TranscriptEvent;
import vn.guardian.contracts.transcript.TranscriptSegment;
import vn.guardian.testsupport.TestKafka;
import vn.guardian.testsupport.TestPostgres;

/** The application as standalone starts it: a transcript on Kafka becomes a verdict row in PostgreSQL. */
class ModerationApplicationTest {

    @TempDir
    Path stateDir;

    @Test
    void transcriptBecomesAVerdictRowAndCallClosedClosesTheCallRow() throws Exception {
        try (TestKafka kafka = TestKafka.start(); TestPostgres postgres = TestPostgres.start()) {
            Map<String, Object> properties = new HashMap<>(postgres.moderationProperties());
            properties.put("spring.kafka.bootstrap-servers", kafka.bootstrapServers());
            properties.put("server.port", "0");
            properties.put("guardian.moderation.state-dir", stateDir.toString());
            try (ConfigurableApplicationContext app = ModerationApplication.application().run(CommandLine.args(properties));
                 KafkaProducer<String, TranscriptEvent> producer = new KafkaProducer<>(
                         Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                         new StringSerializer(), EventSerdes.transcripts().serializer())) {
                String base = "http://localhost:" + app.getEnvironment().getProperty("local.server.port");
                await(() -> get(base + "/actuator/health/readiness").statusCode() == 200);

                TranscriptSegment segment = Segments.segment("call-smoke", 4000, "vi", "mày ngu quá, tao giết mày");
                producer.send(new ProducerRecord<>(Topics.TRANSCRIPTS, segment.callId(), segment)).get();

                String sql = "SELECT action || ' ' || severity FROM segment_verdicts WHERE segment_id = '"
                        + segment.segmentId() + "'";
                await(() -> query(postgres, sql) != null);
                assertThat(query(postgres, sql)).isEqualTo("ESCALATE CRITICAL");

                // the call's verdict follows the segment, and the transcriber's CallClosed closes it
                String call = "SELECT action || ' ' || segments || ' ' || open || ' ' || close_reason || ' '"
                        + " || (escalation->>'rule') FROM call_verdicts WHERE call_id = '" + segment.callId() + "'";
                await(() -> "ESCALATE 1 true  segment".equals(query(postgres, call)));
                producer.send(new ProducerRecord<>(Topics.TRANSCRIPTS, segment.callId(), new CallClosed(segment.callId(),
                        segment.tenant(), "completed", 6000, List.of(1L), Map.of(), System.currentTimeMillis(),
                        System.currentTimeMillis()))).get();
                await(() -> "ESCALATE 1 false completed segment".equals(query(postgres, call)));
                // an insult without any lexicon word: only the learned model sees it, and the stored row says so
                TranscriptSegment unworded = Segments.segment("call-model", 1000, "en",
                        "is anyone at your company capable of thinking");
                producer.send(new ProducerRecord<>(Topics.TRANSCRIPTS, unworded.callId(), unworded)).get();
                String judged = "SELECT action || ' ' || (categories->0->>'source') || ' '"
                        + " || jsonb_array_length(categories->0->'spans') FROM segment_verdicts WHERE segment_id = '"
                        + unworded.segmentId() + "'";
                await(() -> query(postgres, judged) != null);
                assertThat(query(postgres, judged)).isEqualTo("FLAG MODEL 0");
                assertThat(get(base + "/actuator/prometheus").body())
                        .contains("guardian_utterance_end_latency_seconds_count")
                        .contains("guardian_verdicts_total{action=\"ESCALATE\"");
            }
        }
    }

    @Test
    void aMissingOrCorruptToxicityModelStopsStartUpNamingTheKeyToFix() throws Exception {
        Path corrupt = java.nio.file.Files.writeString(stateDir.resolve("corrupt.model"), "not a model");
        try (TestKafka kafka = TestKafka.start(); TestPostgres postgres = TestPostgres.start()) {
            for (String location : new String[] {stateDir.resolve("missing.model").toString(), corrupt.toString()}) {
                Map<String, Object> properties = new HashMap<>(postgres.moderationProperties());
                properties.put("spring.kafka.bootstrap-servers", kafka.bootstrapServers());
                properties.put("server.port", "0");
                properties.put("guardian.moderation.state-dir", stateDir.toString());
                properties.put("guardian.moderation.toxicity-models.vi", location);

                org.assertj.core.api.Assertions.assertThatThrownBy(
                                () -> ModerationApplication.application().run(CommandLine.args(properties)).close())
                        .as("start-up with %s", location)
                        .hasStackTraceContaining("toxicity model")
                        .hasStackTraceContaining("(guardian.moderation.toxicity-models.vi)")
                        .hasStackTraceContaining(location);
            }
        }
    }

    private static HttpResponse<String> get(String url) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String query(TestPostgres db, String sql) {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), TestPostgres.USER, TestPostgres.PASSWORD);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 90 s");
            }
            Thread.sleep(200);
        }
    }
}
