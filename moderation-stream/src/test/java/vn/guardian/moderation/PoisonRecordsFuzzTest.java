package vn.guardian.moderation;

import static org.assertj.core.api.Assertions.assertThat;
import static vn.guardian.testsupport.TestTopics.header;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.context.ConfigurableApplicationContext;
import vn.guardian.contracts.Topics;
import vn.guardian.contracts.audio.AudioEvent;
import vn.guardian.contracts.audio.CallStarted;
import vn.guardian.contracts.audio.SourceFormat;
import vn.guardian.contracts.serde.AudioEventSerde;
import vn.guardian.contracts.serde.EventSerdes;
import vn.guardian.contracts.serde.TranscriptEventSerde;
import vn.guardian.contracts.transcript.TranscriptSegment;
import vn.guardian.testsupport.CommandLine;
import vn.guardian.testsupport.Fuzzing;
import vn.guardian.testsupport.TestKafka;
import vn.guardian.testsupport.TestPostgres;
import vn.guardian.testsupport.TestTopics;

/**
 * Broken records on every topic moderation-stream reads, against the running service on a real broker and
 * PostgreSQL: the topology ({@code guardian.transcripts}), the verdict sink ({@code guardian.verdicts},
 * {@code guardian.call-verdicts}) and the call registry (those, {@code guardian.audio} and {@code guardian.dlq}).
 * Random bytes, tombstones, JSON {@code null}, valid events cut short or with a flipped byte, events whose required
 * fields are missing, chunks whose headers lie. An unreadable transcript or verdict lands on the DLQ with its
 * reason (the registry skips what it cannot read, by design); and a transcript and a call start sent right after
 * each broken record still become a verdict row, a call verdict row and a call row.
 */
class PoisonRecordsFuzzTest {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final List<String> TOPICS = List.of(Topics.TRANSCRIPTS, Topics.VERDICTS, Topics.CALL_VERDICTS,
            Topics.AUDIO, Topics.DLQ);

    private static TestKafka kafka;
    private static TestTopics topics;
    private static TestPostgres postgres;
    private static ConfigurableApplicationContext app;
    private static KafkaProducer<String, byte[]> producer;

    @BeforeAll
    static void start() throws Exception {
        kafka = TestKafka.start();
        postgres = TestPostgres.start();
        Map<String, Object> properties = new HashMap<>(postgres.moderationProperties());
        properties.put("spring.kafka.bootstrap-servers", kafka.bootstrapServers());
        properties.put("server.port", "0");
        properties.put("guardian.moderation.state-dir", Files.createTempDirectory("moderation-fuzz").toString());
        app = ModerationApplication.application().run(CommandLine.args(properties));
        topics = new TestTopics(kafka.bootstrapServers(), WAIT);
        producer = topics.producer(new ByteArraySerializer());
    }

