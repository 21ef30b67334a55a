package vn.guardian.moderation.retention;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.r2dbc.spi.ConnectionFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;

/**
 * Deletes calls that started before the retention time (call recordings are personal data): their segment verdicts,
 * reviews, call verdict, dead-letter rows and registry row, in one transaction per sweep.
 */
public final class TranscriptRetention implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(TranscriptRetention.class);

    // segments first: reviews go with them (ON DELETE CASCADE); a segment row may outlive its calls row's start
    static final String[] DELETES = {
            "DELETE FROM segment_verdicts WHERE decided_at < :before",
            "DELETE FROM call_verdicts WHERE updated_at < :before",
            "DELETE FROM call_dead_letters WHERE dead_lettered_at < :before",
            "DELETE FROM calls WHERE started_at < :before",
            "DELETE FROM erased_calls WHERE erased_at < :before"};

    private final DatabaseClient client;
    private final TransactionalOperator transaction;
    private final RetentionProperties properties;
    private final Clock clock;
    private final Counter deleted;
    private ScheduledExecutorService scheduler;

    public TranscriptRetention(ConnectionFactory connectionFactory, RetentionProperties properties, Clock clock,
                               MeterRegistry registry) {
        this.client = DatabaseClient.create(connectionFactory);
        this.transaction = TransactionalOperator.create(new R2dbcTransactionManager(connectionFactory));
        this.properties = properties;
        this.clock = clock;
        this.deleted = Counter.builder("guardian.retention.deleted.rows")
                .description("Rows deleted because they outlived guardian.retention.transcripts").register(registry);
    }

    /** Deletes everything older than the retention time now; returns the rows deleted. */
    public long sweep() {
        Instant before = clock.instant().minus(properties.transcripts());
        Long rows = Flux.fromArray(DELETES)
                .concatMap(sql -> client.sql(sql).bind("before", before).fetch().rowsUpdated())
                .reduce(0L, Long::sum)
                .as(transaction::transactional)
                .block(Duration.ofMinutes(5));
        long count = rows == null ? 0 : rows;
        deleted.increment(count);
        if (count > 0) {
            log.info("Retention deleted {} rows older than {} ({})", count, before, properties.transcripts());
        }
        return count;
    }

    @Override
    public synchronized void start() {
        if (scheduler != null || properties.transcripts().isZero()) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "transcript-retention");
            t.setDaemon(true);
            return t;
        });
        long interval = properties.sweepInterval().toMillis();
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                sweep();
            } catch (RuntimeException e) {
                log.warn("Retention sweep failed; trying again in {}: {}", properties.sweepInterval(), e.toString());
            }
        }, Math.min(interval, TimeUnit.MINUTES.toMillis(1)), interval, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return scheduler != null;
    }
}
