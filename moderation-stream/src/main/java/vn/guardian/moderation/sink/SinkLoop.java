package vn.guardian.moderation.sink;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashMap;
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
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import vn.guardian.contracts.DeadLetter;
import vn.guardian.contracts.GroupFailover;
import vn.guardian.contracts.Topics;

/**
 * Copies committed records from Kafka into PostgreSQL on its own thread: poll a batch, store it in one database
 * transaction, and only then commit the offsets. When the database fails, the batch is read again after a backoff,
 * so an outage delays rows and loses none. The verdict sink and the calls registry are two of these.
 */
public final class SinkLoop implements SmartLifecycle {

    /** Stores one polled batch in one database transaction; throws to have the batch read again. */
    public interface Batches {
        void store(ConsumerRecords<byte[], byte[]> records, DeadLetters deadLetters);
    }

    /** Sends an unreadable record to {@code guardian.dlq}, durably, before the batch's offsets are committed. */
    public interface DeadLetters {
        void send(ConsumerRecord<byte[], byte[]> record, String reason);
    }

    private static final Logger log = LoggerFactory.getLogger(SinkLoop.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final String name;
    private final List<String> topics;
    private final Map<String, Object> consumerBase;
    private final Map<String, Object> producerBase;
    private final String groupId;
    private final int batchSize;
    private final Batches batches;
    private final Counter failures;
    private final Counter deadLetters;
    private volatile boolean running;
    private volatile Thread thread;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile String lastError;
    private volatile long lastCommitAt;

    /**
     * @param name         the service name in DLQ headers, metrics, logs and the thread name
     * @param consumerBase client settings from {@code spring.kafka.*} for the consumer (servers, security)
     * @param producerBase the same for the DLQ producer
     */
    public SinkLoop(String name, List<String> topics, Map<String, Object> consumerBase,
                    Map<String, Object> producerBase, String groupId, int batchSize, Batches batches,
                    MeterRegistry registry) {
        this.name = name;
        this.topics = List.copyOf(topics);
        this.consumerBase = Map.copyOf(consumerBase);
        this.producerBase = Map.copyOf(producerBase);
        this.groupId = groupId;
        this.batchSize = batchSize;
        this.batches = batches;
        this.failures = Counter.builder("guardian.sink.failures").tag("sink", name)
                .description("Batches that failed to reach PostgreSQL and will be retried").register(registry);
        this.deadLetters = Counter.builder("guardian.dlq").tag("service", name)
                .description("Unreadable records sent to the dead-letter topic").register(registry);
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        Thread t = new Thread(this::run, name);
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

    public String name() {
        return name;
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
            c.subscribe(topics);
            Duration backoff = FIRST_BACKOFF;
            while (running) {
                ConsumerRecords<byte[], byte[]> records = c.poll(POLL_TIMEOUT);
                if (records.isEmpty()) {
                    continue;
                }
                try {
                    batches.store(records, (record, reason) -> deadLetter(dlq, record, reason));
                    c.commitSync(nextOffsets(records));
                    lastCommitAt = System.currentTimeMillis();
                    lastError = null;
                    backoff = FIRST_BACKOFF;
                } catch (WakeupException e) {
                    throw e;
                } catch (RuntimeException e) {
                    failures.increment();
                    if (lastError == null) {
                        log.warn("{} could not store {} records; retrying with backoff until it works", name,
                                records.count(), e);
                    } else {
                        log.warn("{} still cannot store {} records, retrying in {}: {}", name, records.count(),
                                backoff, e.toString());
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
            log.error("{} stopped", name, e);
        } finally {
            consumer = null;
            running = false;
        }
    }

    private void deadLetter(KafkaProducer<byte[], byte[]> dlq, ConsumerRecord<byte[], byte[]> record, String reason) {
        try {
            // the offset is committed after this batch: the dead letter must be durable first
            dlq.send(DeadLetter.record(record.key(), record.value(), record.headers(), reason, name,
                    record.topic(), record.partition(), record.offset())).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Could not send an unreadable record to " + Topics.DLQ, e);
        }
        deadLetters.increment();
        log.warn("Unreadable record {}-{}@{} sent to {}: {}", record.topic(), record.partition(), record.offset(),
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
        // with two instances, a crashed one's partitions move to the other after 6 s, not 45 s
        Map<String, Object> props = GroupFailover.consumer(new HashMap<>(consumerBase));
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        // only records of committed transactions: an aborted attempt never reaches the database
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // offsets are committed by hand, after the database commit
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // a new group starts with the oldest record still retained, not only new ones
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
