package vn.guardian.moderation.health;

import org.apache.kafka.streams.KafkaStreams;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import vn.guardian.moderation.topology.ModerationStreams;

/** UP only while the topology is RUNNING; the readiness group includes it, so a rebalancing instance is not ready. */
public final class KafkaStreamsHealthIndicator implements HealthIndicator {

    private final ModerationStreams streams;

    public KafkaStreamsHealthIndicator(ModerationStreams streams) {
        this.streams = streams;
    }

    @Override
    public Health health() {
        KafkaStreams.State state = streams.state();
        Health.Builder builder = state == KafkaStreams.State.RUNNING ? Health.up() : Health.outOfService();
        return builder.withDetail("state", state.name()).build();
    }
}
