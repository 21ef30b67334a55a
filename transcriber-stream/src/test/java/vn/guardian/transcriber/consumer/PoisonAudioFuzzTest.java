package vn.guardian.transcriber.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static vn.guardian.testsupport.TestTopics.header;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;
import vn.guardian.contracts.Topics;
import vn.guardian.contracts.audio.AudioChunk;
import vn.guardian.contracts.audio.AudioEvent;
import vn.guardian.contracts.audio.CallEnded;
import vn.guardian.contracts.serde.AudioEventSerde;
import vn.guardian.contracts.transcript.CallClosed;
import vn.guardian.contracts.transcript.TranscriptEvent;
import vn.guardian.testsupport.Fuzzing;
import vn.guardian.testsupport.TestKafka;
import vn.guardian.testsupport.TestTopics;
import vn.guardian.transcriber.Speech;
import vn.guardian.transcriber.TestCalls;
import vn.guardian.transcriber.TestModels;
import vn.guardian.transcriber.TranscriberApplication;

/**
 * Broken records on the audio topic, against the running transcriber on a real broker with the real model: random
 * bytes, a valid event's JSON cut short or with a flipped byte, JSON {@code null}, fields of the wrong type, chunks
 * whose headers lie, random keys or none. A record the audio serde cannot read lands on the DLQ with an
 * {@code undeserializable} reason; no record stops the partition: a call sent right after each one is closed,
 * and a spoken call sent after all of them is transcribed. The service logs no error meanwhile.
 */
class PoisonAudioFuzzTest {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final int PARTITION = 0;
    private static final AudioEventSerde SERDE = new AudioEventSerde();

    private static TestKafka kafka;
    private static TestTopics topics;
    private static ConfigurableApplicationContext app;
    private static KafkaProducer<String, byte[]> producer;
    private static final Queue<ILoggingEvent> errors = new ConcurrentLinkedQueue<>();
    private static AppenderBase<ILoggingEvent> logCapture;

