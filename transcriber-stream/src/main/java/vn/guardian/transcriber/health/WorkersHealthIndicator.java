package vn.guardian.transcriber.health;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;
import vn.guardian.transcriber.consumer.TranscriberWorkers;

/** Health {@code workers}: DOWN when a worker's poll loop has died, so the replica gets restarted. */
@Component
public class WorkersHealthIndicator extends AbstractHealthIndicator {

    private final TranscriberWorkers workers;

    public WorkersHealthIndicator(TranscriberWorkers workers) {
        this.workers = workers;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        long alive = workers.alive();
        (workers.isRunning() && alive < workers.count() ? builder.down() : builder.up())
                .withDetail("alive", alive).withDetail("configured", workers.count());
    }
}
