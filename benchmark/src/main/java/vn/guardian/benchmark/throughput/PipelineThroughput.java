package vn.guardian.benchmark.throughput;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import vn.guardian.benchmark.audio.SampleCall;
import vn.guardian.benchmark.pipeline.IngestClient;
import vn.guardian.benchmark.pipeline.VerdictRows;

/**
 * The same audio as the raw run, posted as whole recordings ({@code POST /v1/recordings}) as fast as ingest takes
 * them, timed from the first request to the moment the last expected verdict row is seen committed in PostgreSQL.
 */
public final class PipelineThroughput {

    private static final long POLL_MS = 50;

    private final IngestClient ingest;
    private final VerdictRows rows;
    private final int inFlight;

    public PipelineThroughput(IngestClient ingest, VerdictRows rows, int inFlight) {
        this.ingest = ingest;
        this.rows = rows;
        this.inFlight = inFlight;
    }

    /**
     * Posts every sample once and waits until each call has the verdict rows Vosk alone produced for it
     * ({@code expectedRows}), then {@code quietMs} more to see that no extra row follows.
     *
     * @throws IllegalStateException when the pipeline stores fewer or more rows than Vosk alone produced
     */
    public void confirmExpectedRows(List<SampleCall> samples, Map<String, Integer> expectedRows, long quietMs,
                                    long timeoutMs) throws Exception {
        Map<String, String> callBySample = new LinkedHashMap<>();
        for (SampleCall sample : samples) {
            callBySample.put(sample.name(), ingest.postRecording(sample).get());
        }
        int expected = callBySample.keySet().stream().mapToInt(expectedRows::get).sum();
        long deadline = System.currentTimeMillis() + timeoutMs;
        List<VerdictRows.Row> seen = rows.ofCalls(callBySample.values());
        while (seen.size() < expected && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
            seen = rows.ofCalls(callBySample.values());
        }
        Thread.sleep(quietMs);
        seen = rows.ofCalls(callBySample.values());
        Map<String, Integer> stored = new LinkedHashMap<>();
        for (Map.Entry<String, String> call : callBySample.entrySet()) {
            stored.put(call.getKey(), (int) seen.stream().filter(row -> row.callId().equals(call.getValue())).count());
        }
        for (String sample : callBySample.keySet()) {
            if (!stored.get(sample).equals(expectedRows.get(sample))) {
                throw new IllegalStateException("The warm-up calls " + callBySample + " stored verdict rows " + stored
                        + " where Vosk alone yields " + expectedRows + " (waited " + timeoutMs + " ms); "
                        + "is the pipeline healthy? Its log above says why");
            }
        }
    }

    /**
     * One run: the run's calls posted at once (at most {@code inFlight} requests open). Audio seconds count every
     * channel, as the raw run does.
     */
    public Result run(List<SampleCall> work, Map<String, Integer> expectedRows, long timeoutMs) throws Exception {
        double audioSeconds = 0;
        int expected = 0;
        for (SampleCall sample : work) {
            audioSeconds += sample.audioSeconds();
            expected += expectedRows.get(sample.name());
        }
        Semaphore open = new Semaphore(inFlight);
        List<CompletableFuture<String>> calls = new ArrayList<>();
        long startMs = System.currentTimeMillis();
        long start = System.nanoTime();
        for (SampleCall sample : work) {
            open.acquire();
            calls.add(ingest.postRecording(sample).whenComplete((id, error) -> open.release()));
        }
        List<String> callIds = new ArrayList<>();
        for (CompletableFuture<String> call : calls) {
            callIds.add(call.get());
        }
        double acceptedSeconds = (System.nanoTime() - start) / 1e9;
        long deadline = System.currentTimeMillis() + timeoutMs;
        List<VerdictRows.Row> seen = List.of();
        while (System.currentTimeMillis() < deadline) {
            seen = rows.ofCalls(callIds);
            if (seen.size() >= expected) {
                break;
            }
            Thread.sleep(POLL_MS);
        }
        double wallSeconds = (System.nanoTime() - start) / 1e9;
        long lastStored = seen.stream().mapToLong(VerdictRows.Row::storedAtMs).max().orElse(startMs);
        return new Result(work.size(), audioSeconds, expected, seen.size(), acceptedSeconds, wallSeconds,
                audioSeconds / wallSeconds, (lastStored - startMs) / 1000.0, seen.size() >= expected);
    }

    /**
     * One throughput run.
     *
     * @param wallSeconds       first request to the poll that saw the last expected row (conservative by up to 50 ms)
     * @param storedSeconds     first request to the largest {@code stored_at}: the database's own clock, for checking
     */
    public record Result(int calls, double audioSeconds, int expectedRows, int rows, double acceptedSeconds,
                         double wallSeconds, double audioSecondsPerSecond, double storedSeconds, boolean complete) {
    }
}
