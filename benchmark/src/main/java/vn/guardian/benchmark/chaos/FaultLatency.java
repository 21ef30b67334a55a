package vn.guardian.benchmark.chaos;

import java.util.List;
import vn.guardian.benchmark.pipeline.VerdictRows;
import vn.guardian.benchmark.stats.Stats;

/**
 * Utterance-end latency around a fault (closing chunk accepted by ingest to verdict row committed in PostgreSQL):
 * the run's own normal before the fault, the worst after it, and when latency was back to normal.
 *
 * @param addedDelayMs the worst latency of a verdict stored after the fault minus the p95 before it
 * @param recoveryMs   from the fault until the last verdict slower than {@link #slowMs} was stored; 0 if none was
 */
record FaultLatency(double baselineP50Ms, double baselineP95Ms, double slowMs, double maxAfterMs,
                    double addedDelayMs, long recoveryMs) {

    /** Slower than twice the normal p95, and at least half a second over it, counts as not recovered yet. */
    static double slowThreshold(double p95) {
        return Math.max(2 * p95, p95 + 500);
    }

    /**
     * @param baselineFromMs rows whose closing chunk came earlier are warm-up, left out of the normal
     * @param faultAtMs      the moment of the fault: rows stored before it make the normal, after it are measured
     */
    static FaultLatency of(List<VerdictRows.Row> rows, long baselineFromMs, long faultAtMs) {
        Stats.Latency normal = Stats.latency(rows.stream()
                .filter(row -> row.ingestedAtMs() >= baselineFromMs && row.storedAtMs() < faultAtMs)
                .mapToDouble(FaultLatency::latencyMs).toArray());
        double slow = slowThreshold(normal.p95());
        double maxAfter = 0;
        long lastSlowStoredAt = -1;
        for (VerdictRows.Row row : rows) {
            if (row.storedAtMs() >= faultAtMs) {
                maxAfter = Math.max(maxAfter, latencyMs(row));
                if (latencyMs(row) > slow) {
                    lastSlowStoredAt = Math.max(lastSlowStoredAt, row.storedAtMs());
                }
            }
        }
        return new FaultLatency(normal.p50(), normal.p95(), slow, maxAfter,
                Double.isNaN(normal.p95()) ? Double.NaN : Math.max(0, maxAfter - normal.p95()),
                lastSlowStoredAt < 0 ? 0 : lastSlowStoredAt - faultAtMs);
    }

    private static double latencyMs(VerdictRows.Row row) {
        return row.storedAtMs() - row.ingestedAtMs();
    }
}