    @BeforeAll
    static void start() {
        kafka = TestKafka.start();
        app = TranscriberApplication.application().run(
                "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(), "--server.port=0",
                "--guardian.transcriber.workers=1", "--guardian.transcriber.instance-id=fuzz",
                "--guardian.transcriber.model-cache-dir=" + TestModels.CACHE_DIR);
        topics = new TestTopics(kafka.bootstrapServers(), WAIT);
        producer = topics.producer(new ByteArraySerializer());
        // attached after start: Spring Boot resets Logback's appenders while it starts
        logCapture = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {
                // not the test's broker in this JVM (it logs slow events when the machine is busy)
                String logger = event.getLoggerName();
                if (event.getLevel().isGreaterOrEqual(Level.ERROR) && !logger.startsWith("kafka.")
                        && !(logger.startsWith("org.apache.kafka.") && !logger.startsWith("org.apache.kafka.clients."))) {
                    errors.add(event);
                }
            }
        };
        logCapture.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logCapture);
    }

    @AfterAll
    static void stop() throws Exception {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logCapture);
        if (producer != null) {
            producer.close();
        }
        if (app != null) {
            app.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    static Stream<Fuzzing.Try> tries() {
        return Fuzzing.tries(5);
    }

    @ParameterizedTest
    @MethodSource("tries")
    void aBrokenAudioRecordIsDeadLetteredAndTheCallAfterItIsStillClosed(Fuzzing.Try example) throws Exception {
        Random random = example.random();
        ProducerRecord<String, byte[]> poison = poison(random, "fuzz-" + example.seed());
        RecordMetadata sent = producer.send(poison).get();
        // a mutation may still read as a CallStarted: end it, or its recognizers stay held until it idles out
        send(new CallEnded(poison.key() == null ? "fuzz-" + example.seed() : poison.key(), "acme", "completed", 2));
        String okCall = "after-fuzz-" + example.seed();
        send(TestCalls.started(okCall, "en"));
        send(new CallEnded(okCall, "acme", "completed", System.currentTimeMillis()));

        // the call sent after the poison closes: the partition moved on
        TestCalls.transcript(topics, okCall, all -> all.stream().anyMatch(CallClosed.class::isInstance));
        if (!readable(poison)) {
            ConsumerRecord<String, byte[]> dead = topics.deadLetterOf(sent);
            assertThat(header(dead, Topics.DLQ_REASON_HEADER)).startsWith("undeserializable: ");
            assertThat(header(dead, Topics.DLQ_SOURCE_TOPIC_HEADER)).isEqualTo(Topics.AUDIO);
        }
        assertThat(errors).as("error log lines").extracting(ILoggingEvent::getFormattedMessage).isEmpty();
    }

    @Test
    void aSpokenCallAfterBrokenRecordsIsTranscribed() throws Exception {
        // one spoken call is enough: the Vosk decoding is what costs
        Random random = new Random(Fuzzing.seed());
        for (int i = 0; i < 5; i++) {
            producer.send(poison(random, "fuzz-before-speech-" + i)).get();
            send(new CallEnded("fuzz-before-speech-" + i, "acme", "completed", 2));
        }
        String callId = "spoken-after-fuzz";
        send(TestCalls.started(callId, "en"));
        for (AudioChunk chunk : Speech.chunks(Speech.NEED_HELP, callId, 0, 0)) {
            send(chunk);
        }
        send(new CallEnded(callId, "acme", "completed", System.currentTimeMillis()));

        List<TranscriptEvent> events = TestCalls.transcript(topics, callId,
                all -> all.stream().anyMatch(CallClosed.class::isInstance));
        assertThat(events).anySatisfy(event -> assertThat(event.toString()).contains("need help with my bill"));
    }

    /** A record on the audio topic that is not a well-formed audio event, in one of the ways they go wrong. */
    private static ProducerRecord<String, byte[]> poison(Random random, String key) {
        String callKey = random.nextInt(5) == 0 ? null : key;
        RecordHeaders headers = new RecordHeaders();
        byte[] value;
        String event = List.of("CallStarted", "CallEnded", "AudioChunk", "Bogus", "").get(random.nextInt(5));
        switch (random.nextInt(6)) {
            case 0 -> value = bytes(random, 300);
            case 1 -> {
                byte[] json = json(random, key);
                value = Arrays.copyOf(json, random.nextInt(json.length));
            }
            case 2 -> {
                value = json(random, key);
                value[random.nextInt(value.length)] ^= (byte) (1 + random.nextInt(255));
            }
            case 3 -> value = List.of("null", "[]", "\"text\"", "42", "{}", "{\"callId\":7}",
                    "{\"callId\":\"" + key + "\",\"channelRoles\":\"agent\"}").get(random.nextInt(7))
                    .getBytes(StandardCharsets.UTF_8);
            case 4 -> {
                // a chunk whose headers lie or are missing, or whose PCM has an odd byte count
                event = "AudioChunk";
                value = bytes(random, 2000);
                Map<String, String> fields = new HashMap<>(Map.of(AudioEventSerde.CALL_ID_HEADER, key,
                        AudioEventSerde.CHANNEL_HEADER, "0", AudioEventSerde.SEQ_HEADER, "0",
                        AudioEventSerde.START_SAMPLE_HEADER, "0", AudioEventSerde.SAMPLE_RATE_HEADER, "16000",
                        AudioEventSerde.INGESTED_AT_HEADER, "1"));
                String lying = List.copyOf(fields.keySet()).get(random.nextInt(fields.size()));
                if (random.nextBoolean()) {
                    fields.remove(lying);
                } else {
                    fields.put(lying, List.of("", "x", "1.5", "99999999999999999999", "-", " 1").get(random.nextInt(6)));
                }
                fields.forEach((name, text) -> headers.add(name, text.getBytes(StandardCharsets.UTF_8)));
            }
            default -> value = random.nextBoolean() ? null : new byte[0];
        }
        if (random.nextInt(6) > 0) {
            headers.add(AudioEventSerde.EVENT_HEADER, event.getBytes(StandardCharsets.UTF_8));
        }
        return new ProducerRecord<>(Topics.AUDIO, PARTITION, callKey, value, headers);
    }

    /** A valid CallStarted or CallEnded's JSON. */
    private static byte[] json(Random random, String callId) {
        AudioEvent event = random.nextBoolean() ? TestCalls.started(callId, "en")
                : new CallEnded(callId, "acme", "completed", 1);
        return SERDE.serialize(Topics.AUDIO, new RecordHeaders(), event);
    }

    private static byte[] bytes(Random random, int max) {
        byte[] bytes = new byte[random.nextInt(max + 1)];
        random.nextBytes(bytes);
        return bytes;
    }

    /** Whether the audio serde reads the record: if not, it must be dead-lettered as undeserializable. */
    private static boolean readable(ProducerRecord<String, byte[]> record) {
        try {
            return SERDE.deserialize(record.topic(), record.headers(), record.value()) != null;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static void send(AudioEvent event) throws Exception {
        RecordHeaders headers = new RecordHeaders();
        byte[] value = SERDE.serialize(Topics.AUDIO, headers, event);
        producer.send(new ProducerRecord<>(Topics.AUDIO, PARTITION, event.callId(), value, headers)).get();
    }
}
