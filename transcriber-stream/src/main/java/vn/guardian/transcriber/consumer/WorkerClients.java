package vn.guardian.transcriber.consumer;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import vn.guardian.contracts.GroupFailover;
import vn.guardian.contracts.audio.AudioEvent;
import vn.guardian.contracts.audio.CallStarted;
import vn.guardian.contracts.serde.EventSerdes;
import vn.guardian.transcriber.replica.Replica;
import vn.guardian.transcriber.replica.ReplicaGuard;

/**
 * Builds the workers' Kafka clients from Spring's {@code spring.kafka.*} settings (bootstrap servers, security)
 * plus the settings the transcriber's delivery guarantees depend on.
 */
public final class WorkerClients {

    private final Map<String, Object> consumerBase;
    private final Map<String, Object> producerBase;
    private final Map<String, Object> adminBase;
    private final String groupId;
    private final Replica replica;
    private final String instanceId;

    public WorkerClients(Map<String, Object> consumerBase, Map<String, Object> producerBase,
                         Map<String, Object> adminBase, String groupId, Replica replica) {
        this.consumerBase = Map.copyOf(consumerBase);
        this.producerBase = Map.copyOf(producerBase);
        this.adminBase = Map.copyOf(adminBase);
        this.groupId = groupId;
        this.replica = replica;
        this.instanceId = replica.instanceId();
    }

    /** Checks, before the workers join, that no live member of the group already uses this replica's instance id. */
    public ReplicaGuard replicaGuard() {
        Object session = GroupFailover.consumer(new HashMap<>(consumerBase)).get(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG);
        Duration sessionTimeout = Duration.ofMillis(Long.parseLong(session.toString()));
        return new ReplicaGuard(replica, groupId, () -> Admin.create(adminBase), sessionTimeout);
    }

    /** A group member. Values stay bytes: the worker deserializes, so a poison record is dead-lettered, not fatal. */
    KafkaConsumer<String, byte[]> consumer(String worker, RejoinAwareAssignor.Rejoin rejoin) {
        // a crashed replica's partitions move after 6 s, not Kafka's 45 s: its live calls wait that long for verdicts
        Map<String, Object> config = GroupFailover.consumer(new HashMap<>(consumerBase));
        config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        // the run marker names this process, so a starting replica can tell a dead predecessor from a live duplicate
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, groupId + "-" + instanceId + "-" + worker + replica.runMarker());
        // a rebalance moves only the partitions that change owner, so other calls keep their recognizers
        config.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RejoinAwareAssignor.class.getName());
        config.put(RejoinAwareAssignor.REJOIN, rejoin);
        // static membership: a replica back within session.timeout.ms keeps its partitions (a brief pause moves no
        // calls); a stopping replica leaves the group at once (TranscriberWorker's close), so a rolling restart hands
        // its calls over without waiting for the timeout; the id must be unique per worker, hence instance-id + worker
        config.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, replica.groupInstanceId(worker));
        // audio of aborted ingest transactions never reaches a recognizer
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
        // offsets are committed inside the producer's transaction, together with the segments
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // a new group must not skip calls already in progress: nothing lost beats a replay
        config.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // 250 ms chunks at a real-time factor near 0.1: 200 records stay far below max.poll.interval.ms
        config.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 200);
        // one fetch per broker at a time: a busy partition's next fetch must not wait out idle ones' 500 ms long poll
        config.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return new KafkaConsumer<>(config);
    }

    /** The worker's producer; its transactional.id is stable across restarts so a restart fences the old one. */
    KafkaProducer<String, byte[]> transactionalProducer(String worker) {
        // a crashed replica's open transaction stops blocking read_committed readers of guardian.transcripts after 5 s
        Map<String, Object> config = GroupFailover.transactionalProducer(new HashMap<>(producerBase));
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, groupId + "-" + instanceId + "-" + worker);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, groupId + "-" + instanceId + "-" + worker + "-producer");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        // a segment leaves at once and replicates while the commit adds the offsets: a lingering record is sent only
        // after them, since the producer sends no records while a transactional request is out
        config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 0);
        // offsets that reach the coordinator while it still adds the segment's partition are sent again after this:
        // 10 ms, not Kafka's 100 (moderation's commits: sendOffsetsToTransaction 99 -> 41 ms on 3 brokers)
        config.putIfAbsent(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 10);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return new KafkaProducer<>(config);
    }

    /** The transaction.timeout.ms the workers' producers run with: the operator's if set, else GroupFailover's. */
    Duration transactionTimeout() {
        return transactionTimeout(producerBase);
    }

    static Duration transactionTimeout(Map<String, Object> producerBase) {
        Object configured = GroupFailover.transactionalProducer(new HashMap<>(producerBase))
                .get(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG);
        // parsed as the producer parses it: spring.kafka.producer.properties gives strings
        return Duration.ofMillis((Integer) ConfigDef.parseType(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, configured,
                ConfigDef.Type.INT));
    }

    /**
     * Re-reads the CallStarted records at {@code offsets} of one partition, for a takeover. Uses a group-less
     * consumer so the worker's own position is untouched. Offsets whose record is gone or is no CallStarted are left out.
     */
    Map<Long, CallStarted> fetchCallStarted(TopicPartition partition, Collection<Long> offsets, Duration timeout) {
        Map<Long, CallStarted> found = new HashMap<>();
        if (offsets.isEmpty()) {
            return found;
        }
        Map<String, Object> config = new HashMap<>(consumerBase);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        var serde = EventSerdes.audio();
        try (KafkaConsumer<String, byte[]> fetcher = new KafkaConsumer<>(config)) {
            fetcher.assign(List.of(partition));
            long deadline = System.nanoTime() + timeout.toNanos();
            for (long offset : new TreeSet<>(offsets)) {
                fetcher.seek(partition, offset);
                boolean done = false;
                while (!done && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, byte[]> record : fetcher.poll(Duration.ofMillis(200)).records(partition)) {
                        if (record.offset() == offset) {
                            try {
                                AudioEvent event = serde.deserialize(record.topic(), record.headers(), record.value());
                                if (event instanceof CallStarted started) {
                                    found.put(offset, started);
                                }
                            } catch (SerializationException e) {
                                // not recoverable; the caller logs the missing call
                            }
                        }
                        done = true;
                        break;
                    }
                }
            }
        }
        return found;
    }
}
