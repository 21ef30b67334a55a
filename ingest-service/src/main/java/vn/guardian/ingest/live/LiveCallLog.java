package vn.guardian.ingest.live;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import vn.guardian.contracts.Topics;
import vn.guardian.contracts.serde.JsonSerde;
import vn.guardian.ingest.IngestProperties;
import vn.guardian.ingest.problem.ProblemException;
import vn.guardian.ingest.publish.AudioPublisher;
import vn.guardian.ingest.publish.PublishClients;

/**
 * The live calls of every ingest replica, on the compacted {@code guardian.live-calls}: {@link #write} records a
 * call's state once Kafka has its audio, and a background reader follows the whole topic (all partitions, no group,
 * read_committed, from the beginning) into a map of each call's latest state, so a replica that never saw a call
 * can continue it.
 */
@Component
public class LiveCallLog implements SmartLifecycle, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LiveCallLog.class);
    private static final Duration POLL = Duration.ofMillis(200);
    /** How often to look again for a topic that does not exist yet, or a broker that does not answer. */
    private static final Duration TOPIC_RETRY = Duration.ofSeconds(1);

    private final String instanceId = newInstanceId();
    private final Producer<String, byte[]> producer;
    private final Map<String, Object> consumerConfig;
    private final Admin admin;
    private final IngestProperties.Publish publish;
    private final JsonSerde<LiveCallState> serde = new JsonSerde<>(LiveCallState.class);
    /** Latest state per callId, as read from the topic. */
    private final Map<String, LiveCallState> latest = new ConcurrentHashMap<>();
    /** The reader's position per partition: every record before it has been applied to {@link #latest}. */
    private final Map<Integer, Long> positions = new ConcurrentHashMap<>();
    private final AtomicLong lag = new AtomicLong(-1);
    private final Counter written;
    private final Object progress = new Object();
    private volatile Consumer<LiveCallState> onForeignState = state -> { };
    private volatile boolean caughtUpOnce;
    private volatile String problem = "not started";
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile CountDownLatch stopping;
    private Thread reader;

    public LiveCallLog(KafkaProperties kafka, IngestProperties properties, Admin readinessAdmin, MeterRegistry meters) {
        Map<String, Object> producerConfig = new HashMap<>(PublishClients.producerConfig(kafka, properties.publish()));
        producerConfig.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        producerConfig.put(ProducerConfig.CLIENT_ID_CONFIG, "guardian-ingest-live-calls-" + instanceId);
        this.producer = new KafkaProducer<>(producerConfig);
        Map<String, Object> config = new HashMap<>(kafka.buildConsumerProperties());
        // every ingest reads the whole topic: no group, no committed offsets
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
        // asking for a missing topic must not create it without its compaction
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "guardian-ingest-live-calls-reader-" + instanceId);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        // deserialized here, so an unreadable record is skipped instead of stopping the reader
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        this.consumerConfig = Map.copyOf(config);
        this.admin = readinessAdmin;
        this.publish = properties.publish();
        this.written = Counter.builder("guardian.ingest.call-states.written")
                .description("Live call state records acknowledged on " + Topics.LIVE_CALLS).register(meters);
        Gauge.builder("guardian.ingest.call-states.lag", lag, AtomicLong::get)
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
        send(state.callId(), serde.serialize(Topics.LIVE_CALLS, state), retryAdvice);
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
        long deadline = System.nanoTime() + wait.toNanos();
        Map<TopicPartition, Long> ends;
        try {
            List<TopicPartition> partitions = positions.keySet().stream()
                    .map(p -> new TopicPartition(Topics.LIVE_CALLS, p)).toList();
            if (partitions.isEmpty()) {
                return false;
            }
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            partitions.forEach(partition -> request.put(partition, OffsetSpec.latest()));
            ends = new HashMap<>();
            admin.listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)
                            .timeoutMs((int) Math.max(1, wait.toMillis())))
                    .all().get(Math.max(1, wait.toMillis()), TimeUnit.MILLISECONDS)
                    .forEach((partition, info) -> ends.put(partition, info.offset()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            log.warn("Could not read the end offsets of {}: {}", Topics.LIVE_CALLS, e.toString());
            return false;
        }
        synchronized (progress) {
            while (!reached(ends)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(progress, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    private boolean reached(Map<TopicPartition, Long> ends) {
        return ends.entrySet().stream().allMatch(end -> positions.getOrDefault(end.getKey().partition(), -1L) >= end.getValue());
    }

    /** Whether the reader has read the whole topic once since start (readiness), and if not, why. */
    boolean caughtUpOnce() {
        return caughtUpOnce;
    }

    String problem() {
        return problem;
    }

    long lag() {
        return lag.get();
    }

    @Override
    public synchronized void start() {
        stopping = new CountDownLatch(1);
        consumer = new KafkaConsumer<>(consumerConfig);
        reader = new Thread(this::read, "ingest-live-calls-reader");
        reader.setDaemon(true);
        reader.start();
    }

    @Override
    public synchronized void stop() {
        stopping.countDown();
        consumer.wakeup();
        try {
            reader.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reader = null;
    }

    @Override
    public synchronized boolean isRunning() {
        return reader != null;
    }

    @Override
    public void close() {
        producer.close(publish.deliveryTimeout());
    }

    private void read() {
        try (KafkaConsumer<String, byte[]> topic = consumer) {
            List<TopicPartition> partitions = awaitTopic(topic);
            if (partitions.isEmpty()) {
                return;
            }
            topic.assign(partitions);
            topic.seekToBeginning(partitions);
            Map<TopicPartition, Long> startEnds = topic.endOffsets(partitions);
            log.info("Reading the live calls of all ingest replicas from {} ({} partitions) as {}", Topics.LIVE_CALLS,
                    partitions.size(), instanceId);
            problem = "reading " + Topics.LIVE_CALLS + " up to the end offsets of start-up";
            while (stopping.getCount() > 0) {
                try {
                    topic.poll(POLL).forEach(this::apply);
                    long behind = 0;
                    for (TopicPartition partition : partitions) {
                        positions.put(partition.partition(), topic.position(partition));
                        behind += topic.currentLag(partition).orElse(0);
                    }
                    lag.set(behind);
                    if (!caughtUpOnce && startEnds.entrySet().stream()
                            .allMatch(end -> positions.get(end.getKey().partition()) >= end.getValue())) {
                        caughtUpOnce = true;
                        problem = null;
                        log.info("Read {}: {} live calls known", Topics.LIVE_CALLS, latest.size());
                    }
                    synchronized (progress) {
                        progress.notifyAll();
                    }
                } catch (WakeupException e) {
                    return;
                } catch (KafkaException e) {
                    log.warn("Reading {} failed; retrying in {}: {}", Topics.LIVE_CALLS, TOPIC_RETRY, e.toString());
                    pause();
                }
            }
        } catch (WakeupException e) {
            // stopping
        } catch (RuntimeException e) {
            caughtUpOnce = false;
            problem = "the reader of " + Topics.LIVE_CALLS + " stopped: " + e;
            log.error("Stopped reading {}: calls of other replicas can no longer be continued here (503); restart "
                    + "this instance", Topics.LIVE_CALLS, e);
        }
    }

    /** The topic's partitions once it exists; none if stopped first. */
    private List<TopicPartition> awaitTopic(KafkaConsumer<String, byte[]> topic) {
        while (stopping.getCount() > 0) {
            try {
                List<PartitionInfo> found = topic.partitionsFor(Topics.LIVE_CALLS, TOPIC_RETRY);
                if (found != null && !found.isEmpty()) {
                    return found.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                }
                problem = "topic " + Topics.LIVE_CALLS + " does not exist; create it as infra/kafka/topics.conf lists it";
                log.warn("{} does not exist yet; looking again in {}", Topics.LIVE_CALLS, TOPIC_RETRY);
            } catch (WakeupException e) {
                return List.of();
            } catch (KafkaException e) {
                problem = "cannot look up " + Topics.LIVE_CALLS + ": " + e;
                log.debug("Could not look up {} yet: {}", Topics.LIVE_CALLS, e.toString());
            }
            pause();
        }
        return List.of();
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

    private void pause() {
        try {
            stopping.await(TOPIC_RETRY.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping.countDown();
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
