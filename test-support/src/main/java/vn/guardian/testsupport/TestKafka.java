package vn.guardian.testsupport;

import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import vn.guardian.contracts.TopicLayout;
import vn.guardian.embedded.EmbeddedKafka;

/**
 * A real Kafka broker for integration tests, chosen in this one place: a Testcontainers {@code apache/kafka}
 * container where a Docker engine runs, the in-JVM KRaft broker otherwise. Both come with the product's topics.
 */
public final class TestKafka implements AutoCloseable {

    /** Partitions per topic in tests: more than one, so keying by callId matters. */
    public static final int PARTITIONS = EmbeddedKafka.PARTITIONS;

    private final AutoCloseable broker;
    private final String bootstrapServers;

    private TestKafka(AutoCloseable broker, String bootstrapServers) {
        this.broker = broker;
        this.bootstrapServers = bootstrapServers;
    }

    /** Starts a broker and creates the product's topics on it. */
    public static TestKafka start() {
        TestKafka kafka = dockerAvailable() ? container() : embedded();
        try (Admin admin = kafka.admin()) {
            TopicLayout.createMissing(admin, PARTITIONS, (short) 1);
        } catch (Exception e) {
            throw new IllegalStateException("Could not create the product's topics on " + kafka.bootstrapServers, e);
        }
        return kafka;
    }

    private static boolean dockerAvailable() {
        if (System.getenv("DOCKER_HOST") == null && !java.nio.file.Files.exists(java.nio.file.Path.of("/var/run/docker.sock"))) {
            // no engine to ask: skip Testcontainers' noisy probe
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable e) {
            return false;
        }
    }

    private static TestKafka container() {
        KafkaContainer container = new KafkaContainer("apache/kafka:4.1.2");
        container.start();
        return new TestKafka(container::stop, container.getBootstrapServers());
    }

    private static TestKafka embedded() {
        try {
            EmbeddedKafka broker = EmbeddedKafka.start();
            return new TestKafka(broker, broker.bootstrapServers());
        } catch (Exception e) {
            throw new IllegalStateException("Could not start the embedded KRaft broker", e);
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    @Override
    public void close() throws Exception {
        broker.close();
    }
}
