package vn.guardian.moderation;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings under {@code guardian.moderation}.
 *
 * @param applicationId     Kafka Streams application id: consumer group, transactional id and internal topic prefix
 * @param stateDir          local directory for the dedupe store; empty means {@code <tmpdir>/guardian-moderation}
 * @param replicationFactor replicas of Streams' internal topics; -1 takes the broker's default
 * @param dedupeWindow      how long a decided segmentId is remembered to drop repeats
 * @param flagThreshold     category score that flags a segment
 * @param escalateThreshold category score that escalates a segment
 * @param sinkGroupId       consumer group of the PostgreSQL verdict sink
 * @param sinkBatchSize     most verdicts per sink poll, hence per database transaction
 * @param sinkTimeout       longest a database batch may take before it counts as failed and is retried
 */
@ConfigurationProperties("guardian.moderation")
public record ModerationProperties(
        @DefaultValue("guardian-moderation") String applicationId,
        @DefaultValue("") String stateDir,
        @DefaultValue("-1") int replicationFactor,
        @DefaultValue("6h") Duration dedupeWindow,
        @DefaultValue("0.5") double flagThreshold,
        @DefaultValue("0.9") double escalateThreshold,
        @DefaultValue("guardian-verdict-sink") String sinkGroupId,
        @DefaultValue("500") int sinkBatchSize,
        @DefaultValue("30s") Duration sinkTimeout) {

    /** {@link #stateDir()}, or a directory under the system temp dir when none is set. */
    public String effectiveStateDir() {
        return stateDir == null || stateDir.isBlank()
                ? System.getProperty("java.io.tmpdir") + "/guardian-moderation" : stateDir;
    }
}
