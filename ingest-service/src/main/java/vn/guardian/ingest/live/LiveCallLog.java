package vn.guardian.ingest.live;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import vn.guardian.contracts.Topics;
import vn.guardian.contracts.serde.JsonSerde;
import vn.guardian.ingest.IngestProperties;
import vn.guardian.ingest.problem.ProblemException;
import vn.guardian.ingest.publish.AudioPublisher;
import vn.guardian.ingest.publish.CompactedTopicReader;
import vn.guardian.ingest.publish.PublishClients;

/**
 * The live calls of every ingest replica, on the compacted {@code guardian.live-calls}: {@link #write} records a
 * call's state once Kafka has its audio, and a {@link CompactedTopicReader} follows the whole topic into a map of each
 * call's latest state, so a replica that never saw a call can continue it.
 */
@Component
public class LiveCallLog implements SmartLifecycle, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LiveCallLog.class);
    private static final Duration POLL = Duration.ofMillis(200);
    /** How often to look again for a topic that does not exist yet, or a broker that does not answer. */
    private static final Duration TOPIC_RETRY = Duration.ofSeconds(1);

    private final String instanceId = newInstanceId();
    private final Producer<String, byte[]> producer;
    private final CompactedTopicReader reader;
    private final Admin admin;
    private final IngestProperties.Publish publish;
    private final JsonSerde<LiveCallState> serde = new JsonSerde<>(LiveCallState.class);
    /** Latest state per callId, as read from the topic. */
    private final Map<String, LiveCallState> latest = new ConcurrentHashMap<>();
    private final Counter written;
    private final Timer writeLatency;
    private volatile Consumer<LiveCallState> onForeignState = state -> { };

    public LiveCallLog(KafkaProperties kafka, IngestProperties properties, Admin readinessAdmin, MeterRegistry meters) {
        Map<String, Object> producerConfig = new HashMap<>(PublishClients.producerConfig(kafka, properties.publish()));
        producerConfig.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        producerConfig.put(ProducerConfig.CLIENT_ID_CONFIG, "guardian-ingest-live-calls-" + instanceId);
        // each state is waited for alone: lingering would only delay the chunk's answer
        producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        this.producer = new KafkaProducer<>(producerConfig);
        this.reader = new CompactedTopicReader(kafka, new CompactedTopicReader.Settings(Topics.LIVE_CALLS,
                "the live calls of all ingest replicas", "guardian-ingest-live-calls-reader-" + instanceId, POLL,
                TOPIC_RETRY, Level.WARN, "calls of other replicas can no longer be continued here (503); restart "
                + "this instance"), this::apply,
                () -> log.info("Read {}: {} live calls known", Topics.LIVE_CALLS, latest.size()));
        this.admin = readinessAdmin;
        this.publish = properties.publish();
        this.written = Counter.builder("guardian.ingest.call-states.written")
                .description("Live call state records acknowledged on " + Topics.LIVE_CALLS).register(meters);
        this.writeLatency = Timer.builder("guardian.ingest.call-state.latency")
                .description("From sending a live call's state to Kafka's acknowledgement; part of every chunk's answer")
                .publishPercentileHistogram().register(meters);
        Gauge.builder("guardian.ingest.call-states.lag", reader, CompactedTopicReader::lag)
                .description("Records of " + Topics.LIVE_CALLS + " this replica has not read yet (-1 before the first read)")
                .register(meters);
        Gauge.builder("guardian.ingest.call-states.known", latest, Map::size)
                .description("Live calls of all replicas known from " + Topics.LIVE_CALLS).register(meters);
    }

    /** This process's name in the {@code writer} of its records: unique per start, so a restart is a new writer. */
    public String instanceId() {
        return instanceId;
    }

    /** Called on the reader thread for every state another instance wrote. */
    void onForeignState(Consumer<LiveCallState> listener) {
        this.onForeignState = listener;
    }

    /**
     * Records {@code state} and blocks until Kafka acknowledged it.
     *
     * @throws ProblemException 503 when Kafka does not acknowledge it in bounded time
     */
    void write(LiveCallState state, String retryAdvice) {
        long started = System.nanoTime();
        send(state.callId(), serde.serialize(Topics.LIVE_CALLS, state), retryAdvice);
        writeLatency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        written.increment();
    }

    /** Forgets a call: the compacted topic drops its state. */
    void forget(String callId) {
        send(callId, null, "nothing (the sweeper retries)");
    }

    private void send(String callId, byte[] value, String retryAdvice) {
        try {
            producer.send(new ProducerRecord<>(Topics.LIVE_CALLS, callId, value))
                    .get(publish.deliveryTimeout().toMillis() + publish.maxBlock().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(callId, e, retryAdvice);
        } catch (ExecutionException e) {
            throw unavailable(callId, e.getCause(), retryAdvice);
        } catch (TimeoutException | KafkaException e) {
            throw unavailable(callId, e, retryAdvice);
        }
    }

    private ProblemException unavailable(String callId, Throwable cause, String retryAdvice) {
        return AudioPublisher.unavailable("Call state could not be stored", "Kafka did not acknowledge the state of "
                + "call " + callId + " on " + Topics.LIVE_CALLS, cause, retryAdvice, publish.retryAfter());
    }

    /** The latest state of the call that this replica has read, if any. */
    Optional<LiveCallState> latest(String callId) {
        return Optional.ofNullable(latest.get(callId));
    }

    /** Every call's latest state, for the sweeper. */
    Collection<LiveCallState> states() {
        return latest.values();
    }

    /**
     * Waits until the reader has applied every record written before this call, so {@link #latest} is the newest
     * state any replica acknowledged to its client.
     *
     * @return false if that did not happen within {@code wait} (Kafka unreachable, reader behind or stopped)
     */
    boolean awaitCaughtUp(Duration wait) {
        return reader.awaitCaughtUp(admin, wait);
    }

    /** Whether the reader has read the whole topic once since start (readiness), and if not, why. */
    boolean caughtUpOnce() {
        return reader.caughtUpOnce();
    }

    String problem() {
        return reader.problem();
    }

    long lag() {
        return reader.lag();
    }

    @Override
    public void start() {
        reader.start();
    }

    @Override
    public void stop() {
        reader.stop();
    }

    @Override
    public boolean isRunning() {
        return reader.isRunning();
    }

    @Override
    public void close() {
        producer.close(publish.deliveryTimeout());
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        if (record.key() == null) {
            return;
        }
        if (record.value() == null) {
            latest.remove(record.key());
            return;
        }
        LiveCallState state;
        try {
            state = serde.deserialize(record.topic(), record.value());
        } catch (SerializationException e) {
            log.warn("Skipped an unreadable state of live call {} at {}-{}@{}: {}", record.key(), record.topic(),
                    record.partition(), record.offset(), e.getMessage());
            return;
        }
        latest.put(record.key(), state);
        if (!instanceId.equals(state.writer())) {
            try {
                onForeignState.accept(state);
            } catch (RuntimeException e) {
                log.error("Handling the state of call {} written by {} failed", state.callId(), state.writer(), e);
            }
        }
    }

    private static String newInstanceId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "host";
        }
        // two contexts in one JVM (tests, the standalone pipeline) are two writers too
        return host + "-pid" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
