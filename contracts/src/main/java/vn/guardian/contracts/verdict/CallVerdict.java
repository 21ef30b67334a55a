package vn.guardian.contracts.verdict;

import java.util.Map;

/**
 * The running verdict on a whole call; the latest one per call is kept on a compacted topic.
 *
 * @param callId         the call, also the record key
 * @param tenant         the call center that owns the call
 * @param segments       segments decided so far
 * @param countsByCategory how many segments matched each category
 * @param maxSeverity    the highest segment severity so far
 * @param riskScore      0..1, grows with repeated and severe segments
 * @param action         ALLOW, FLAG or ESCALATE for the call as a whole
 * @param open           false once the call ended
 * @param updatedAt      epoch millis of the last change
 */
public record CallVerdict(String callId, String tenant, long segments, Map<Category, Long> countsByCategory,
                          Severity maxSeverity, double riskScore, Action action, boolean open, long updatedAt) {

    public CallVerdict {
        countsByCategory = Map.copyOf(countsByCategory);
    }
}
