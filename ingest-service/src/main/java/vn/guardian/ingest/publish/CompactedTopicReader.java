package vn.guardian.ingest.publish;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;

/**
 * Follows one compacted topic whole on a thread of its own, the way every ingest replica keeps state shared by all
 * replicas: no consumer group (each replica reads every partition), nothing committed, read_committed, from the first
 * record. Each record goes to the handler in partition order (a tombstone has a null value; values are bytes, so the
 * handler decides what an unreadable one means). The caught-up callback runs once, when the reader first reaches the
 * end offsets the topic had when reading began.
 *
 * <p>A missing topic or an unreachable broker is waited out; a record handler that throws stops the reader for good,
 * and {@link #problem()} says so.
 */
public final class CompactedTopicReader {

    private static final Logger log = LoggerFactory.getLogger(CompactedTopicReader.class);

    /**
     * What to read and how patiently.
     *
     * @param topic       the compacted topic
     * @param contents    what it holds, for the log ("the live calls of all ingest replicas")
     * @param clientId    the consumer's client id, also the reader thread's name
     * @param poll        the longest wait of one poll
     * @param retry       how long to wait before looking again for a missing topic or after a failed poll
     * @param missingTopicLog how loud to be while the topic does not exist: WARN when readiness waits for it
     * @param whenStopped what is lost if the reader stops for good, and what the operator does about it
     */
    public record Settings(String topic, String contents, String clientId, Duration poll, Duration retry,
                           Level missingTopicLog, String whenStopped) {
    }

    private final Settings settings;
    private final Map<String, Object> consumerConfig;
    private final Consumer<ConsumerRecord<String, byte[]>> onRecord;
    private final Runnable onCaughtUp;
    /** The position per partition: every record before it has been handed to {@link #onRecord}. */
    private final Map<Integer, Long> positions = new ConcurrentHashMap<>();
    private final Object progress = new Object();
    private volatile long lag = -1;
    private volatile boolean caughtUpOnce;
    private volatile String problem = "not started";
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile CountDownLatch stopping;
    private Thread reader;

    /**
     * @param kafka      the client settings from {@code spring.kafka.*}; group, commits and deserializers are the reader's
     * @param onRecord   called on the reader thread for every record; a RuntimeException stops the reader
     * @param onCaughtUp called on the reader thread once, when the records present at start have all been handed on
     */
    public CompactedTopicReader(KafkaProperties kafka, Settings settings,
                                Consumer<ConsumerRecord<String, byte[]>> onRecord, Runnable onCaughtUp) {
        Map<String, Object> config = new HashMap<>(kafka.buildConsumerProperties());
        // every ingest reads the whole topic: no group, no committed offsets
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // the end offsets awaitCaughtUp compares with are the last stable ones
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
        // asking for a missing topic must not create it without its compaction
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.clientId());
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        // deserialized by the handler, so an unreadable record is skipped instead of stopping the reader
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        this.consumerConfig = Map.copyOf(config);
        this.settings = settings;
        this.onRecord = onRecord;
        this.onCaughtUp = onCaughtUp;
    }

    public synchronized void start() {
        stopping = new CountDownLatch(1);
        consumer = new KafkaConsumer<>(consumerConfig);
        reader = new Thread(this::read, settings.clientId());
        reader.setDaemon(true);
        reader.start();
    }

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

    public synchronized boolean isRunning() {
        return reader != null;
    }

    /** Whether the reader has read the whole topic once since start. */
    public boolean caughtUpOnce() {
        return caughtUpOnce;
    }

    /** Why the reader has not caught up (or stopped), for health details; null once caught up. */
    public String problem() {
        return problem;
    }

    /** Records the reader has not read yet; -1 before the first read. */
    public long lag() {
        return lag;
    }

    /**
     * Waits until the reader has handed on every record written before this call.
     *
     * @param admin asks for the end offsets of now
     * @return false if that did not happen within {@code wait} (Kafka unreachable, reader behind or stopped)
     */
    public boolean awaitCaughtUp(Admin admin, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        Map<TopicPartition, Long> ends;
        try {
            List<TopicPartition> partitions = positions.keySet().stream()
                    .map(p -> new TopicPartition(settings.topic(), p)).toList();
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
            log.warn("Could not read the end offsets of {}: {}", settings.topic(), e.toString());
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
        return ends.entrySet().stream()
                .allMatch(end -> positions.getOrDefault(end.getKey().partition(), -1L) >= end.getValue());
    }

    private void read() {
        String topicName = settings.topic();
        try (KafkaConsumer<String, byte[]> topic = consumer) {
            List<TopicPartition> partitions = awaitTopic(topic);
            if (partitions.isEmpty()) {
                return;
            }
            topic.assign(partitions);
            topic.seekToBeginning(partitions);
            log.info("Reading {} from {} ({} partitions) as {}", settings.contents(), topicName, partitions.size(),
                    settings.clientId());
            Map<TopicPartition, Long> startEnds = null;
            while (stopping.getCount() > 0) {
                try {
                    if (startEnds == null) {
                        startEnds = topic.endOffsets(partitions);
                        problem = "reading " + topicName + " up to the end offsets of start-up";
                    }
                    topic.poll(settings.poll()).forEach(onRecord);
                    long behind = 0;
                    for (TopicPartition partition : partitions) {
                        positions.put(partition.partition(), topic.position(partition));
                        behind += topic.currentLag(partition).orElse(0);
                    }
                    lag = behind;
                    if (!caughtUpOnce && reached(startEnds)) {
                        caughtUpOnce = true;
                        problem = null;
                        onCaughtUp.run();
                    }
                    synchronized (progress) {
                        progress.notifyAll();
                    }
                } catch (WakeupException e) {
                    return;
                } catch (KafkaException e) {
                    log.warn("Reading {} failed; retrying in {}: {}", topicName, settings.retry(), e.toString());
                    pause();
                }
            }
        } catch (WakeupException e) {
            // stopping
        } catch (RuntimeException e) {
            caughtUpOnce = false;
            problem = "the reader of " + topicName + " stopped: " + e;
            log.error("Stopped reading {}: {}", topicName, settings.whenStopped(), e);
        }
    }

    /** The topic's partitions once it exists; none if stopped first. */
    private List<TopicPartition> awaitTopic(KafkaConsumer<String, byte[]> topic) {
        String topicName = settings.topic();
        while (stopping.getCount() > 0) {
            try {
                List<PartitionInfo> found = topic.partitionsFor(topicName, settings.retry());
                if (found != null && !found.isEmpty()) {
                    return found.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                }
                problem = "topic " + topicName + " does not exist; create it as infra/kafka/topics.conf lists it";
                log.atLevel(settings.missingTopicLog())
                        .log("{} does not exist yet; looking again in {}", topicName, settings.retry());
            } catch (WakeupException e) {
                return List.of();
            } catch (KafkaException e) {
                problem = "cannot look up " + topicName + ": " + e;
                log.debug("Could not look up {} yet: {}", topicName, e.toString());
            }
            pause();
        }
        return List.of();
    }

    private void pause() {
        try {
            stopping.await(settings.retry().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping.countDown();
        }
    }
}
