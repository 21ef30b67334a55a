package vn.guardian.contracts.verdict;

import java.util.Map;

/**
 * The verdict on a whole call, computed by moderation-stream's call table; the latest one per call is kept on a
 * compacted topic and in {@code call_verdicts}. The only call-level result: readers serve it, never recompute it.
 *
 * @param callId           the call, also the record key
 * @param tenant           the call center that owns the call
 * @param segments         segments decided so far
 * @param countsByCategory how many segments matched each category
 * @param maxSeverity      the highest segment severity so far
 * @param riskScore        0..1, grows with repeated and severe segments
 * @param action           ALLOW, FLAG or ESCALATE for the call as a whole
 * @param escalation       why the call escalated; null unless {@code action} is ESCALATE
 * @param open             false once the transcriber closed the call (CallClosed): no segment follows
 * @param closeReason      the CallEnded reason once closed ({@code completed}, {@code idle-timeout}, ...), else null
 * @param updatedAt        epoch millis of the last change
 */
public record CallVerdict(String callId, String tenant, long segments, Map<Category, Long> countsByCategory,
                          Severity maxSeverity, double riskScore, Action action, Escalation escalation, boolean open,
                          String closeReason, long updatedAt) {

    public CallVerdict {
        countsByCategory = Map.copyOf(countsByCategory);
    }
}
