package vn.guardian.ingest;

import vn.guardian.testsupport.CommandLine;
import vn.guardian.testsupport.TestKafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.client.reactive.JdkClientHttpConnector;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The service started the way the standalone module starts it ({@link IngestApplication#application()}), on a
 * free port, with test overrides; one per test class. {@link #withKafka} also starts the broker it publishes to.
 */
public final class RunningIngest implements AutoCloseable {

    public static final String TENANT = "acme";
    public static final String API_KEY = "acme-test-key-1";
    public static final String OTHER_TENANT = "globex";
    public static final String OTHER_API_KEY = "globex-test-key-1";

    private final ConfigurableApplicationContext context;
    /** The broker this instance started for itself, closed with it; null when the test brought its own. */
    private final TestKafka kafka;

    private RunningIngest(ConfigurableApplicationContext context, TestKafka kafka) {
        this.context = context;
        this.kafka = kafka;
    }

    /** A broker of its own (real KRaft, or Testcontainers) and the service publishing to it. */
    public static RunningIngest withKafka(Map<String, Object> overrides) throws Exception {
        TestKafka kafka = TestKafka.start();
        try {
            Map<String, Object> properties = new HashMap<>(overrides);
            properties.put("spring.kafka.bootstrap-servers", kafka.bootstrapServers());
            return new RunningIngest(run(properties), kafka);
        } catch (RuntimeException | Error e) {
            kafka.close();
            throw e;
        }
    }

    public static RunningIngest start(Map<String, Object> overrides) {
        return new RunningIngest(run(overrides), null);
    }

    private static ConfigurableApplicationContext run(Map<String, Object> overrides) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("server.port", "0");
        properties.put("guardian.ingest.tenants." + TENANT + ".api-keys", API_KEY);
        properties.put("guardian.ingest.tenants." + OTHER_TENANT + ".api-keys", OTHER_API_KEY);
        // the test classpath carries Flyway to create moderation-stream's schema; ingest itself never migrates
        properties.put("spring.flyway.enabled", false);
        properties.putAll(overrides);
        return IngestApplication.application().run(CommandLine.args(properties));
    }

    /**
     * Requests and answers, on the JDK's HTTP client: a test that checks only a status leaves no pooled Netty buffer
     * behind to trip a later test's leak check.
     */
    public WebTestClient client() {
        return WebTestClient.bindToServer(new JdkClientHttpConnector()).baseUrl("http://localhost:" + port())
                .responseTimeout(Duration.ofSeconds(30)).build();
    }

    /** Streams and upgrades, on Reactor Netty: cancelling a stream closes its connection, and upgrade headers pass. */
    public WebTestClient streamClient() {
        return WebTestClient.bindToServer().baseUrl("http://localhost:" + port())
                .responseTimeout(Duration.ofSeconds(30)).build();
    }

    /** The HTTP port, for tests that speak HTTP over a socket of their own. */
    public int port() {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    /** The broker started by {@link #withKafka}. */
    public String kafkaBootstrapServers() {
        return kafka.bootstrapServers();
    }

    public ConfigurableApplicationContext context() {
        return context;
    }

    @Override
    public void close() {
        context.close();
        if (kafka != null) {
            try {
                kafka.close();
            } catch (Exception e) {
                throw new IllegalStateException("the test broker did not stop", e);
            }
        }
    }
}
