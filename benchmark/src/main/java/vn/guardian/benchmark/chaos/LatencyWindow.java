package vn.guardian.benchmark.chaos;

import java.util.List;
import vn.guardian.benchmark.pipeline.VerdictRows;
import vn.guardian.benchmark.stats.Stats;

/**
 * Utterance-end latency (closing chunk accepted by ingest to verdict row committed in PostgreSQL) of the utterances
 * that ended within [fromMs, toMs): an utterance belongs to the window its end falls in, however late its verdict.
 * Percentiles are nearest-rank, so with fewer than 100 utterances the p99 is the slowest one.
 */
record LatencyWindow(long fromMs, long toMs, int utterances, double p95Ms, double p99Ms, double maxMs) {

    /**
     * How long after the group settled utterances still count towards its rebalance: a moved call's new owner
     * re-decodes it from the committed offset (the first chunk of its oldest open utterance, a few seconds of audio
     * in calls of at most 15 s) before it reaches live audio, and the survivors work off what piled up meanwhile;
     * 10 s covers that backlog at the pipeline's real-time margin, and later utterances measure the steady state.
     */
    static final long MARGIN_MS = 10_000;

    static LatencyWindow of(List<VerdictRows.Row> rows, long fromMs, long toMs) {
        Stats.Latency latency = Stats.latency(rows.stream()
                .filter(row -> row.ingestedAtMs() >= fromMs && row.ingestedAtMs() < toMs)
                .mapToDouble(row -> row.storedAtMs() - row.ingestedAtMs()).toArray());
        return new LatencyWindow(fromMs, toMs, latency.count(), latency.p95(), latency.p99(), latency.max());
    }

    /**
     * The rebalance window: from the change until the group was whole again plus {@link #MARGIN_MS}; until
     * {@code loadEndMs} when it never was.
     */
    static LatencyWindow ofRebalance(List<VerdictRows.Row> rows, RebalanceTimeline timeline, long loadEndMs) {
        long settledAfter = timeline.settledAfterChangeMs();
        long to = settledAfter < 0 ? loadEndMs : timeline.changeAtMs() + settledAfter + MARGIN_MS;
        return of(rows, timeline.changeAtMs(), to);
    }

    /**
     * The rebalance itself: from the last poll that saw the group whole before it was not, until it was again plus
     * {@link #MARGIN_MS}. For a scale-out this leaves out the new replica's JVM start, which on a shared machine
     * costs the survivors CPU but is no rebalance; empty when no rebalance settled.
     */
    static java.util.Optional<LatencyWindow> ofRebalanceOnly(List<VerdictRows.Row> rows, RebalanceTimeline timeline) {
        return timeline.ofChange().filter(RebalanceTimeline.Rebalance::settled).map(rebalance ->
                of(rows, rebalance.startMs(), rebalance.settledAtMs().getAsLong() + MARGIN_MS));
    }
}
