package vn.guardian.benchmark.chaos;

import java.util.List;
import vn.guardian.benchmark.pipeline.VerdictRows;
import vn.guardian.benchmark.stats.Stats;

/**
 * Utterance-end latency around a fault (closing chunk accepted by ingest to verdict row committed in PostgreSQL):
 * the run's own normal before the fault, the worst after it, and when latency was back to normal.
 *
 * @param addedDelayMs      the worst latency of a verdict stored after the fault minus the p95 before it
 * @param addedWhileDownMs  the same over the utterances that ended before the broken process began to come back: what
 *                          the failover to the survivors cost
 * @param addedOnReturnMs   the same over the utterances that ended after: what its return cost (a JVM start on the
 *                          same cores, a second rebalance)
 * @param recoveryMs        from the fault until the last verdict slower than {@link #slowMs} was stored; 0 if none was
 */
record FaultLatency(double baselineP50Ms, double baselineP95Ms, double baselineP99Ms, double slowMs, double maxAfterMs,
                    double addedDelayMs, double addedWhileDownMs, double addedOnReturnMs, long recoveryMs) {

    /** Slower than twice the normal p95, and at least half a second over it, counts as not recovered yet. */
    static double slowThreshold(double p95) {
        return Math.max(2 * p95, p95 + 500);
    }

    /**
     * @param baselineFromMs rows whose closing chunk came earlier are warm-up, left out of the normal
     * @param faultAtMs      the moment of the fault: rows stored before it make the normal, after it are measured
     * @param returnAtMs     when the broken process began to come back (restart or SIGCONT)
     */
    static FaultLatency of(List<VerdictRows.Row> rows, long baselineFromMs, long faultAtMs, long returnAtMs) {
        Stats.Latency normal = Stats.latency(rows.stream()
                .filter(row -> row.ingestedAtMs() >= baselineFromMs && row.storedAtMs() < faultAtMs)
                .mapToDouble(FaultLatency::latencyMs).toArray());
        double slow = slowThreshold(normal.p95());
        double maxWhileDown = 0;
        double maxOnReturn = 0;
        long lastSlowStoredAt = -1;
        for (VerdictRows.Row row : rows) {
            if (row.storedAtMs() >= faultAtMs) {
                if (row.ingestedAtMs() < returnAtMs) {
                    maxWhileDown = Math.max(maxWhileDown, latencyMs(row));
                } else {
                    maxOnReturn = Math.max(maxOnReturn, latencyMs(row));
                }
                if (latencyMs(row) > slow) {
                    lastSlowStoredAt = Math.max(lastSlowStoredAt, row.storedAtMs());
                }
            }
        }
        double maxAfter = Math.max(maxWhileDown, maxOnReturn);
        return new FaultLatency(normal.p50(), normal.p95(), normal.p99(), slow, maxAfter, added(maxAfter, normal),
                added(maxWhileDown, normal), added(maxOnReturn, normal),
                lastSlowStoredAt < 0 ? 0 : lastSlowStoredAt - faultAtMs);
    }

    private static double added(double worstMs, Stats.Latency normal) {
        return Double.isNaN(normal.p95()) ? Double.NaN : Math.max(0, worstMs - normal.p95());
    }

    private static double latencyMs(VerdictRows.Row row) {
        return row.storedAtMs() - row.ingestedAtMs();
    }
}
