package vn.guardian.standalone;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.metrics.buffering.BufferingApplicationStartup;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.metrics.StartupStep;
import org.springframework.util.FileSystemUtils;
import vn.guardian.embedded.EmbeddedDatabase;
import vn.guardian.embedded.EmbeddedKafka;
import vn.guardian.ingest.IngestApplication;
import vn.guardian.moderation.ModerationApplication;
import vn.guardian.transcriber.TranscriberApplication;

/**
 * The whole pipeline in this JVM, the one way to start it on one machine (standalone and the benchmark): an
 * embedded KRaft broker, embedded PostgreSQL, then moderation-stream, transcriber-stream and ingest-service, each
 * its own Spring application with its own yml, each part timed until ready. Closing stops them in reverse order.
 *
 * <p>One classpath holds all three services here, so each gets the auto-configurations of the others' libraries
 * excluded ({@link #TRANSCRIBER_EXCLUSIONS}, {@link #INGEST_EXCLUSIONS}); deployed alone, no service needs that.
 */
public final class Pipeline implements AutoCloseable {

    /** ingest reads PostgreSQL through R2DBC only; moderation-stream, on the same classpath, owns JDBC and Flyway. */
    public static final List<String> INGEST_EXCLUSIONS = List.of(
            "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
            "org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
            "org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration",
            "org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration",
            "org.springframework.boot.jdbc.autoconfigure.health.DataSourceHealthContributorAutoConfiguration",
            "org.springframework.boot.jdbc.autoconfigure.metrics.DataSourcePoolMetricsAutoConfiguration",
            "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration");
    /** The transcriber has no database at all: ingest's exclusions plus R2DBC. */
    public static final List<String> TRANSCRIBER_EXCLUSIONS = java.util.stream.Stream.concat(INGEST_EXCLUSIONS.stream(),
            java.util.stream.Stream.of(
                    "org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration",
                    "org.springframework.boot.r2dbc.autoconfigure.R2dbcTransactionManagerAutoConfiguration",
                    "org.springframework.boot.r2dbc.autoconfigure.health.ConnectionFactoryHealthContributorAutoConfiguration",
                    "org.springframework.boot.r2dbc.autoconfigure.metrics.ConnectionPoolMetricsAutoConfiguration",
                    "org.springframework.boot.r2dbc.autoconfigure.observation.R2dbcObservationAutoConfiguration",
                    "org.springframework.boot.data.r2dbc.autoconfigure.DataR2dbcAutoConfiguration",
                    "org.springframework.boot.data.r2dbc.autoconfigure.DataR2dbcRepositoriesAutoConfiguration",
                    "org.springframework.boot.r2dbc.autoconfigure.R2dbcInitializationAutoConfiguration",
                    "org.springframework.boot.r2dbc.autoconfigure.R2dbcProxyAutoConfiguration")).toList();

    /**
     * What a caller changes beyond {@link StandaloneSettings} (the benchmark: partitions, limits, workers).
     *
     * @param partitions  partitions per topic of the embedded broker
     * @param moderation  extra settings of moderation-stream, winning over its yml
     * @param transcriber extra settings of transcriber-stream
     * @param ingest      extra settings of ingest-service
     */
    public record Tuning(int partitions, Map<String, Object> moderation, Map<String, Object> transcriber,
                         Map<String, Object> ingest) {

        /** The standalone defaults: {@link EmbeddedKafka#PARTITIONS}, every service as its yml says. */
        public static final Tuning NONE = new Tuning(EmbeddedKafka.PARTITIONS, Map.of(), Map.of(), Map.of());
    }

    private static final Logger log = LoggerFactory.getLogger(Pipeline.class);
    /** The transcriber's bean that loads the Vosk models: its creation time is the model load. */
    private static final String MODELS_BEAN = "models";

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final Map<String, Long> readyMs = new LinkedHashMap<>();
    private final StandaloneSettings settings;
    private final Tuning tuning;
    private EmbeddedKafka kafka;
    private EmbeddedDatabase database;
    private ConfigurableApplicationContext ingest;
    private long modelLoadMs = -1;

    private Pipeline(StandaloneSettings settings, Tuning tuning) {
        this.settings = settings;
        this.tuning = tuning;
    }

    /** Starts every part and returns once ingest accepts requests; on failure stops what already started. */
    public static Pipeline start(StandaloneSettings settings) throws Exception {
        return start(settings, Tuning.NONE);
    }

