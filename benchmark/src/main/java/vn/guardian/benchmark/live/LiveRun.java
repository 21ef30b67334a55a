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
 * @param putMs          round trip of one chunk at the feed (HTTP PUT, or the Kafka send), Kafka acknowledgement included
 * @param trend          median latency of the last third of utterances over the first third's
 * @param maxLateMs      how late the latest chunk was sent against its real-time schedule
 * @param sustainable    the pipeline kept up; {@code problems} says why not otherwise
 */
public record LiveRun(int concurrentCalls, double seconds, int callsMade, int expectedRows, int rows, long drainMs,
                      Stats.Latency latency, Stats.Latency wallLatency, Stats.Latency seenAfterStored,
                      Stats.Latency putMs, double trend, long maxLateMs, boolean sustainable, List<String> problems) {

    static LiveRun of(int calls, double seconds, int callsMade, int expected, int rows, long drainMs,
                      Stats.Latency latency, Stats.Latency wall, Stats.Latency seenAfterStored, Stats.Latency put,
                      double trend, long maxLateMs) {
        List<String> problems = new ArrayList<>();
        if (rows < expected) {
            problems.add(rows + " of " + expected + " verdicts arrived (drain " + drainMs + " ms)");
        }
        if (drainMs > 5_000) {
            problems.add("the last verdict came " + drainMs + " ms after the last call ended");
        }
        if (trend > 1.5 && latency.p50() > 250) {
            problems.add("latency grew during the run (last third / first third median = "
                    + String.format("%.2f", trend) + ")");
        }
        if (maxLateMs > 1_000) {
            problems.add("chunks fell " + maxLateMs + " ms behind real time");
        }
        return new LiveRun(calls, seconds, callsMade, expected, rows, drainMs, latency, wall, seenAfterStored, put,
                trend, maxLateMs, problems.isEmpty(), List.copyOf(problems));
    }
}
