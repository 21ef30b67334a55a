package vn.guardian.transcriber.models;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import vn.guardian.contracts.Topics;
import vn.guardian.contracts.serde.EventSerdes;
import vn.guardian.contracts.transcriber.ModelReport;
import vn.guardian.transcriber.consumer.TranscriberWorkers;
import vn.guardian.voskmodels.VoskModels;

/**
 * Tells ingest which languages this replica transcribes: a {@link ModelReport} on {@code guardian.transcriber-models}
 * once the workers run and every {@link ModelReport#INTERVAL} after (so an ingest reading the compacted topic sees
 * it fresh), and a tombstone before the workers stop.
 *
 * <p>Why it takes the workers: Spring starts a lifecycle bean after the beans it depends on and stops it before
 * them, so the report never outlives the replica's ability to consume.
 */
public final class ModelReporter implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ModelReporter.class);
    /** Longest a stop waits for the tombstone: a dead broker must not hold up shutdown. */
    private static final Duration TOMBSTONE_TIMEOUT = Duration.ofSeconds(5);

    private final Map<String, Object> producerConfig;
    private final String instanceId;
    private final VoskModels models;
    private KafkaProducer<String, ModelReport> producer;
    private ScheduledExecutorService schedule;

    /**
     * @param producerBase the client settings from {@code spring.kafka.*}, as the workers' producers get them
     * @param workers      not used, only depended on: it orders start and stop
     */
    public ModelReporter(Map<String, Object> producerBase, String instanceId, VoskModels models,
                         TranscriberWorkers workers) {
        Map<String, Object> config = new HashMap<>(producerBase);
        config.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "guardian-transcriber-" + instanceId + "-model-report");
        // a retried report is never written twice, nor a newer report overtaken by an older one
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        // a send waiting for an unreachable broker's metadata must not hold the report thread or a stop for a minute
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) TOMBSTONE_TIMEOUT.toMillis());
        this.producerConfig = Map.copyOf(config);
        this.instanceId = instanceId;
        this.models = models;
    }

    @Override
    public synchronized void start() {
        producer = new KafkaProducer<>(producerConfig, new StringSerializer(), EventSerdes.modelReport());
        schedule = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "transcriber-model-report");
            thread.setDaemon(true);
            return thread;
        });
        schedule.scheduleAtFixedRate(this::report, 0, ModelReport.INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        log.info("Reporting languages {} of transcriber {} on {} every {}", models.languages(), instanceId,
                Topics.TRANSCRIBER_MODELS, ModelReport.INTERVAL);
    }

    @Override
    public synchronized void stop() {
        schedule.shutdownNow();
        try {
            // no report may follow the tombstone
            schedule.awaitTermination(TOMBSTONE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            producer.send(new ProducerRecord<>(Topics.TRANSCRIBER_MODELS, instanceId, null))
                    .get(TOMBSTONE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            log.info("Withdrew the language report of transcriber {}", instanceId);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            log.warn("Could not withdraw the language report of transcriber {} ({}); ingest ignores it once it is "
                    + "older than guardian.ingest.transcribers.report-ttl", instanceId, e.toString());
        } finally {
            producer.close(TOMBSTONE_TIMEOUT);
            producer = null;
            schedule = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return producer != null;
    }

    private void report() {
        ModelReport report = new ModelReport(instanceId, List.copyOf(models.languages()), System.currentTimeMillis());
        try {
            producer.send(new ProducerRecord<>(Topics.TRANSCRIBER_MODELS, instanceId, report), (metadata, error) -> {
                if (error != null) {
                    log.warn("Could not publish the language report of transcriber {} on {}; retrying in {}: {}",
                            instanceId, Topics.TRANSCRIBER_MODELS, ModelReport.INTERVAL, error.toString());
                }
            });
        } catch (KafkaException e) {
            // a failed report must not cancel the next ones
            log.warn("Could not publish the language report of transcriber {} on {}; retrying in {}: {}",
                    instanceId, Topics.TRANSCRIBER_MODELS, ModelReport.INTERVAL, e.toString());
        }
    }
}
