package vn.guardian.moderation.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static vn.guardian.moderation.sink.VerdictSinkTest.await;
import static vn.guardian.moderation.sink.VerdictSinkTest.migrate;
import static vn.guardian.moderation.sink.VerdictSinkTest.query;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import vn.guardian.contracts.DeadLetter;
import vn.guardian.contracts.Topics;
import vn.guardian.contracts.audio.AudioChunk;
import vn.guardian.contracts.audio.AudioEvent;
import vn.guardian.contracts.audio.CallEnded;
import vn.guardian.contracts.audio.CallStarted;
import vn.guardian.contracts.audio.SourceFormat;
import vn.guardian.contracts.serde.EventSerdes;
import vn.guardian.contracts.transcript.CallClosed;
import vn.guardian.contracts.transcript.TranscriptEvent;
import vn.guardian.contracts.verdict.Action;
import vn.guardian.contracts.verdict.CallVerdict;
import vn.guardian.contracts.verdict.Category;
import vn.guardian.contracts.verdict.Severity;
import vn.guardian.moderation.sink.SinkLoop;
import vn.guardian.testsupport.TestKafka;
import vn.guardian.testsupport.TestPostgres;

/** The calls registry against a real broker and a real PostgreSQL: every event of a call lands once in its row. */
class CallRegistryTest {

    private static final String TENANT = "acme";

    private static TestKafka kafka;
    private static TestPostgres postgres;
    private static KafkaProducer<String, AudioEvent> audio;
    private static KafkaProducer<String, TranscriptEvent> transcripts;
    private static KafkaProducer<String, CallVerdict> verdicts;
    private static KafkaProducer<byte[], byte[]> raw;
    private final List<SinkLoop> started = new ArrayList<>();

