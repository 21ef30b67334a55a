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
     * Posts every sample once and waits until the pipeline has finished each call ({@link VerdictRows#finished}),
     * then {@code quietMs} more; says so when its rows differ from what Vosk alone produced ({@code expectedRows}).
     *
     * @throws IllegalStateException when a call is not finished in time
     */
    public void warmUp(List<SampleCall> samples, Map<String, Integer> expectedRows, long quietMs, long timeoutMs)
            throws Exception {
        Map<String, String> callBySample = new LinkedHashMap<>();
        for (SampleCall sample : samples) {
            callBySample.put(sample.name(), ingest.postRecording(sample).get());
        }
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (rows.finished(callBySample.values()).size() < callBySample.size()
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        Thread.sleep(quietMs);
        Map<String, Long> finished = rows.finished(callBySample.values());
        List<VerdictRows.Row> seen = rows.ofCalls(callBySample.values());
        Map<String, Integer> stored = new LinkedHashMap<>();
        Map<String, Integer> yielded = new LinkedHashMap<>();
        for (Map.Entry<String, String> call : callBySample.entrySet()) {
            stored.put(call.getKey(), (int) seen.stream().filter(row -> row.callId().equals(call.getValue())).count());
            yielded.put(call.getKey(), expectedRows.get(call.getKey()));
        }
        if (finished.size() < callBySample.size()) {
            throw new IllegalStateException("The warm-up calls " + callBySample + " did not all finish in " + timeoutMs
                    + " ms (rows stored " + stored + "); is the pipeline healthy? Its log above says why");
        }
        if (!stored.equals(yielded)) {
            System.err.println("[benchmark] Warm-up: rows stored " + stored + ", Vosk alone yielded " + yielded
                    + " (identical recognizers can differ by an utterance on varied speech); runs end when the "
                    + "pipeline has finished each call, by its own count");
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
        boolean finished = false;
        while (!finished && System.currentTimeMillis() < deadline) {
            finished = rows.finished(callIds).size() == callIds.size();
            if (!finished) {
                Thread.sleep(POLL_MS);
            }
        }
        List<VerdictRows.Row> seen = rows.ofCalls(callIds);
        double wallSeconds = (System.nanoTime() - start) / 1e9;
        long lastStored = seen.stream().mapToLong(VerdictRows.Row::storedAtMs).max().orElse(startMs);
        return new Result(work.size(), audioSeconds, expected, seen.size(), acceptedSeconds, wallSeconds,
                audioSeconds / wallSeconds, (lastStored - startMs) / 1000.0, finished);
    }

    /**
     * One throughput run.
     *
     * @param wallSeconds       first request to the poll that saw every call finished (conservative by up to 50 ms)
     * @param complete          every call finished by the pipeline's own count; {@code rows} may still differ from
     *                          {@code expectedRows}, Vosk alone's count, by an utterance or so on varied speech
     * @param storedSeconds     first request to the largest {@code stored_at}: the database's own clock, for checking
     */
    public record Result(int calls, double audioSeconds, int expectedRows, int rows, double acceptedSeconds,
                         double wallSeconds, double audioSecondsPerSecond, double storedSeconds, boolean complete) {
    }
}