    /** The same with {@code tuning} applied. */
    public static Pipeline start(StandaloneSettings settings, Tuning tuning) throws Exception {
        Pipeline pipeline = new Pipeline(settings, tuning);
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
        long t = System.nanoTime();
        database = remember(EmbeddedDatabase.start(settings.postgresPort(), postgresDataDir()));
        readyMs.put("postgresql (embedded)", elapsedMs(t));
        log.info("Starting embedded Kafka (KRaft)");
        t = System.nanoTime();
        kafka = remember(EmbeddedKafka.start(tuning.partitions()));
        readyMs.put("kafka broker (embedded KRaft)", elapsedMs(t));

        Map<String, Object> moderation = common();
        moderation.putAll(database.moderationProperties());
        moderation.put("server.port", settings.actuatorPorts() ? 8082 : 0);
        moderation.put("guardian.moderation.state-dir", settings.dataDir().resolve("streams").toString());
        moderation.putAll(tuning.moderation());
        remember(run("moderation-stream", ModerationApplication.application(), moderation));

        Map<String, Object> transcriber = common();
        transcriber.put("server.port", settings.actuatorPorts() ? 8081 : 0);
        transcriber.put("spring.autoconfigure.exclude", String.join(",", TRANSCRIBER_EXCLUSIONS));
        transcriber.putAll(tuning.transcriber());
        remember(run("transcriber-stream", TranscriberApplication.application(), transcriber));

        Map<String, Object> ingestProperties = common();
        ingestProperties.putAll(database.ingestProperties());
        ingestProperties.put("server.port", settings.httpPort());
        ingestProperties.put("guardian.ingest.tenants." + StandaloneSettings.LOCAL_TENANT + ".api-keys",
                settings.apiKey());
        ingestProperties.put("spring.autoconfigure.exclude", String.join(",", INGEST_EXCLUSIONS));
        ingestProperties.putAll(tuning.ingest());
        ingest = remember(run("ingest-service", IngestApplication.application(), ingestProperties));
    }

    private Map<String, Object> common() {
        Map<String, Object> properties = new HashMap<>();
        properties.put("spring.kafka.bootstrap-servers", kafka.bootstrapServers());
        // one shutdown order for the whole JVM: ours, so services stop before the broker and database they use
        properties.put("spring.main.register-shutdown-hook", false);
        properties.put("spring.main.banner-mode", "off");
        return properties;
    }

    /** Runs one service and records the time until {@code run} returned (the context is ready then). */
    private ConfigurableApplicationContext run(String service, SpringApplicationBuilder application,
                                               Map<String, Object> properties) {
        BufferingApplicationStartup steps = new BufferingApplicationStartup(20_000);
        long t = System.nanoTime();
        // as arguments, the settings win over each service's own yml file
        ConfigurableApplicationContext context = application.applicationStartup(steps).run(properties.entrySet()
                .stream().map(entry -> "--" + entry.getKey() + "=" + entry.getValue()).toArray(String[]::new));
        readyMs.put(service, elapsedMs(t));
        steps.getBufferedTimeline().getEvents().stream()
                .filter(event -> "spring.beans.instantiate".equals(event.getStartupStep().getName()))
                .filter(event -> hasTag(event.getStartupStep(), "beanName", MODELS_BEAN))
                .mapToLong(event -> event.getDuration().toMillis()).max()
                .ifPresent(ms -> modelLoadMs = ms);
        return context;
    }

    private static boolean hasTag(StartupStep step, String key, String value) {
        for (StartupStep.Tag tag : step.getTags()) {
            if (key.equals(tag.getKey()) && value.equals(tag.getValue())) {
                return true;
            }
        }
        return false;
    }

    private static long elapsedMs(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
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

    /** Where PostgreSQL keeps its files, so its processes can be found by their postmaster.pid. */
    public Path postgresDataDir() {
        return settings.dataDir().resolve("postgres");
    }

    public StandaloneSettings settings() {
        return settings;
    }

    /** Each part's time from start to ready, in start order; the transcriber's includes its model load. */
    public Map<String, Long> readyMs() {
        return readyMs;
    }

    /** Time the transcriber spent creating its {@code models} bean (Vosk model load), -1 if not seen. */
    public long transcriberModelLoadMs() {
        return modelLoadMs;
    }

    /** ingest-service's application context, to read its Micrometer meters. */
    public ConfigurableApplicationContext ingestContext() {
        return ingest;
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