    @AfterAll
    static void stop() throws Exception {
        if (producer != null) {
            producer.close();
        }
        if (app != null) {
            app.close();
        }
        if (postgres != null) {
            postgres.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    static Stream<Fuzzing.Try> tries() {
        return Fuzzing.tries(10);
    }

    @ParameterizedTest
    @MethodSource("tries")
    void aBrokenRecordIsDeadLetteredOrSkippedAndTheRecordsAfterItStillLand(Fuzzing.Try example) throws Exception {
        Random random = example.random();
        String topic = TOPICS.get(example.index() % TOPICS.size());
        String callId = "after-fuzz-" + example.seed();
        // on the partition the records sent after it go to, so they queue behind it
        int partition = Utils.toPositive(Utils.murmur2(callId.getBytes(StandardCharsets.UTF_8)))
                % producer.partitionsFor(topic).size();
        // the first try on each topic sends an event lacking required fields
        ProducerRecord<String, byte[]> poison = poison(random, topic, partition, "fuzz-" + example.seed(),
                example.index() < TOPICS.size());
        RecordMetadata sent = producer.send(poison).get();

        TranscriptSegment segment = Segments.segment(callId, 1000, "en", "you are an idiot");
        RecordHeaders transcriptHeaders = new RecordHeaders();
        producer.send(new ProducerRecord<>(Topics.TRANSCRIPTS, null, callId, EventSerdes.transcripts()
                .serialize(Topics.TRANSCRIPTS, transcriptHeaders, segment), transcriptHeaders)).get();
        RecordHeaders audioHeaders = new RecordHeaders();
        producer.send(new ProducerRecord<>(Topics.AUDIO, null, callId, new AudioEventSerde()
                .serialize(Topics.AUDIO, audioHeaders, started(callId)), audioHeaders)).get();

        await("a verdict row", "SELECT 1 FROM segment_verdicts WHERE segment_id = ?", segment.segmentId());
        await("a call verdict row", "SELECT 1 FROM call_verdicts WHERE call_id = ?", callId);
        await("a call row", "SELECT 1 FROM calls WHERE call_id = ? AND language = 'en'", callId);
        boolean readByTheTopologyOrSink = topic.equals(Topics.TRANSCRIPTS) || topic.equals(Topics.VERDICTS)
                || topic.equals(Topics.CALL_VERDICTS);
        if (readByTheTopologyOrSink && unreadable(poison)) {
            ConsumerRecord<String, byte[]> dead = topics.deadLetterOf(sent);
            assertThat(header(dead, Topics.DLQ_REASON_HEADER)).isNotBlank();
        }
    }

    /** A record that is not a well-formed event of {@code topic}, in one of the ways they go wrong. */
    private static ProducerRecord<String, byte[]> poison(Random random, String topic, int partition, String key,
                                                         boolean lackingIds) {
        RecordHeaders headers = new RecordHeaders();
        List<String> events = switch (topic) {
            case Topics.TRANSCRIPTS -> List.of("TranscriptSegment", "CallClosed", "Bogus");
            case Topics.AUDIO -> List.of("CallStarted", "CallEnded", "AudioChunk", "Bogus");
            default -> List.of("");
        };
        String event = events.get(random.nextInt(events.size()));
        byte[] valid = validJson(topic, key);
        byte[] value = switch (lackingIds ? 6 : random.nextInt(7)) {
            case 0 -> bytes(random, 300);
            case 1 -> random.nextBoolean() ? null : new byte[0];
            case 2 -> Arrays.copyOf(valid, random.nextInt(valid.length));
            case 3 -> {
                byte[] flipped = valid.clone();
                flipped[random.nextInt(flipped.length)] ^= (byte) (1 + random.nextInt(255));
                yield flipped;
            }
            case 4 -> List.of("null", "[]", "42", "{}", "\"text\"").get(random.nextInt(5)).getBytes(StandardCharsets.UTF_8);
            default -> missingFields(random, topic, key);
        };
        if (topic.equals(Topics.AUDIO) && random.nextInt(4) == 0) {
            // a chunk whose channel or seq header is out of any sane range
            event = "AudioChunk";
            value = bytes(random, 64);
            value = Arrays.copyOf(value, value.length & ~1);
            for (String[] field : new String[][]{{AudioEventSerde.CALL_ID_HEADER, key},
                    {AudioEventSerde.CHANNEL_HEADER, List.of("2147483647", "-3", "100000000", "0").get(random.nextInt(4))},
                    {AudioEventSerde.SEQ_HEADER, List.of("9223372036854775807", "-1", "0").get(random.nextInt(3))},
                    {AudioEventSerde.START_SAMPLE_HEADER, "0"}, {AudioEventSerde.SAMPLE_RATE_HEADER, "16000"},
                    {AudioEventSerde.INGESTED_AT_HEADER, "1"}}) {
                headers.add(field[0], field[1].getBytes(StandardCharsets.UTF_8));
            }
        }
        if (topic.equals(Topics.DLQ)) {
            // what the registry reads from a dead letter: the source and reason headers, an audio event's header
            headers.add(Topics.DLQ_SOURCE_TOPIC_HEADER, (random.nextBoolean() ? Topics.AUDIO : "").getBytes());
            headers.add(Topics.DLQ_REASON_HEADER, brokenReason(random).getBytes(StandardCharsets.UTF_8));
            event = "CallStarted";
        }
        if (!event.isEmpty() && random.nextInt(6) > 0) {
            headers.add(AudioEventSerde.EVENT_HEADER, event.getBytes(StandardCharsets.UTF_8));
        }
        return new ProducerRecord<>(topic, partition, random.nextInt(5) == 0 ? null : key, value, headers);
    }

    /** An event of the topic with its required fields missing: JSON that reads, with nulls where ids belong. */
    private static byte[] missingFields(Random random, String topic, String key) {
        List<String> shapes = switch (topic) {
            case Topics.TRANSCRIPTS -> List.of("{\"segmentId\":\"s-" + key + "\",\"text\":\"x\"}",
                    "{\"callId\":null,\"reason\":\"completed\",\"segmentsByChannel\":[],\"deadLettered\":{}}");
            case Topics.VERDICTS -> List.of("{\"segmentId\":\"s-" + key + "\",\"categories\":[]}");
            case Topics.CALL_VERDICTS -> List.of("{\"callId\":\"" + key + "\",\"countsByCategory\":{}}");
            case Topics.AUDIO -> List.of("{\"channelRoles\":[]}", "{\"callId\":\"" + key + "\",\"channelRoles\":[]}",
                    "{\"tenant\":\"acme\"}");
            default -> List.of("{\"channelRoles\":[]}");
        };
        return shapes.get(random.nextInt(shapes.size())).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] validJson(String topic, String key) {
        if (topic.equals(Topics.AUDIO) || topic.equals(Topics.DLQ)) {
            return new AudioEventSerde().serialize(topic, new RecordHeaders(), started(key));
        }
        return EventSerdes.transcripts().serialize(topic, new RecordHeaders(), Segments.segment(key, 0, "en", "hello"));
    }

    private static AudioEvent started(String callId) {
        return new CallStarted(callId, "tenant-a", "en", new SourceFormat("pcm_s16le", 16000, 1), List.of("mono"),
                16000, Map.of(), System.currentTimeMillis());
    }

    /** Whether the topology or the sink cannot read it: then it must be dead-lettered. */
    private static boolean unreadable(ProducerRecord<String, byte[]> record) {
        if (record.value() == null) {
            return !record.topic().equals(Topics.CALL_VERDICTS); // a call-verdicts tombstone is an erasure
        }
        try {
            Object read = record.topic().equals(Topics.TRANSCRIPTS)
                    ? new TranscriptEventSerde().deserialize(record.topic(), record.headers(), record.value())
                    : record.topic().equals(Topics.VERDICTS)
                    ? EventSerdes.segmentVerdict().deserialize(record.topic(), record.value())
                    : EventSerdes.callVerdict().deserialize(record.topic(), record.value());
            return read == null;
        } catch (RuntimeException e) {
            return true;
        }
    }

    private static byte[] bytes(Random random, int max) {
        byte[] bytes = new byte[random.nextInt(max + 1)];
        random.nextBytes(bytes);
        return bytes;
    }

    private static void await(String what, String sql, String id) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!exists(sql, id)) {
            assertThat(System.nanoTime()).as("waiting for " + what + " of " + id).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private static boolean exists(String sql, String id) {
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(), TestPostgres.USER, TestPostgres.PASSWORD);
             PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reasons as a broken producer might write them. */
    private static String brokenReason(Random random) {
        return List.of("", ":", "undeserializable: x", "a".repeat(300), "\u0000:\u0000").get(random.nextInt(5));
    }
}
