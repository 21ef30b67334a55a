package vn.guardian.standalone.crash;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import vn.guardian.contracts.TopicLayout;

/**
 * Real KRaft brokers as separate processes on 127.0.0.1 (combined broker + controller, as infra/local-cluster.sh
 * runs them): storage formatted with {@code kafka.tools.StorageTool}, started with {@code kafka.Kafka}, from the
 * kafka_2.13 jars already on the test classpath. The product's topics are created once all brokers have joined.
 */
final class BrokerProcesses implements AutoCloseable {

    private static final Duration READY = Duration.ofSeconds(120);

    private final List<JavaProcess> brokers;
    private final String bootstrapServers;

    private BrokerProcesses(List<JavaProcess> brokers, String bootstrapServers) {
        this.brokers = brokers;
        this.bootstrapServers = bootstrapServers;
    }

    static BrokerProcesses start(int count, int partitions, Path workDir) throws Exception {
        String clusterId = Uuid.randomUuid().toString();
        int[] ports = freePorts(count);
        int[] controllerPorts = freePorts(count);
        String voters = IntStream.range(0, count).mapToObj(i -> (i + 1) + "@127.0.0.1:" + controllerPorts[i])
                .collect(Collectors.joining(","));
        String bootstrap = IntStream.range(0, count).mapToObj(i -> "127.0.0.1:" + ports[i])
                .collect(Collectors.joining(","));
        short replication = (short) Math.min(count, 3);
        List<JavaProcess> started = new ArrayList<>();
        BrokerProcesses cluster = new BrokerProcesses(started, bootstrap);
        try {
            List<Path> configs = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                Path dir = workDir.resolve("kafka-" + (i + 1));
                Files.createDirectories(dir);
                Path config = dir.resolve("server.properties");
                Files.writeString(config, properties(i + 1, ports[i], controllerPorts[i], voters, dir, replication));
                configs.add(config);
                JavaProcess.run("format kafka-" + (i + 1), dir.resolve("format.log"), List.of("-Xmx128m"),
                        "kafka.tools.StorageTool", List.of("format", "-t", clusterId, "-c", config.toString()));
            }
            for (int i = 0; i < count; i++) {
                started.add(JavaProcess.start("kafka-" + (i + 1), configs.get(i).resolveSibling("broker.log"),
                        List.of("-Xms128m", "-Xmx512m"), "kafka.Kafka", List.of(configs.get(i).toString())));
            }
            cluster.createTopics(partitions, replication);
            return cluster;
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
    }

    private static String properties(int id, int port, int controllerPort, String voters, Path dir, short replication) {
        return String.join("\n",
                "node.id=" + id,
                "process.roles=broker,controller",
                "controller.quorum.voters=" + voters,
                "controller.listener.names=CONTROLLER",
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "inter.broker.listener.name=PLAINTEXT",
                "log.dirs=" + dir.resolve("data"),
                "default.replication.factor=" + replication,
                "min.insync.replicas=" + Math.min(replication, 2),
                "offsets.topic.replication.factor=" + replication,
                "transaction.state.log.replication.factor=" + replication,
                "transaction.state.log.min.isr=" + Math.min(replication, 2),
                "auto.create.topics.enable=false",
                "group.initial.rebalance.delay.ms=0",
                // the killed replica's open transaction is aborted soon after its timeout, not minutes later
                "transaction.abort.timed.out.transaction.cleanup.interval.ms=1000",
                // as the deployment's brokers: a produce meeting the last commit in flight retries after 5 ms
                "add.partitions.to.txn.retry.backoff.ms=5",
                "");
    }

    /** Retried: the first attempts fail until every broker has registered with the controllers. */
    private void createTopics(int partitions, short replication) throws Exception {
        long deadline = System.nanoTime() + READY.toNanos();
        while (true) {
            for (JavaProcess broker : brokers) {
                if (!broker.alive()) {
                    throw new IllegalStateException(broker.name() + " exited:\n" + broker.logTail());
                }
            }
            try (Admin admin = admin()) {
                if (admin.describeCluster().nodes().get().size() == brokers.size()) {
                    TopicLayout.createMissing(admin, partitions, replication);
                    return;
                }
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("brokers at " + bootstrapServers + " did not accept topics within "
                            + READY + "; see " + brokers.get(0).logTail(), e);
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not all " + brokers.size() + " brokers registered within " + READY);
            }
            Thread.sleep(500);
        }
    }

    Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000));
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    static int[] freePorts(int count) throws IOException {
        int[] ports = new int[count];
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0);
                held.add(socket);
                ports[i] = socket.getLocalPort();
            }
        } finally {
            for (ServerSocket socket : held) {
                socket.close();
            }
        }
        return ports;
    }

    @Override
    public void close() {
        for (JavaProcess broker : brokers) {
            try {
                broker.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
