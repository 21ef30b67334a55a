package vn.guardian.moderation.sink;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import vn.guardian.contracts.DeadLetter;
import vn.guardian.contracts.Topics;
import vn.guardian.contracts.serde.EventSerdes;
import vn.guardian.contracts.serde.JsonSerde;
import vn.guardian.contracts.verdict.CallVerdict;
import vn.guardian.contracts.verdict.SegmentVerdict;

/**
 * Copies committed segment and call verdicts from Kafka into PostgreSQL on its own thread: poll a batch of both
 * topics, upsert it in one transaction, and only then commit the offsets. When the database fails, the batch is read again after a
 * backoff, so an outage delays verdicts and loses none.
 */
public final class VerdictSink implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(VerdictSink.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    static final String SERVICE = "verdict-sink";

    private final Map<String, Object> consumerBase;
    private final Map<String, Object> producerBase;
    private final String groupId;
    private final int batchSize;
    private final VerdictWriter writer;
    private final JsonSerde<SegmentVerdict> serde = EventSerdes.segmentVerdict();
    private final JsonSerde<CallVerdict> callSerde = EventSerdes.callVerdict();
    private final Timer utteranceEndLatency;
    private final Timer batchLatency;
    private final DistributionSummary batchSizes;
    private final Counter failures;
    private final Counter deadLetters;
    private volatile boolean running;
    private volatile Thread thread;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile String lastError;
    private volatile long lastCommitAt;

    /**
     * @param consumerBase client settings from {@code spring.kafka.*} for the verdict consumer (servers, security)
     * @param producerBase the same for the DLQ producer
     */
    public VerdictSink(Map<String, Object> consumerBase, Map<String, Object> producerBase, String groupId,
                       int batchSize, VerdictWriter writer, MeterRegistry registry) {
        this.consumerBase = Map.copyOf(consumerBase);
        this.producerBase = Map.copyOf(producerBase);
        this.groupId = groupId;
        this.batchSize = batchSize;
        this.writer = writer;
        this.utteranceEndLatency = Timer.builder("guardian.utterance.end.latency")
                .description("From ingest accepting the chunk that closed an utterance to its verdict committed in PostgreSQL")
                .publishPercentiles(0.5, 0.95, 0.99).publishPercentileHistogram().register(registry);
        this.batchLatency = Timer.builder("guardian.sink.batch.latency")
                .description("Time to upsert one batch of verdicts and commit it").register(registry);
        this.batchSizes = DistributionSummary.builder("guardian.sink.batch.size")
                .description("Verdicts per sink batch").register(registry);
        this.failures = Counter.builder("guardian.sink.failures")
                .description("Batches that failed to reach PostgreSQL and will be retried").register(registry);
        this.deadLetters = Counter.builder("guardian.dlq").tag("service", "verdict-sink")
                .description("Unreadable verdict records sent to the dead-letter topic").register(registry);
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        Thread t = new Thread(this::run, "verdict-sink");
        t.setDaemon(false);
        thread = t;
        t.start();
    }

    @Override
    public synchronized void stop() {
        running = false;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        Thread t = thread;
        if (t != null) {
            try {
                t.join(Duration.ofSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        thread = null;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** The last database or Kafka error, null once a batch commits again. */
    public String lastError() {
        return lastError;
    }

    /** Epoch millis of the last successful batch commit, 0 before the first. */
    public long lastCommitAt() {
        return lastCommitAt;
    }

    private void run() {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerConfig());
             KafkaProducer<byte[], byte[]> dlq = new KafkaProducer<>(producerConfig())) {
            consumer = c;
            c.subscribe(List.of(Topics.VERDICTS, Topics.CALL_VERDICTS));
            Duration backoff = FIRST_BACKOFF;
            while (running) {
                ConsumerRecords<byte[], byte[]> records = c.poll(POLL_TIMEOUT);
                if (records.isEmpty()) {
                    continue;
                }
                try {
                    store(records, dlq);
                    c.commitSync(nextOffsets(records));
                    lastError = null;
                    backoff = FIRST_BACKOFF;
                } catch (WakeupException e) {
                    throw e;
                } catch (RuntimeException e) {
                    failures.increment();
                    if (lastError == null) {
                        log.warn("Could not store {} verdicts; retrying with backoff until it works",
                                records.count(), e);
                    } else {
                        log.warn("Still cannot store {} verdicts, retrying in {}: {}", records.count(), backoff,
                                e.toString());
                    }
                    lastError = e.toString();
                    rewind(c, records);
                    sleep(backoff);
                    backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
                            ? MAX_BACKOFF : backoff.multipliedBy(2);
                }
            }
        } catch (WakeupException e) {
            // stop() woke the consumer: uncommitted records are read again by the next owner
        } catch (RuntimeException e) {
            lastError = e.toString();
            log.error("Verdict sink stopped", e);
        } finally {
            consumer = null;
            running = false;
        }
    }

    private void store(ConsumerRecords<byte[], byte[]> records, KafkaProducer<byte[], byte[]> dlq) {
        List<SegmentVerdict> verdicts = new ArrayList<>(records.count());
        Map<String, CallVerdict> calls = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            if (Topics.CALL_VERDICTS.equals(record.topic())) {
                try {
                    CallVerdict call = callSerde.deserialize(record.topic(), record.value());
                    if (call == null || call.callId() == null) {
                        deadLetter(dlq, record, "CallVerdict is null or has no callId");
                    } else {
                        calls.remove(call.callId());
                        calls.put(call.callId(), call); // a batch may hold several updates of one call: the last wins
                    }
                } catch (SerializationException e) {
                    deadLetter(dlq, record, e.getMessage());
                }
                continue;
            }
            try {
                SegmentVerdict verdict = serde.deserialize(record.topic(), record.value());
                if (verdict == null || verdict.segmentId() == null) {
                    deadLetter(dlq, record, "SegmentVerdict is null or has no segmentId");
                } else {
                    verdicts.add(verdict);
                }
            } catch (SerializationException e) {
                deadLetter(dlq, record, e.getMessage());
            }
        }
        long startNanos = System.nanoTime();
        if (!verdicts.isEmpty() || !calls.isEmpty()) {
            writer.upsert(verdicts, List.copyOf(calls.values()));
        }
        long committedAt = System.currentTimeMillis();
        batchLatency.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
        batchSizes.record(verdicts.size());
        lastCommitAt = committedAt;
        for (SegmentVerdict verdict : verdicts) {
            long latency = committedAt - verdict.closingChunkIngestedAt();
            if (verdict.closingChunkIngestedAt() > 0 && latency >= 0) {
                utteranceEndLatency.record(latency, TimeUnit.MILLISECONDS);
            }
        }
    }

    private void deadLetter(KafkaProducer<byte[], byte[]> dlq, ConsumerRecord<byte[], byte[]> record, String reason) {
        try {
            // the offset is committed after this batch: the dead letter must be durable first
            dlq.send(DeadLetter.record(record.key(), record.value(), record.headers(), reason, SERVICE,
                    record.topic(), record.partition(), record.offset())).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Could not send unreadable verdict to " + Topics.DLQ, e);
        }
        deadLetters.increment();
        log.warn("Unreadable verdict {}-{}@{} sent to {}: {}", record.topic(), record.partition(), record.offset(),
                Topics.DLQ, reason);
    }

    private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(ConsumerRecords<byte[], byte[]> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> inPartition = records.records(partition);
            offsets.put(partition, new OffsetAndMetadata(inPartition.get(inPartition.size() - 1).offset() + 1));
        }
        return offsets;
    }

    private static void rewind(KafkaConsumer<byte[], byte[]> consumer, ConsumerRecords<byte[], byte[]> records) {
        for (TopicPartition partition : records.partitions()) {
            if (consumer.assignment().contains(partition)) {
                consumer.seek(partition, records.records(partition).get(0).offset());
            }
        }
    }

    private void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private Map<String, Object> consumerConfig() {
        Map<String, Object> props = new HashMap<>(consumerBase);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        // only verdicts of committed Streams transactions: an aborted attempt never reaches the database
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // offsets are committed by hand, after the database commit
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // a new group starts with the oldest verdict still retained, not only new ones
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // one poll is one database transaction: bound its size
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, batchSize);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return props;
    }

    private Map<String, Object> producerConfig() {
        Map<String, Object> props = new HashMap<>(producerBase);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return props;
    }
}
