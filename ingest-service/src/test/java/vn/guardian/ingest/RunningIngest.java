package vn.guardian.ingest;

import vn.guardian.testsupport.CommandLine;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The service started the way the standalone module starts it ({@link IngestApplication#application()}), on a
 * free port, with test overrides; one per test class.
 */
public final class RunningIngest implements AutoCloseable {

    public static final String TENANT = "acme";
    public static final String API_KEY = "acme-test-key-1";
    public static final String OTHER_TENANT = "globex";
    public static final String OTHER_API_KEY = "globex-test-key-1";

    private final ConfigurableApplicationContext context;

    private RunningIngest(ConfigurableApplicationContext context) {
        this.context = context;
    }

    public static RunningIngest start(Map<String, Object> overrides) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("server.port", "0");
        properties.put("guardian.ingest.tenants." + TENANT + ".api-keys", API_KEY);
        properties.put("guardian.ingest.tenants." + OTHER_TENANT + ".api-keys", OTHER_API_KEY);
        properties.putAll(overrides);
        return new RunningIngest(IngestApplication.application().run(CommandLine.args(properties)));
    }

    public WebTestClient client() {
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        return WebTestClient.bindToServer().baseUrl("http://localhost:" + port)
                .responseTimeout(Duration.ofSeconds(30)).build();
    }

    public ConfigurableApplicationContext context() {
        return context;
    }

    @Override
    public void close() {
        context.close();
    }
}
