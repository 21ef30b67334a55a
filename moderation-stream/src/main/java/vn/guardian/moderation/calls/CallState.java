package vn.guardian.moderation.calls;

import java.util.List;
import vn.guardian.contracts.verdict.CallVerdict;

/**
 * What the call table keeps per call: the verdict analysts see, plus the audio times of recent abusive segments
 * that the repeat rule needs.
 *
 * @param verdict      the call's current verdict
 * @param repeatTimes  start times (audio ms) of abusive segments still inside the repeat window, oldest first
 */
public record CallState(CallVerdict verdict, List<Long> repeatTimes) {

    public CallState {
        repeatTimes = List.copyOf(repeatTimes);
    }
}
