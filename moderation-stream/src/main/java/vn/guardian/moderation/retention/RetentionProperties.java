package vn.guardian.moderation.retention;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings under {@code guardian.retention}: how long call transcripts, verdicts and reviews are kept.
 *
 * @param transcripts   rows of calls that started longer ago than this are deleted; {@code 0} keeps them forever
 * @param sweepInterval how often the deletion runs
 */
@ConfigurationProperties("guardian.retention")
public record RetentionProperties(@DefaultValue("90d") Duration transcripts,
                                  @DefaultValue("1h") Duration sweepInterval) {

    public RetentionProperties {
        if (transcripts.isNegative()) {
            throw new IllegalArgumentException("guardian.retention.transcripts=" + transcripts
                    + " is negative; use e.g. 90d, or 0 to keep transcripts forever");
        }
        if (sweepInterval.toSeconds() < 1) {
            throw new IllegalArgumentException("guardian.retention.sweep-interval=" + sweepInterval
                    + " is too short; use at least 1s (default 1h)");
        }
    }
}
