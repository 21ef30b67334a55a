package vn.guardian.moderation.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import vn.guardian.contracts.Topics;
import vn.guardian.contracts.serde.EventSerdes;
import vn.guardian.contracts.verdict.Action;
import vn.guardian.contracts.verdict.CallVerdict;
import vn.guardian.contracts.verdict.Escalation;
import vn.guardian.contracts.verdict.Category;
import vn.guardian.contracts.verdict.CategoryScore;
import vn.guardian.contracts.verdict.ScoreSource;
import vn.guardian.contracts.verdict.SegmentVerdict;
import vn.guardian.contracts.verdict.Severity;
import vn.guardian.contracts.verdict.Span;
import vn.guardian.testsupport.TestKafka;
import vn.guardian.testsupport.TestPostgres;

/** The sink against a real broker and a real PostgreSQL. */
public class VerdictSinkTest {

    private static TestKafka kafka;
    private static TestPostgres postgres;
    private static KafkaProducer<String, SegmentVerdict> producer;
    private final List<AutoCloseable> closeAfter = new ArrayList<>();

    @BeforeAll
    static void startInfrastructure() {
        kafka = TestKafka.start();
        postgres = TestPostgres.start();
        migrate(postgres);
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "verdict-sink-test"),
                new StringSerializer(), EventSerdes.segmentVerdict().serializer());
        producer.initTransactions();
    }

    @AfterAll
    static void stopInfrastructure() throws Exception {
        producer.close();
        postgres.close();
        kafka.close();
    }

    @AfterEach
    void stopSinks() throws Exception {
        for (AutoCloseable c : closeAfter) {
            c.close();
        }
    }

    @Test
    void storesCommittedVerdictsOnceAndUpsertsARepeatedSegment() throws Exception {
        String callId = "call-" + UUID.randomUUID();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        startSink(postgres.r2dbcUrl(), "sink-test-a", registry);

        send(verdict(callId, "seg-1", Action.FLAG), verdict(callId, "seg-2", Action.ALLOW));
        producer.beginTransaction();
        producer.send(new ProducerRecord<>(Topics.VERDICTS, callId, verdict(callId, "seg-aborted", Action.FLAG)));
        producer.abortTransaction();
        send(verdict(callId, "seg-1", Action.ESCALATE));

        await(() -> "ESCALATE".equals(query(postgres, "SELECT action FROM segment_verdicts WHERE segment_id = '"
                + callId + "/seg-1'")));
        assertThat(query(postgres, "SELECT count(*) FROM segment_verdicts WHERE call_id = '" + callId + "'"))
                .isEqualTo("2");
        assertThat(query(postgres, "SELECT categories->0->>'category' FROM segment_verdicts WHERE segment_id = '"
                + callId + "/seg-1'")).isEqualTo("INSULT");
        assertThat(query(postgres, "SELECT count(*) FROM segment_verdicts WHERE ingested_at < decided_at "
                + "AND decided_at <= stored_at AND call_id = '" + callId + "'")).isEqualTo("2");
        assertThat(registry.timer("guardian.utterance.end.latency").count()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void callVerdictsAreUpsertedByCallIdAndTheLatestWins() throws Exception {
        String callId = "call-" + UUID.randomUUID();
        startSink(postgres.r2dbcUrl(), "sink-test-d", new SimpleMeterRegistry());
        try (KafkaProducer<String, CallVerdict> calls = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(), EventSerdes.callVerdict().serializer())) {
            long now = System.currentTimeMillis();
            calls.send(new ProducerRecord<>(Topics.CALL_VERDICTS, callId, new CallVerdict(callId, "tenant-a", 1,
                    Map.of(Category.INSULT, 1L), Severity.MEDIUM, 0.275, Action.FLAG, null, true, null, now))).get();
            send(verdict(callId, "seg-1", Action.FLAG));
            calls.send(new ProducerRecord<>(Topics.CALL_VERDICTS, callId, new CallVerdict(callId, "tenant-a", 3,
                    Map.of(Category.INSULT, 3L), Severity.MEDIUM, 0.626, Action.ESCALATE,
                    new Escalation(Escalation.REPEAT, "3 flagged [INSULT] segments", List.of("seg-1", "seg-2", "seg-3")),
                    false, "completed", now + 10))).get();
        }

        await(() -> "f".equals(query(postgres, "SELECT open FROM call_verdicts WHERE call_id = '" + callId + "'")));
        assertThat(query(postgres, "SELECT count(*) FROM call_verdicts WHERE call_id = '" + callId + "'"))
                .isEqualTo("1");
        assertThat(query(postgres, "SELECT segments || ' ' || action || ' ' || risk_score || ' ' || "
                + "(counts_by_category->>'INSULT') FROM call_verdicts WHERE call_id = '" + callId + "'"))
                .isEqualTo("3 ESCALATE 0.626 3");
        assertThat(query(postgres, "SELECT close_reason || ' ' || (escalation->>'rule') || ' ' || "
                + "(escalation->'segmentIds'->>2) FROM call_verdicts WHERE call_id = '" + callId + "'"))
                .isEqualTo("completed repeat seg-3");
        await(() -> "1".equals(query(postgres, "SELECT count(*) FROM segment_verdicts WHERE call_id = '"
                + callId + "'")));
    }

    @Test
    void databaseOutageDelaysVerdictsAndLosesNone() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String callId = "call-" + UUID.randomUUID();
        SinkLoop sink = startSink("r2dbc:postgresql://localhost:" + port + "/" + TestPostgres.DATABASE,
                "sink-test-b", new SimpleMeterRegistry());

        send(verdict(callId, "seg-1", Action.FLAG), verdict(callId, "seg-2", Action.ESCALATE));
        await(() -> sink.lastError() != null);

        try (TestPostgres late = TestPostgres.start(port)) {
            migrate(late);
            await(() -> "2".equals(query(late, "SELECT count(*) FROM segment_verdicts WHERE call_id = '"
                    + callId + "'")));
            await(() -> sink.lastError() == null);
        }
    }

    @Test
    void unreadableVerdictGoesToTheDeadLetterTopicAndTheNextIsStored() throws Exception {
        String callId = "call-" + UUID.randomUUID();
        startSink(postgres.r2dbcUrl(), "sink-test-c", new SimpleMeterRegistry());
        try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer());
             KafkaConsumer<String, byte[]> dlq = new KafkaConsumer<>(Map.of(
                     ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                     ConsumerConfig.GROUP_ID_CONFIG, "dlq-reader-" + callId,
                     ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                     new StringDeserializer(), new ByteArrayDeserializer())) {
            raw.send(new ProducerRecord<>(Topics.VERDICTS, callId, "garbage".getBytes(StandardCharsets.UTF_8))).get();
            send(verdict(callId, "seg-after-garbage", Action.FLAG));

            await(() -> "1".equals(query(postgres, "SELECT count(*) FROM segment_verdicts WHERE call_id = '"
                    + callId + "'")));
            dlq.subscribe(List.of(Topics.DLQ));
            List<ConsumerRecord<String, byte[]>> dead = new ArrayList<>();
            await(() -> {
                dlq.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (callId.equals(r.key())) {
                        dead.add(r);
                    }
                });
                return !dead.isEmpty();
            });
            assertThat(new String(dead.get(0).headers().lastHeader(Topics.DLQ_REASON_HEADER).value(),
                    StandardCharsets.UTF_8)).contains("SegmentVerdict");
            assertThat(new String(dead.get(0).headers().lastHeader(Topics.DLQ_SOURCE_TOPIC_HEADER).value(),
                    StandardCharsets.UTF_8)).isEqualTo(Topics.VERDICTS);
        }
    }

    private SinkLoop startSink(String r2dbcUrl, String groupId, SimpleMeterRegistry registry) {
        ConnectionFactory connections = ConnectionFactories.get(ConnectionFactoryOptions.parse(r2dbcUrl).mutate()
                .option(ConnectionFactoryOptions.USER, TestPostgres.USER)
                .option(ConnectionFactoryOptions.PASSWORD, TestPostgres.PASSWORD).build());
        Map<String, Object> clients = Map.of("bootstrap.servers", kafka.bootstrapServers());
        SinkLoop sink = new SinkLoop(VerdictSink.NAME, VerdictSink.TOPICS, clients, clients, groupId, 100,
                new VerdictSink(new VerdictWriter(connections, Duration.ofSeconds(5)), registry), registry);
        sink.start();
        closeAfter.add(sink::stop);
        return sink;
    }

    private static void send(SegmentVerdict... verdicts) {
        producer.beginTransaction();
        for (SegmentVerdict verdict : verdicts) {
            producer.send(new ProducerRecord<>(Topics.VERDICTS, verdict.callId(), verdict));
        }
        producer.commitTransaction();
    }

    static SegmentVerdict verdict(String callId, String segment, Action action) {
        long now = System.currentTimeMillis();
        return new SegmentVerdict(callId + "/" + segment, callId, "tenant-a", 1, "customer", 100, 900,
                "you idiot", "en", List.of(new CategoryScore(Category.INSULT, 0.55, List.of(new Span(4, 9, "idiot")), ScoreSource.LEXICON)),
                Severity.MEDIUM, action, "en@test", now - 300, now - 100);
    }

    public static void migrate(TestPostgres db) {
        Flyway.configure().dataSource(db.jdbcUrl(), TestPostgres.USER, TestPostgres.PASSWORD).load().migrate();
    }

    public static String query(TestPostgres db, String sql) {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), TestPostgres.USER, TestPostgres.PASSWORD);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (java.sql.SQLException e) {
            return null;
        }
    }

    public static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 60 s");
            }
            Thread.sleep(100);
        }
    }
}
