package vn.guardian.transcriber.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import vn.guardian.testsupport.ConsoleCapture;
import vn.guardian.testsupport.TestKafka;
import vn.guardian.transcriber.TestModels;
import vn.guardian.transcriber.TranscriberApplication;

/**
 * Kafka credentials reach the transcriber through configuration, as in a deployment, and never its logs: every
 * console line it writes (some at DEBUG, every Kafka client's config dump included) until it is ready is scanned.
 */
class SecretsInLogsTest {

    private static final String KAFKA_PASSWORD = "kafka-password-3c8e1f5a9b";
    private static final String KEY_PASSWORD = "key-password-7d2a6e0c4f";

    @Test
    void kafkaSecretsAreNeverLogged() throws Exception {
        List<String> logged;
        try (ConsoleCapture console = ConsoleCapture.start(); TestKafka kafka = TestKafka.start()) {
            int port;
            try (ServerSocket free = new ServerSocket(0)) {
                port = free.getLocalPort();
            }
            try (ConfigurableApplicationContext replica = TranscriberApplication.application().run(
                    "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                    "--server.port=" + port,
                    "--guardian.transcriber.workers=1",
                    "--guardian.transcriber.model-cache-dir=" + TestModels.CACHE_DIR,
                    // PLAINTEXT ignores them, but every Kafka client still reads and prints its SASL and TLS settings
                    "--spring.kafka.properties.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule"
                            + " required username=\"transcriber\" password=\"" + KAFKA_PASSWORD + "\";",
                    "--spring.kafka.properties.ssl.key.password=" + KEY_PASSWORD,
                    "--logging.level.vn.guardian=DEBUG",
                    // the clients print their whole config at INFO, which deployments may turn on to debug a connection
                    "--logging.level.org.apache.kafka=INFO",
                    "--logging.level.org.springframework.boot.context.config=DEBUG")) {
                awaitReady("http://localhost:" + port + "/actuator/health/readiness");
            }
            logged = console.lines();
        }
        assertThat(logged).as("the replica logged while it started").hasSizeGreaterThan(20)
                .anyMatch(line -> line.contains("sasl.jaas.config"));
        assertThat(logged).noneMatch(line -> line.contains(KAFKA_PASSWORD))
                .noneMatch(line -> line.contains(KEY_PASSWORD));
    }

    private static void awaitReady(String url) throws InterruptedException {
        long deadline = System.nanoTime() + 180_000_000_000L;
        while (status(url) != 200) {
            assertThat(System.nanoTime()).as("replica ready within 180 s").isLessThan(deadline);
            Thread.sleep(250);
        }
    }

    private static int status(String url) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return 0;
        }
    }
}
