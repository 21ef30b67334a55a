package vn.guardian.benchmark.live;

import java.util.ArrayList;
import java.util.List;
import vn.guardian.benchmark.stats.Stats;

/**
 * One live-load run at a number of concurrent calls.
 *
 * @param latency        utterance-end latency from the rows: {@code stored_at - ingested_at}
 * @param wallLatency    the same from the wall clock: first poll that saw the row minus {@code ingested_at}
 * @param seenAfterStored first poll minus {@code stored_at}: the check (poll period plus commit time)
 * @param toDecision     {@code decided_at - ingested_at}: transcriber and moderation
 * @param toStore        {@code stored_at - decided_at}: the verdicts topic and the sink
 * @param onFeed         rows whose verdict the SSE client of {@code /v1/verdicts/stream} received
 * @param toFeed         decision to arrival at that SSE client: the Streams commit, the topic, the feed
 * @param feedVsRow      arrival at the SSE client minus {@code stored_at}: negative when the feed is ahead of the row
 * @param putMs          round trip of one chunk at the feed (HTTP PUT, or the Kafka send), Kafka acknowledgement included
 * @param drainMs        from the end of the last call to the last of its verdicts (the backlog left behind)
 * @param growthMs       median latency of the last third of utterances minus the first third's
 * @param maxLateMs      how late the latest chunk was sent against its real-time schedule
 * @param sustainable    the pipeline kept up; {@code problems} says why not otherwise
 */
public record LiveRun(int concurrentCalls, double seconds, int callsMade, int expectedRows, int rows, long drainMs,
                      Stats.Latency latency, Stats.Latency wallLatency, Stats.Latency seenAfterStored,
                      Stats.Latency toDecision, Stats.Latency toStore, Stats.Latency putMs, int onFeed,
                      Stats.Latency toFeed, Stats.Latency feedVsRow, double growthMs, long maxLateMs, boolean sustainable, List<String> problems) {

    /** A pipeline that keeps up has the last call's verdicts within about one utterance latency of its end. */
    static final long MAX_DRAIN_MS = 3_000;
    /** Latency that rises by more than this during a 20 s run is a backlog building, not noise. */
    static final double MAX_GROWTH_MS = 250;
    /** The feed itself must keep real time, or the level did not offer the load it names. */
    static final long MAX_LATE_MS = 1_000;
    /**
     * A level whose p95 is seconds is behind real time even when its backlog does not grow during the run: corpus
     * calls of 1-6 minutes end at different times, so the drain and growth rules alone let 6 and 8 calls with a p50
     * of 4 and 42 s pass (2026-12-02).
     */
    static final double MAX_P95_MS = 2_000;

    static LiveRun of(int calls, double seconds, int callsMade, int expected, int rows, long drainMs,
                      Stats.Latency latency, Stats.Latency wall, Stats.Latency seenAfterStored,
                      Stats.Latency toDecision, Stats.Latency toStore, Stats.Latency put, int onFeed,
                      Stats.Latency toFeed, Stats.Latency feedVsRow, double growthMs, long maxLateMs) {
        List<String> problems = new ArrayList<>();
        if (onFeed < rows) {
            problems.add((rows - onFeed) + " of " + rows + " stored verdicts never arrived on the verdict feed");
        }
        if (rows < expected) {
            problems.add(rows + " of " + expected + " verdicts arrived");
        }
        if (drainMs > MAX_DRAIN_MS) {
            problems.add("the last verdict came " + drainMs + " ms after the last call ended");
        }
        if (growthMs > MAX_GROWTH_MS) {
            problems.add("latency grew by " + Math.round(growthMs) + " ms during the run (last third vs first third median)");
        }
        if (latency.p95() > MAX_P95_MS) {
            problems.add("p95 " + Math.round(latency.p95()) + " ms: behind real time");
        }
        if (maxLateMs > MAX_LATE_MS) {
            problems.add("chunks fell " + maxLateMs + " ms behind real time");
        }
        return new LiveRun(calls, seconds, callsMade, expected, rows, drainMs, latency, wall, seenAfterStored,
                toDecision, toStore, put, onFeed, toFeed, feedVsRow,
                growthMs, maxLateMs, problems.isEmpty(), List.copyOf(problems));
    }
}
