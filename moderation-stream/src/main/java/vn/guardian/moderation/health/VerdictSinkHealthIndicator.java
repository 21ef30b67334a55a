package vn.guardian.moderation.health;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import vn.guardian.moderation.sink.VerdictSink;

/** DOWN when the sink thread died; UP with the last database error as detail while it retries. */
public final class VerdictSinkHealthIndicator implements HealthIndicator {

    private final VerdictSink sink;

    public VerdictSinkHealthIndicator(VerdictSink sink) {
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
