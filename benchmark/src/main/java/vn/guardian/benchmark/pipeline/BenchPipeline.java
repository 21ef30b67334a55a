package vn.guardian.benchmark.pipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.metrics.buffering.BufferingApplicationStartup;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.metrics.StartupStep;
import vn.guardian.ingest.IngestApplication;
import vn.guardian.moderation.ModerationApplication;
import vn.guardian.testsupport.EmbeddedDatabase;
import vn.guardian.testsupport.EmbeddedKafka;
import vn.guardian.transcriber.TranscriberApplication;

/**
 * The whole pipeline in this JVM, started the way standalone's {@code Pipeline} does it (embedded KRaft broker,
 * embedded PostgreSQL, then moderation-stream, transcriber-stream and ingest-service as Spring applications with
 * their own yml), timing each part until ready. Model loading is timed separately from Spring's start-up steps.
 */
public final class BenchPipeline implements AutoCloseable {

    public static final String TENANT = "bench";
    public static final String API_KEY = "bench-key";

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final Map<String, Long> readyMs = new LinkedHashMap<>();
    private final Path dataDir;
    private EmbeddedDatabase database;
    private EmbeddedKafka kafka;
    private ConfigurableApplicationContext ingest;
    private ConfigurableApplicationContext moderation;
    private long modelLoadMs = -1;

    private BenchPipeline(Path dataDir) {
        this.dataDir = dataDir;
    }

    /** Starts every part; on failure stops what already started. */
    public static BenchPipeline start(Path dataDir, int transcriberWorkers, int partitions) throws Exception {
        BenchPipeline pipeline = new BenchPipeline(dataDir);
        try {
            pipeline.startAll(transcriberWorkers, partitions);
            return pipeline;
        } catch (Exception | Error e) {
            pipeline.close();
            throw e;
        }
    }

    private void startAll(int transcriberWorkers, int partitions) throws Exception {
        Files.createDirectories(dataDir);
        long t = System.nanoTime();
        database = remember(EmbeddedDatabase.start(0, dataDir.resolve("postgres")));
        readyMs.put("postgresql (embedded)", elapsedMs(t));
        t = System.nanoTime();
        kafka = remember(EmbeddedKafka.start(partitions));
        readyMs.put("kafka broker (embedded KRaft)", elapsedMs(t));

        Map<String, Object> moderationProperties = common();
        moderationProperties.putAll(database.springProperties());
        moderationProperties.put("guardian.moderation.state-dir", dataDir.resolve("streams").toString());
        moderation = remember(run("moderation-stream", ModerationApplication.application(), moderationProperties, null));

        Map<String, Object> transcriber = common();
        if (transcriberWorkers > 0) {
            transcriber.put("guardian.transcriber.workers", transcriberWorkers);
        }
        // the benchmark looks for the CPU limit, so the memory bound must not pause partitions first
        transcriber.put("guardian.transcriber.max-recognizers", 64);
        remember(run("transcriber-stream", TranscriberApplication.application(), transcriber, "models"));

        Map<String, Object> ingestProperties = common();
        ingestProperties.putAll(database.springProperties());
        ingestProperties.put("guardian.ingest.tenants." + TENANT + ".api-keys", API_KEY);
        // the benchmark is one tenant carrying the whole load: lift the per-tenant fairness limits out of the way
        ingestProperties.put("guardian.ingest.limits.max-concurrent-calls", 100_000);
        ingestProperties.put("guardian.ingest.limits.requests-per-second", 1_000_000);
        ingestProperties.put("guardian.ingest.limits.request-burst", 1_000_000);
        ingest = remember(run("ingest-service", IngestApplication.application(), ingestProperties, null));
    }

    private Map<String, Object> common() {
        Map<String, Object> properties = new HashMap<>();
        properties.put("spring.kafka.bootstrap-servers", kafka.bootstrapServers());
        properties.put("server.port", 0);
        properties.put("spring.main.register-shutdown-hook", false);
        properties.put("spring.main.banner-mode", "off");
        return properties;
    }

    /** Runs one service and records the time until {@code run} returned (the context is ready then). */
    private ConfigurableApplicationContext run(String service, SpringApplicationBuilder application,
                                               Map<String, Object> properties, String modelBean) {
        BufferingApplicationStartup steps = new BufferingApplicationStartup(20_000);
        long t = System.nanoTime();
        ConfigurableApplicationContext context = application.applicationStartup(steps).run(properties.entrySet()
                .stream().map(entry -> "--" + entry.getKey() + "=" + entry.getValue()).toArray(String[]::new));
        readyMs.put(service, elapsedMs(t));
        if (modelBean != null) {
            // Spring times every bean's creation; the models bean is where Vosk loads, so that is the model load
            modelLoadMs = steps.getBufferedTimeline().getEvents().stream()
                    .filter(event -> "spring.beans.instantiate".equals(event.getStartupStep().getName()))
                    .filter(event -> hasTag(event.getStartupStep(), "beanName", modelBean))
                    .mapToLong(event -> event.getDuration().toMillis()).max().orElse(-1);
        }
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
        return dataDir.resolve("postgres");
    }

    /** Each part's time from start to ready, in start order; the transcriber's includes its model load. */
    public Map<String, Long> readyMs() {
        return readyMs;
    }

    /** Time the transcriber spent creating its {@code models} bean (Vosk model load), -1 if not seen. */
    public long transcriberModelLoadMs() {
        return modelLoadMs;
    }

    /** A service's application context, to read its Micrometer meters. */
    public ConfigurableApplicationContext ingestContext() {
        return ingest;
    }

    public ConfigurableApplicationContext moderationContext() {
        return moderation;
    }

    @Override
    public void close() {
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                System.err.println("Stopping a pipeline part failed: " + e);
            }
        }
    }
}
