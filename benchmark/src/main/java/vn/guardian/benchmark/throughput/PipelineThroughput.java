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
     * Posts every sample once and waits until its verdict rows stop changing for {@code quietMs}: how many rows each
     * sample yields (Vosk is deterministic on the same chunks), and a JIT warm-up for everything after it.
     */
    public Map<String, Integer> learnExpectedRows(List<SampleCall> samples, long quietMs, long timeoutMs)
            throws Exception {
        Map<String, String> callBySample = new LinkedHashMap<>();
        for (SampleCall sample : samples) {
            callBySample.put(sample.name(), ingest.postRecording(sample).get());
        }
        long deadline = System.currentTimeMillis() + timeoutMs;
        int last = -1;
        long stableSince = System.currentTimeMillis();
        Map<String, Integer> perSample = new LinkedHashMap<>();
        while (System.currentTimeMillis() < deadline) {
            List<VerdictRows.Row> seen = rows.ofCalls(callBySample.values());
            if (seen.size() != last) {
                last = seen.size();
                stableSince = System.currentTimeMillis();
            } else if (last > 0 && System.currentTimeMillis() - stableSince >= quietMs) {
                callBySample.forEach((sample, callId) -> perSample.put(sample,
                        (int) seen.stream().filter(row -> row.callId().equals(callId)).count()));
                return perSample;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("The warm-up calls " + callBySample + " produced no stable verdict rows within "
                + timeoutMs + " ms; is the pipeline healthy?");
    }

    /** One run: {@code copies} of every sample posted at once (at most {@code inFlight} requests open). */
    public Result run(List<SampleCall> samples, int copies, Map<String, Integer> expectedRows, long timeoutMs)
            throws Exception {
        double audioSeconds = 0;
        int expected = 0;
        List<SampleCall> work = new ArrayList<>();
        for (int copy = 0; copy < copies; copy++) {
            for (SampleCall sample : samples) {
                work.add(sample);
                audioSeconds += sample.seconds();
                expected += expectedRows.get(sample.name());
            }
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
