package vn.guardian.embedded;

import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import vn.guardian.contracts.TopicLayout;

/**
 * One in-JVM KRaft broker (controller and broker in one node) with the product's topics: for the one-machine
 * pipeline (standalone, benchmark) and, through test-support, the tests.
 */
public final class EmbeddedKafka implements AutoCloseable {

    /** A multiple of the transcriber's workers on 1, 2 or 3 cores, so calls spread evenly over them. */
    public static final int PARTITIONS = 6;

    private final EmbeddedKafkaKraftBroker broker;

    private EmbeddedKafka(EmbeddedKafkaKraftBroker broker) {
        this.broker = broker;
    }

    /** Starts the broker on a free port: the in-JVM KRaft test kit cannot bind a chosen one. */
    public static EmbeddedKafka start() throws Exception {
        return start(PARTITIONS);
    }

    /** The same with {@code partitions} per topic. */
    public static EmbeddedKafka start(int partitions) throws Exception {
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, partitions);
        // by default the broker would publish itself as the JVM-wide spring.kafka.bootstrap-servers
        broker.brokerListProperty("guardian.embedded.kafka.bootstrap-servers");
        broker.brokerProperties(Map.of(
                // a single broker cannot hold more replicas of the internal topics than one
                "transaction.state.log.replication.factor", "1",
                "transaction.state.log.min.isr", "1",
                "offsets.topic.replication.factor", "1",
                // topics are created with their retention and compaction below, never by accident
                "auto.create.topics.enable", "false",
                // the services join their groups at once instead of waiting for more members
                "group.initial.rebalance.delay.ms", "0",
                // as the deployment's brokers: a transaction's produce that finds the last commit still in flight
                // is retried after 5 ms, not 20
                "add.partitions.to.txn.retry.backoff.ms", "5"));
        broker.afterPropertiesSet();
        EmbeddedKafka kafka = new EmbeddedKafka(broker);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            TopicLayout.createMissing(admin, partitions, (short) 1);
        }
        return kafka;
    }

    public String bootstrapServers() {
        return broker.getBrokersAsString();
    }

    @Override
    public void close() {
        broker.destroy();
    }
}