    @BeforeAll
    static void startInfrastructure() {
        kafka = TestKafka.start();
        postgres = TestPostgres.start();
        migrate(postgres);
        Map<String, Object> servers = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        audio = new KafkaProducer<>(servers, new StringSerializer(), EventSerdes.audio());
        transcripts = new KafkaProducer<>(servers, new StringSerializer(), EventSerdes.transcripts().serializer());
        verdicts = new KafkaProducer<>(servers, new StringSerializer(), EventSerdes.callVerdict().serializer());
        raw = new KafkaProducer<>(servers, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stopInfrastructure() throws Exception {
        audio.close();
        transcripts.close();
        verdicts.close();
        raw.close();
        postgres.close();
        kafka.close();
    }

    @AfterEach
    void stopRegistries() {
        started.forEach(SinkLoop::stop);
    }

    @Test
    void aCallIsFollowedFromItsStartToItsClose() throws Exception {
        String callId = "call-" + UUID.randomUUID();
        long t0 = System.currentTimeMillis() - 60_000;
        start("registry-a");

        send(started(callId, "vi", t0));
        await(() -> "live".equals(row(callId, "status")));
        sendChunks(callId, 0, 3);
        sendChunks(callId, 1, 2);
        send(new CallEnded(callId, TENANT, "completed", t0 + 30_000));
        await(() -> "ended".equals(row(callId, "status")));
        transcripts.send(new ProducerRecord<>(Topics.TRANSCRIPTS, callId, new CallClosed(callId, TENANT, "completed",
                29_500, List.of(2L, 3L), Map.of(), t0 + 30_000, t0 + 30_400))).get();
        verdicts.send(new ProducerRecord<>(Topics.CALL_VERDICTS, callId, new CallVerdict(callId, TENANT, 5,
                Map.of(Category.INSULT, 2L, Category.PROFANITY, 1L), Severity.MEDIUM, 0.4, Action.FLAG, null, false,
                "completed", t0 + 30_500))).get();

        await(() -> "FLAG".equals(row(callId, "action")));
        assertThat(row(callId, "status")).isEqualTo("closed");
        assertThat(row(callId, "language || ' ' || end_reason || ' ' || audio_ms || ' ' || segments"))
                .isEqualTo("vi completed 29500 5");
        assertThat(row(callId, "array_to_string(chunks_by_channel, ',')")).isEqualTo("3,2");
        assertThat(row(callId, "array_to_string(channel_roles, ',') || ' ' || (source_format->>'encoding')"
                + " || ' ' || (metadata->>'queue')")).isEqualTo("agent,customer mulaw billing");
        assertThat(row(callId, "array_to_string(categories, ',')")).isEqualTo("INSULT,PROFANITY");
        assertThat(row(callId, "extract(epoch FROM started_at) * 1000")).startsWith(Long.toString(t0));
    }

    @Test
    void aCallTheTranscriberRefusedIsFailedWithTheReasonAndItsDeadLettersAreCounted() throws Exception {
        String callId = "call-" + UUID.randomUUID();
        start("registry-b");
        CallStarted vietnamese = started(callId, "vi", System.currentTimeMillis());
        String noModel = "no-model: call " + callId + " is in language 'vi' but models exist only for [en];"
                + " configure guardian.transcriber.models.vi";

        send(vietnamese);
        sendChunks(callId, 0, 2);
        deadLetter(callId, vietnamese, noModel);
        deadLetter(callId, null, "no-model: call " + callId + " was refused");
        deadLetter(callId, null, "no-model: call " + callId + " was refused");

        await(() -> "failed".equals(row(callId, "status")));
        assertThat(row(callId, "failure")).isEqualTo(noModel);
        await(() -> "3".equals(query(postgres, "SELECT count(*) FROM call_dead_letters WHERE call_id = '" + callId
                + "' AND reason_code = 'no-model'")));
    }

    @Test
    void replayingEveryTopicFromTheStartChangesNothing() throws Exception {
        String callId = "call-" + UUID.randomUUID();
        start("registry-c");
        CallStarted call = started(callId, "en", System.currentTimeMillis());
        send(call);
        sendChunks(callId, 0, 4);
        deadLetter(callId, null, "seq-gap: chunk 7 after 5");
        send(new CallEnded(callId, TENANT, "completed", System.currentTimeMillis()));
        await(() -> "ended".equals(row(callId, "status"))
                && "1".equals(query(postgres, "SELECT count(*) FROM call_dead_letters WHERE call_id = '" + callId + "'")));

        // a second registry (a fresh group) reads every topic again from the beginning
        start("registry-c-replay");
        String marker = "call-" + UUID.randomUUID();
        send(started(marker, "en", System.currentTimeMillis()));
        await(() -> "live".equals(row(marker, "status")));
        Thread.sleep(1000);

        assertThat(row(callId, "array_to_string(chunks_by_channel, ',')")).isEqualTo("4");
        assertThat(query(postgres, "SELECT count(*) FROM call_dead_letters WHERE call_id = '" + callId + "'"))
                .isEqualTo("1");
        assertThat(query(postgres, "SELECT count(*) FROM calls WHERE call_id = '" + callId + "'")).isEqualTo("1");
    }

    @Test
    void anErasedCallIsNeverWrittenAgain() throws Exception {
        String callId = "call-" + UUID.randomUUID();
        execute("INSERT INTO erased_calls (call_id, tenant, erased_at) VALUES ('" + callId + "', 'acme', now())");
        start("registry-d");

        send(started(callId, "en", System.currentTimeMillis()));
        deadLetter(callId, null, "seq-gap: replayed");
        String marker = "call-" + UUID.randomUUID();
        send(started(marker, "en", System.currentTimeMillis()));

        await(() -> "live".equals(row(marker, "status")));
        assertThat(query(postgres, "SELECT count(*) FROM calls WHERE call_id = '" + callId + "'")).isEqualTo("0");
        assertThat(query(postgres, "SELECT count(*) FROM call_dead_letters WHERE call_id = '" + callId + "'"))
                .isEqualTo("0");
    }

    private void start(String groupId) {
        ConnectionFactory connections = ConnectionFactories.get(ConnectionFactoryOptions.parse(postgres.r2dbcUrl())
                .mutate()
                .option(ConnectionFactoryOptions.USER, TestPostgres.USER)
                .option(ConnectionFactoryOptions.PASSWORD, TestPostgres.PASSWORD).build());
        Map<String, Object> clients = Map.of("bootstrap.servers", kafka.bootstrapServers());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        SinkLoop loop = new SinkLoop(CallRegistry.NAME, CallRegistry.TOPICS, clients, clients, groupId, 500,
                new CallRegistry(connections, Duration.ofSeconds(10)), registry);
        loop.start();
        started.add(loop);
    }

    private static CallStarted started(String callId, String language, long at) {
        return new CallStarted(callId, TENANT, language, new SourceFormat("mulaw", 8000, 2),
                List.of("agent", "customer"), 16_000, Map.of("queue", "billing"), at);
    }

    private static void send(AudioEvent event) throws Exception {
        String callId = event instanceof CallStarted s ? s.callId() : ((CallEnded) event).callId();
        audio.send(new ProducerRecord<>(Topics.AUDIO, callId, event)).get();
    }

    private static void sendChunks(String callId, int channel, int count) throws Exception {
        for (int seq = 0; seq < count; seq++) {
            audio.send(new ProducerRecord<>(Topics.AUDIO, callId, new AudioChunk(callId, channel, seq, seq * 4000L,
                    16_000, System.currentTimeMillis(), new byte[8000]))).get();
        }
    }

    /** A dead letter as the transcriber writes it: of the CallStarted itself, or of one of the call's chunks. */
    private static void deadLetter(String callId, CallStarted original, String reason) throws Exception {
        RecordHeaders headers = new RecordHeaders();
        byte[] value;
        if (original != null) {
            value = EventSerdes.audio().serialize(Topics.AUDIO, headers, original);
        } else {
            value = EventSerdes.audio().serialize(Topics.AUDIO, headers, new AudioChunk(callId, 0, 9, 0, 16_000,
                    System.currentTimeMillis(), new byte[4]));
        }
        raw.send(DeadLetter.record(callId.getBytes(StandardCharsets.UTF_8), value, headers, reason, "transcriber",
                Topics.AUDIO, 0, 42)).get();
    }

    private static String row(String callId, String expression) {
        return query(postgres, "SELECT " + expression + " FROM calls WHERE call_id = '" + callId + "'");
    }

    private static void execute(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(), TestPostgres.USER, TestPostgres.PASSWORD);
             Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
