package vn.guardian.moderation.classifier;

/**
 * Category scores at which a segment is flagged or escalated.
 *
 * @param flag     a category score at or above this flags the segment
 * @param escalate a category score at or above this escalates it (CRITICAL matches escalate regardless)
 */
public record Thresholds(double flag, double escalate) {

    public Thresholds {
        if (!(flag > 0 && flag <= escalate && escalate <= 1)) {
            throw new IllegalArgumentException("Thresholds need 0 < flag <= escalate <= 1 but got flag=" + flag
                    + ", escalate=" + escalate + "; check guardian.moderation.flag-threshold/escalate-threshold");
        }
    }
}
