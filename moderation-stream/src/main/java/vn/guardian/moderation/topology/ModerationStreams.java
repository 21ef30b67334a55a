package vn.guardian.moderation.topology;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/** Runs the moderation topology for as long as the application context lives. */
public final class ModerationStreams implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ModerationStreams.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final Topology topology;
    private final Properties config;
    private final MeterRegistry registry;
    private volatile KafkaStreams streams;
    private volatile KafkaStreamsMetrics metrics;

    public ModerationStreams(Topology topology, Properties config, MeterRegistry registry) {
        this.topology = topology;
        this.config = config;
        this.registry = registry;
    }

    @Override
    public synchronized void start() {
        if (streams != null) {
            return;
        }
        KafkaStreams created = new KafkaStreams(topology, config);
        created.setStateListener((now, before) -> log.info("Kafka Streams {} -> {}", before, now));
        created.setUncaughtExceptionHandler(e -> {
            // processing errors already go to the DLQ; what lands here is infrastructure (fencing, timeouts)
            log.error("Stream thread failed; replacing it", e);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        metrics = new KafkaStreamsMetrics(created);
        metrics.bindTo(registry);
        created.start();
        streams = created;
    }

    @Override
    public synchronized void stop() {
        KafkaStreams running = streams;
        streams = null;
        if (running != null) {
            metrics.close();
            // Streams members do not leave the group on a plain close, so their tasks would wait out the session
            // timeout; leaving hands them to the other instance at once (a rolling restart)
            running.close(new KafkaStreams.CloseOptions().timeout(CLOSE_TIMEOUT).leaveGroup(true));
        }
    }

    @Override
    public boolean isRunning() {
        return streams != null;
    }

    /** The current state, {@code NOT_RUNNING} before start and after stop. */
    public KafkaStreams.State state() {
        KafkaStreams running = streams;
        return running == null ? KafkaStreams.State.NOT_RUNNING : running.state();
    }
}
