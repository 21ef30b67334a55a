package vn.guardian.moderation.topology;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;
import vn.guardian.contracts.GroupFailover;
import vn.guardian.contracts.Topics;
import vn.guardian.contracts.serde.EventSerdes;
import vn.guardian.contracts.serde.JsonSerde;
import vn.guardian.moderation.calls.CallAggregator;
import vn.guardian.moderation.calls.CallState;
import vn.guardian.moderation.classifier.SegmentClassifier;

/**
 * Transcripts in, one verdict per distinct segment out: {@code guardian.transcripts} → dedupe by segmentId →
 * classify → {@code guardian.verdicts} keyed by callId; unreadable records → {@code guardian.dlq}. Every verdict
 * also updates the call table, which the call's CallClosed (the last record of the call on the same topic) closes;
 * each change goes to the compacted {@code guardian.call-verdicts}. One input topic: no co-partitioning, no
 * timestamp alignment between topics.
 */
public final class ModerationTopology {

    /** segmentIds already decided, kept for the dedupe window. */
    public static final String SEEN_SEGMENTS = "seen-segments";
    /** The call table: the latest CallState per callId. */
    public static final String CALL_VERDICTS_STORE = "call-verdicts";
    static final String SOURCE = "transcripts";
    static final String PROCESSOR = "moderate";
    static final String VERDICT_SINK = "verdicts";
    static final String DLQ_SINK = "dead-letters";
    static final String CALL_TABLE = "call-table";
    static final String CALL_VERDICT_SINK = "call-verdicts-out";
    /**
     * Verdicts become readable downstream only at the exactly-once commit, so commit after every poll that decided
     * something: a verdict waits for the commit in flight, not for a timer, and under load commits batch themselves.
     */
    static final long COMMIT_INTERVAL_MS = 0;
    /**
     * A commit falls due only between polls, and an idle poll waits this long for input: at Kafka's 100 ms a quiet
     * stream held each verdict ~110 ms before its commit, whatever the commit interval.
     */
    static final long POLL_MS = 10;
    /** The exactly-once producer's first retry backoff; later ones still grow to Kafka's retry.backoff.max.ms. */
    static final int TRANSACTION_RETRY_MS = 10;

    private ModerationTopology() {
    }

    /** The topology, pure: the same function runs in production and under {@code TopologyTestDriver}. */
    public static Topology buildTopology(SegmentClassifier classifier, CallAggregator calls, Clock clock,
                                         Duration dedupeWindow, Duration callRetention, ModerationMetrics metrics) {
        Topology topology = new Topology();
        // bytes in, so an unreadable record becomes a dead letter instead of a stopped task
        topology.addSource(SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), Topics.TRANSCRIPTS);
        topology.addProcessor(PROCESSOR, () -> new ModerationProcessor(classifier, clock, dedupeWindow, metrics),
                SOURCE);
        // in-memory stores, changelogged: restored from their changelog topics at start, and no RocksDB native
        // library in the jar (70 MB); a 6 h dedupe window of segment ids is a few MB of heap per 100k segments
        topology.addStateStore(Stores.windowStoreBuilder(
                Stores.inMemoryWindowStore(SEEN_SEGMENTS, dedupeWindow, dedupeWindow, false),
                Serdes.String(), Serdes.Long()), PROCESSOR);
        topology.addSink(VERDICT_SINK, Topics.VERDICTS, EventSerdes.callId().serializer(),
                EventSerdes.segmentVerdict().serializer(), PROCESSOR);
        topology.addProcessor(CALL_TABLE, () -> new CallVerdictProcessor(calls, clock, callRetention), PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(CALL_VERDICTS_STORE),
                Serdes.String(), new JsonSerde<>(CallState.class)), CALL_TABLE);
        topology.addSink(CALL_VERDICT_SINK, Topics.CALL_VERDICTS, EventSerdes.callId().serializer(),
                EventSerdes.callVerdict().serializer(), CALL_TABLE);
        topology.addSink(DLQ_SINK, Topics.DLQ, new ByteArraySerializer(), new ByteArraySerializer(), PROCESSOR);
        return topology;
    }

    /**
     * Streams configuration on top of {@code base}, the client settings from {@code spring.kafka.*} (bootstrap
     * servers, security, ssl, properties); every setting that differs from Kafka's default says why.
     */
    public static Properties streamsConfig(Map<String, Object> base, String applicationId, String stateDir,
                                           int replicationFactor) {
        Properties props = new Properties();
        props.putAll(base);
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        // dedupe state and verdicts commit atomically: a replayed segment is never decided twice
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // internal topics as durable as the cluster allows; -1 takes the broker's default.replication.factor
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, replicationFactor);
        // under exactly-once, read_committed readers see a verdict only after the commit: keep it short
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, COMMIT_INTERVAL_MS);
        props.put(StreamsConfig.POLL_MS_CONFIG, POLL_MS);
        // a verdict leaves as soon as it is decided, while the rest of the poll is processed, instead of lingering
        // (Streams' default: 100 ms) until the commit's flush
        props.putIfAbsent(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 0);
        // a commit's offsets often reach the coordinator while it still adds the verdicts' partitions and are sent
        // again after retry.backoff.ms: 10 ms, not 100 (sendOffsetsToTransaction 99 -> 41 ms per commit on 3 brokers)
        props.putIfAbsent(StreamsConfig.producerPrefix(ProducerConfig.RETRY_BACKOFF_MS_CONFIG), TRANSACTION_RETRY_MS);
        // the dedupe store lives on local disk, per instance
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
        // with a second instance, a warm copy of every store: a crashed instance's tasks resume without a restore
        props.putIfAbsent(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, 1);
        // a crashed instance's tasks move after 6 s instead of 45 s (GroupFailover)
        GroupFailover.consumer(new HashMap<>()).forEach((key, value) ->
                props.putIfAbsent(StreamsConfig.mainConsumerPrefix(key), value));
        // and its open transaction stops holding back the verdict sink's read_committed reads after 5 s
        props.putIfAbsent(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG),
                GroupFailover.TRANSACTION_TIMEOUT_MS);
        // and no request waits 30 s on a paused broker that lost its partitions after 6 s
        props.putIfAbsent(StreamsConfig.consumerPrefix(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG),
                GroupFailover.REQUEST_TIMEOUT_MS);
        props.putIfAbsent(StreamsConfig.producerPrefix(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG),
                GroupFailover.REQUEST_TIMEOUT_MS);
        return props;
    }
}
