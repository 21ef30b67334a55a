package vn.guardian.contracts;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * How fast a crashed member's work moves to a surviving replica: the consumer-group, transaction and request
 * timeouts every service's group members and producers use (issue 16: a kill -9 may delay verdicts by at most 10 s).
 * Values given in {@code spring.kafka.consumer.properties} / {@code .producer.properties} win over these.
 */
public final class GroupFailover {

    /**
     * A member silent this long is declared dead and its partitions move; Kafka's default is 45 s. 6 s is the
     * broker's smallest allowed value ({@code group.min.session.timeout.ms}), and still 4 heartbeats long.
     */
    public static final int SESSION_TIMEOUT_MS = 6_000;
    /** A third of the session timeout or less, as Kafka advises; also how soon survivors hear of a rebalance. */
    public static final int HEARTBEAT_INTERVAL_MS = 1_500;
    /**
     * An open transaction of a crashed producer is aborted after this long, and until then it holds back every
     * read_committed reader of its partitions (the LSO); Kafka's default is 60 s. Transactions here last about 1 s
     * (the transcriber's max-transaction-time, moderation's commit after each poll), so 5 s leaves room for GC pauses.
     * Brokers check for expired transactions every {@code transaction.abort.timed.out.transaction.cleanup.interval.ms}
     * (10 s by default; the deployments set 1 s).
     */
    public static final int TRANSACTION_TIMEOUT_MS = 5_000;
    /**
     * How long a client waits for a broker's answer before it asks the cluster again where to go; Kafka's default is
     * 30 s. A paused or partitioned broker keeps its connections open and answers nothing: it loses its partitions
     * after the broker session timeout (6 s), but every request already sent to it waits out this timeout first.
     */
    public static final int REQUEST_TIMEOUT_MS = 8_000;

    private GroupFailover() {
    }

    /** Adds the failover timeouts to a group member's settings, unless the operator set them. */
    public static Map<String, Object> consumer(Map<String, Object> config) {
        config.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, SESSION_TIMEOUT_MS);
        config.putIfAbsent(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, HEARTBEAT_INTERVAL_MS);
        config.putIfAbsent(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, REQUEST_TIMEOUT_MS);
        return config;
    }

    /** Adds the transaction timeout to a transactional producer's settings, unless the operator set it. */
    public static Map<String, Object> transactionalProducer(Map<String, Object> config) {
        config.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, TRANSACTION_TIMEOUT_MS);
        config.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, REQUEST_TIMEOUT_MS);
        return config;
    }
}
