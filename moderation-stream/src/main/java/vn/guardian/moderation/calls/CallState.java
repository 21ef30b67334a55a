package vn.guardian.moderation.calls;

import java.util.List;
import vn.guardian.contracts.verdict.CallVerdict;

/**
 * What the call table keeps per call: the verdict analysts see, plus the recent abusive segments that the repeat
 * rule needs.
 *
 * @param verdict  the call's current verdict
 * @param repeats  abusive segments still inside the repeat window, oldest first
 */
public record CallState(CallVerdict verdict, List<Repeat> repeats) {

    public CallState {
        repeats = repeats == null ? List.of() : List.copyOf(repeats);
    }

    /**
     * One flagged segment of a repeat category.
     *
     * @param startMs   audio time where it starts
     * @param segmentId the segment, named in the escalation when the rule fires
     */
    public record Repeat(long startMs, String segmentId) {
    }
}
