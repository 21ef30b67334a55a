package vn.guardian.moderation.health;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import vn.guardian.moderation.sink.SinkLoop;

/** DOWN when a sink's thread died; UP with the last database error as detail while it retries. */
public final class SinkHealthIndicator implements HealthIndicator {

    private final SinkLoop sink;

    public SinkHealthIndicator(SinkLoop sink) {
        this.sink = sink;
    }

    @Override
    public Health health() {
        Health.Builder builder = sink.isRunning() ? Health.up() : Health.down();
        if (sink.lastError() != null) {
            builder.withDetail("retrying", sink.lastError());
        }
        return builder.withDetail("lastCommitAt", sink.lastCommitAt()).build();
    }
}
