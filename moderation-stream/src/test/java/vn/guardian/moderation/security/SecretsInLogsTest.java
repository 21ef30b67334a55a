package vn.guardian.moderation.security;

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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import vn.guardian.contracts.Topics;
import vn.guardian.contracts.serde.EventSerdes;
import vn.guardian.contracts.transcript.TranscriptEvent;
import vn.guardian.contracts.transcript.TranscriptSegment;
import vn.guardian.moderation.ModerationApplication;
import vn.guardian.moderation.Segments;
import vn.guardian.testsupport.CommandLine;
import vn.guardian.testsupport.ConsoleCapture;
import vn.guardian.testsupport.TestKafka;
import vn.guardian.testsupport.TestPostgres;

/**
 * The database passwords and Kafka credentials reach moderation-stream through configuration, as in a deployment,
 * and never its logs: every console line it writes (some at DEBUG, Kafka's client config dumps included) while it
 * migrates, starts its topology and stores a verdict is scanned for them.
 */
class SecretsInLogsTest {

    private static final String OWNER_PASSWORD = "owner-password-5e2b9d1c7a";
    private static final String SINK_PASSWORD = "sink-password-8a3f6c0e4d";
    private static final String KAFKA_PASSWORD = "kafka-password-1d7c4a9e2f";
    private static final String TRUSTSTORE_PASSWORD = "truststore-password-6b0e3f8a5c";

    @TempDir
    Path stateDir;

    @Test
    void neitherDatabaseNorKafkaSecretsAreEverLogged() throws Exception {
        List<String> logged;
        try (ConsoleCapture console = ConsoleCapture.start();
             TestKafka kafka = TestKafka.start(); TestPostgres postgres = TestPostgres.start()) {
            Map<String, Object> properties = new HashMap<>(postgres.moderationProperties());
            // the embedded server trusts local connections, so these passwords only travel through configuration
            properties.put("spring.datasource.password", OWNER_PASSWORD);
            properties.put("spring.r2dbc.password", SINK_PASSWORD);
            // PLAINTEXT ignores them, but every Kafka client still reads and prints its SASL and TLS settings
            properties.put("spring.kafka.properties.sasl.jaas.config", "org.apache.kafka.common.security.scram."
                    + "ScramLoginModule required username=\"moderation\" password=\"" + KAFKA_PASSWORD + "\";");
            properties.put("spring.kafka.properties.ssl.truststore.password", TRUSTSTORE_PASSWORD);
            properties.put("spring.kafka.bootstrap-servers", kafka.bootstrapServers());
            properties.put("server.port", "0");
            properties.put("guardian.moderation.state-dir", stateDir.toString());
            properties.put("logging.level.vn.guardian", "DEBUG");
            properties.put("logging.level.org.springframework.boot.context.config", "DEBUG");
            properties.put("logging.level.org.flywaydb", "DEBUG");
            // the clients print their whole config at INFO, which deployments may turn on to debug a connection
            properties.put("logging.level.org.apache.kafka", "INFO");
            try (ConfigurableApplicationContext app = ModerationApplication.application()
                    .run(CommandLine.args(properties));
                 KafkaProducer<String, TranscriptEvent> producer = new KafkaProducer<>(
                         Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                         new StringSerializer(), EventSerdes.transcripts().serializer())) {
                String base = "http://localhost:" + app.getEnvironment().getProperty("local.server.port");
                awaitTrue(() -> status(base + "/actuator/health/readiness") == 200);
                TranscriptSegment segment = Segments.segment("call-secrets", 1000, "en", "you are an idiot");
                producer.send(new ProducerRecord<>(Topics.TRANSCRIPTS, segment.callId(), segment)).get();
                awaitTrue(() -> storedVerdicts(postgres, segment.segmentId()) == 1);
            }
            logged = console.lines();
        }
        assertThat(logged).as("the service logged while it started and stored a verdict").hasSizeGreaterThan(20)
                .anyMatch(line -> line.contains("sasl.jaas.config"));
        for (String secret : List.of(OWNER_PASSWORD, SINK_PASSWORD, KAFKA_PASSWORD, TRUSTSTORE_PASSWORD)) {
            assertThat(logged).as("lines containing %s", secret).noneMatch(line -> line.contains(secret));
        }
    }

    private static int storedVerdicts(TestPostgres postgres, String segmentId) {
        try (Connection db = DriverManager.getConnection(postgres.jdbcUrl(), TestPostgres.USER, TestPostgres.PASSWORD);
             Statement statement = db.createStatement();
             ResultSet rows = statement.executeQuery(
                     "SELECT count(*) FROM segment_verdicts WHERE segment_id = '" + segmentId + "'")) {
            rows.next();
            return rows.getInt(1);
        } catch (java.sql.SQLException e) {
            return 0; // not migrated yet
        }
    }

    private static int status(String url) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return 0;
        }
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 180_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition met within 180 s").isLessThan(deadline);
            Thread.sleep(200);
        }
    }
}
