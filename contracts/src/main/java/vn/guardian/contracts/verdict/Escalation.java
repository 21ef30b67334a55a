package vn.guardian.contracts.verdict;

import java.util.List;

/**
 * Why a call escalated: the first rule that fired, and the segments that made it fire.
 *
 * @param rule       {@link #SEGMENT}, {@link #ESCALATE_ON} or {@link #REPEAT}
 * @param detail     the rule in words, for the analyst ("3 flagged INSULT segments within 5m of audio")
 * @param segmentIds the segments that fired it, in audio order
 */
public record Escalation(String rule, String detail, List<String> segmentIds) {

    /** One segment's own verdict was ESCALATE (a critical match or a score over the escalate threshold). */
    public static final String SEGMENT = "segment";
    /** A flagged segment in a {@code call-rules.escalate-on} category. */
    public static final String ESCALATE_ON = "escalate-on";
    /** {@code call-rules.repeat-count} flagged segments of the repeat categories within the repeat window. */
    public static final String REPEAT = "repeat";

    public Escalation {
        segmentIds = List.copyOf(segmentIds);
    }
}
