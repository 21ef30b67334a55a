package vn.guardian.ingest.live;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;
import vn.guardian.contracts.Topics;

/**
 * Part of readiness: a replica that has not read {@code guardian.live-calls} once since start would answer 404 to
 * calls other replicas hold, so it takes no traffic until it has.
 */
@Component("liveCallsHealthIndicator")
public class LiveCallsHealthIndicator implements HealthIndicator {

    private final LiveCallLog callLog;

    public LiveCallsHealthIndicator(LiveCallLog callLog) {
        this.callLog = callLog;
    }

    @Override
    public Health health() {
        Health.Builder health = callLog.caughtUpOnce() ? Health.up() : Health.down()
                .withDetail("error", callLog.problem());
        return health.withDetail("topic", Topics.LIVE_CALLS).withDetail("instanceId", callLog.instanceId())
                .withDetail("knownCalls", callLog.states().size()).withDetail("lag", callLog.lag()).build();
    }
}
