package vn.guardian.transcriber.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.context.ConfigurableApplicationContext;
import vn.guardian.testsupport.TestKafka;
import vn.guardian.transcriber.TestModels;
import vn.guardian.transcriber.TranscriberApplication;

/**
 * Replicas on one host, as {@code infra/local-cluster.sh start --transcribers 2} runs them: real broker, real model.
 * Each gets its own instance id without configuration, and a duplicate id is refused before it fences anyone.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicasIntegrationTest {

    private static final String GROUP = "guardian-transcriber";
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static TestKafka kafka;
    private static ConfigurableApplicationContext first;
    private static ConfigurableApplicationContext second;

    @BeforeAll
    static void startBroker() {
        kafka = TestKafka.start();
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable part : new AutoCloseable[] {first, second, kafka}) {
            if (part != null) {
                part.close();
            }
        }
    }

    @Test
    @Order(1)
    void twoReplicasWithDefaultSettingsOnOneHostBothGetReadyAndShareThePartitions() {
        first = replica(freePort());
        second = replica(freePort());

        assertThat(instanceId(first)).isNotEqualTo(instanceId(second)).endsWith("-" + port(first));
        await(() -> "both replicas ready and owning partitions, owners " + owners(), () -> ready(first) && ready(second)
                && ownedBy().equals(Set.of(instanceId(first), instanceId(second))));
    }

    @Test
    @Order(2)
    void aReplicaWithTheInstanceIdOfALiveOneIsRefusedAndTheLiveOneKeepsItsPartitions() {
        String taken = instanceId(first);

        // without a web server: a web context closing in this JVM disposes the Netty loops the live replicas share
        assertThatThrownBy(() -> replica(freePort(), "--guardian.transcriber.instance-id=" + taken,
                "--spring.main.web-application-type=none"))
                .hasStackTraceContaining("guardian.transcriber.instance-id=" + taken + " is already used by a live member")
                .hasStackTraceContaining("Give each replica its own guardian.transcriber.instance-id, or leave it unset");

        assertThat(readiness(first)).as("the live replica was not fenced").startsWith("200 ");
        assertThat(readiness(second)).startsWith("200 ");
        assertThat(ownedBy()).containsExactlyInAnyOrder(instanceId(first), instanceId(second));
    }

    @Test
    @Order(3)
    void aReplicaRestartedOnItsPortFindsItsOldMembersStillThereAndIsNotRefused() {
        int port = port(first);
        String instanceId = instanceId(first);
        first.close(); // static members do not leave: they stay in the group until their session times out

        first = replica(port);

        assertThat(instanceId(first)).isEqualTo(instanceId);
        await(() -> "the restarted replica ready and owning partitions again, owners " + owners(), () -> ready(first)
                && ownedBy().equals(Set.of(instanceId, instanceId(second))));
    }

    /** A replica with the default instance id: nothing but its port and the test's timing settings. */
    private static ConfigurableApplicationContext replica(int port, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "--server.port=" + port,
                "--guardian.transcriber.workers=1",
                // a stopped static member's partitions move after this, not after Kafka's 45 s default
                "--spring.kafka.consumer.properties.session.timeout.ms=6000",
                "--spring.kafka.consumer.properties.heartbeat.interval.ms=1000",
                "--guardian.transcriber.model-cache-dir=" + TestModels.CACHE_DIR));
        args.addAll(List.of(more));
        return TranscriberApplication.application().run(args.toArray(String[]::new));
    }

    private static String instanceId(ConfigurableApplicationContext replica) {
        return replica.getBean(Replica.class).instanceId();
    }

    private static int port(ConfigurableApplicationContext replica) {
        return Integer.parseInt(replica.getEnvironment().getProperty("local.server.port"));
    }

    private static boolean ready(ConfigurableApplicationContext replica) {
        return readiness(replica).startsWith("200 ");
    }

    /** HTTP status and body of the replica's readiness probe, or why there is none. */
    private static String readiness(ConfigurableApplicationContext replica) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + port(replica) + "/actuator/health/readiness")).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() + " " + response.body();
        } catch (Exception e) {
            return e.toString();
        }
    }

    /** Instance ids owning audio partitions, once every partition has an owner; empty before. */
    private static Set<String> ownedBy() {
        Map<Integer, String> owners = owners();
        return owners.size() == TestKafka.PARTITIONS ? Set.copyOf(owners.values()) : Set.of();
    }

    /** Partition to the instance id of the member that owns it. */
    private static Map<Integer, String> owners() {
        Map<Integer, String> owners = new TreeMap<>();
        try (Admin admin = kafka.admin()) {
            for (MemberDescription member : admin.describeConsumerGroups(List.of(GROUP)).describedGroups().get(GROUP)
                    .get().members()) {
                String replica = member.groupInstanceId().orElse("?").replaceAll("-worker-\\d+$", "");
                for (TopicPartition partition : member.assignment().topicPartitions()) {
                    owners.put(partition.partition(), replica);
                }
            }
        } catch (Exception e) {
            return Map.of();
        }
        return owners;
    }

    private static void await(Supplier<String> what, BooleanSupplier done) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what.get()).isLessThan(deadline);
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
