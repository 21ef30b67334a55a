package vn.guardian.standalone;

import java.nio.file.Files;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.FileSystemUtils;
import vn.guardian.ingest.IngestApplication;
import vn.guardian.moderation.ModerationApplication;
import vn.guardian.testsupport.EmbeddedDatabase;
import vn.guardian.testsupport.EmbeddedKafka;
import vn.guardian.transcriber.TranscriberApplication;

/**
 * The whole pipeline in this JVM: an embedded KRaft broker, embedded PostgreSQL, then moderation-stream,
 * transcriber-stream and ingest-service, each its own Spring application. Closing stops them in reverse order.
 */
public final class Pipeline implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Pipeline.class);

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final StandaloneSettings settings;
    private EmbeddedKafka kafka;
    private EmbeddedDatabase database;
    private ConfigurableApplicationContext ingest;

    private Pipeline(StandaloneSettings settings) {
        this.settings = settings;
    }

    /** Starts every part and returns once ingest accepts requests; on failure stops what already started. */
    public static Pipeline start(StandaloneSettings settings) throws Exception {
        Pipeline pipeline = new Pipeline(settings);
        try {
            pipeline.startAll();
            return pipeline;
        } catch (Exception | Error e) {
            pipeline.close();
            throw e;
        }
    }

    private void startAll() throws Exception {
        Files.createDirectories(settings.dataDir());
        // the broker and the database start empty every run, so Streams state from an earlier run is stale
        FileSystemUtils.deleteRecursively(settings.dataDir().resolve("streams"));
        log.info("Starting embedded PostgreSQL");
        database = remember(EmbeddedDatabase.start(settings.postgresPort(), settings.dataDir().resolve("postgres")));
        log.info("Starting embedded Kafka (KRaft)");
        kafka = remember(EmbeddedKafka.start());

        Map<String, Object> moderation = common();
        moderation.putAll(database.springProperties());
        moderation.put("server.port", settings.actuatorPorts() ? 8082 : 0);
        moderation.put("guardian.moderation.state-dir", settings.dataDir().resolve("streams").toString());
        remember(run(ModerationApplication.application(), moderation));

        Map<String, Object> transcriber = common();
        transcriber.put("server.port", settings.actuatorPorts() ? 8081 : 0);
        remember(run(TranscriberApplication.application(), transcriber));

        Map<String, Object> ingestProperties = common();
        ingestProperties.putAll(database.springProperties());
        ingestProperties.put("server.port", settings.httpPort());
        ingestProperties.put("guardian.ingest.tenants." + StandaloneSettings.LOCAL_TENANT + ".api-keys",
                settings.apiKey());
        ingest = remember(run(IngestApplication.application(), ingestProperties));
    }

    private Map<String, Object> common() {
        Map<String, Object> properties = new HashMap<>();
        properties.put("spring.kafka.bootstrap-servers", kafka.bootstrapServers());
        // one shutdown order for the whole JVM: ours, so services stop before the broker and database they use
        properties.put("spring.main.register-shutdown-hook", false);
        properties.put("spring.main.banner-mode", "off");
        return properties;
    }

    private static ConfigurableApplicationContext run(SpringApplicationBuilder application, Map<String, Object> properties) {
        // as arguments, the settings win over each service's own yml file
        return application.run(properties.entrySet().stream()
                .map(entry -> "--" + entry.getKey() + "=" + entry.getValue()).toArray(String[]::new));
    }

    private <T extends AutoCloseable> T remember(T part) {
        started.push(part);
        return part;
    }

    /** The ingest API's base URL, e.g. {@code http://localhost:8080}. */
    public String ingestUrl() {
        return "http://localhost:" + ingest.getEnvironment().getProperty("local.server.port");
    }

    public String kafkaBootstrapServers() {
        return kafka.bootstrapServers();
    }

    public String jdbcUrl() {
        return database.jdbcUrl();
    }

    public StandaloneSettings settings() {
        return settings;
    }

    @Override
    public void close() {
        while (!started.isEmpty()) {
            AutoCloseable part = started.pop();
            try {
                part.close();
            } catch (Exception e) {
                log.warn("Stopping {} failed: {}", part.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
