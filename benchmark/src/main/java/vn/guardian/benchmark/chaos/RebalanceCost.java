package vn.guardian.benchmark.chaos;

import java.util.List;
import vn.guardian.benchmark.pipeline.VerdictRows;

/**
 * What one change of the transcriber group cost the live calls: how long until the group was whole again, and the
 * utterance-end latency meanwhile.
 *
 * @param settledAfterChangeMs from the change until the group was Stable with every audio partition assigned; -1 when
 *                             it was not by the end of the load (or no rebalance was seen)
 * @param rebalanceMs          of that, how long the group itself was not whole; what comes before it is a killed
 *                             replica's session timeout (6 s) or a new replica's JVM start; -1 likewise
 * @param membersBefore        group members (one per worker of each replica) before the rebalance, and after it
 * @param window               latency of the utterances that ended from the change until the group settled + 10 s
 * @param duringRebalance      the same from the moment the group was seen not whole (null when it never settled)
 * @param timeline             the group's states as polled, timed from the change
 */
record RebalanceCost(long settledAfterChangeMs, long rebalanceMs, int membersBefore, int membersAfter,
                     LatencyWindow window, LatencyWindow duringRebalance, List<String> timeline) {

    static RebalanceCost of(RebalanceTimeline timeline, List<VerdictRows.Row> rows, long loadEndMs) {
        var rebalance = timeline.ofChange();
        return new RebalanceCost(timeline.settledAfterChangeMs(),
                rebalance.map(RebalanceTimeline.Rebalance::durationMs).orElse(-1L),
                rebalance.map(RebalanceTimeline.Rebalance::membersBefore).orElse(-1),
                rebalance.map(RebalanceTimeline.Rebalance::membersAfter).orElse(-1),
                LatencyWindow.ofRebalance(rows, timeline, loadEndMs),
                LatencyWindow.ofRebalanceOnly(rows, timeline).orElse(null), timeline.events());
    }
}
