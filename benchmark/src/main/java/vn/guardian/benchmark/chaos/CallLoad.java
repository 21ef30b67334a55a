package vn.guardian.benchmark.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import vn.guardian.benchmark.audio.SampleCall;
import vn.guardian.benchmark.pipeline.IngestClient;

/**
 * A steady live load: {@code calls} callers, each streaming sample calls one after another at real-time pace
 * (chunk k due at start + k x 250 ms) until told to stop, through a client that fails over between ingest replicas.
 * Every call's outcome is kept: its sample, the chunks ingest acknowledged, and whether it ended or was abandoned.
 */
final class CallLoad {

    /** One call as the client saw it. */
    static final class Call {
        final String callId;
        final SampleCall sample;
        final long startedAtMs;
        final AtomicInteger chunksAcknowledged = new AtomicInteger();
        volatile boolean ended;
        volatile String abandoned;

        Call(String callId, SampleCall sample, long startedAtMs) {
            this.callId = callId;
            this.sample = sample;
            this.startedAtMs = startedAtMs;
        }
    }

    private final IngestClient ingest;
    private final List<SampleCall> samples;
    private final ScheduledExecutorService clock;
    private final Map<String, Call> calls = new ConcurrentHashMap<>();
    private final List<String> startFailures = new CopyOnWriteArrayList<>();
    private volatile boolean stopping;
    private final List<CompletableFuture<Void>> callers = new ArrayList<>();

    CallLoad(IngestClient ingest, List<SampleCall> samples, ScheduledExecutorService clock) {
        this.ingest = ingest;
        this.samples = samples;
        this.clock = clock;
    }

    /** Starts the callers, spread over the first 2 s, each at its own place in the sample list. */
    void start(int callers, int firstSample) {
        for (int slot = 0; slot < callers; slot++) {
            int next = firstSample + slot;
            this.callers.add(CompletableFuture.supplyAsync(() -> null, delayed(slot * 2000L / callers))
                    .thenCompose(ignored -> caller(next)));
        }
    }

    /** Stops starting calls and waits for the calls in progress to end. */
    void finish() {
        stopping = true;
        CompletableFuture.allOf(callers.toArray(CompletableFuture[]::new)).join();
    }

    /** A call in progress now (for the faults that aim at a live call's partition). */
    String liveCall() {
        return calls.values().stream().filter(call -> !call.ended && call.abandoned == null)
                .map(call -> call.callId).findAny()
                .orElseThrow(() -> new IllegalStateException("no call in progress: is ingest answering?"));
    }

    List<Call> calls() {
        return List.copyOf(calls.values());
    }

    /** Starts that could not be made at all (no callId, so nothing to check downstream). */
    List<String> startFailures() {
        return List.copyOf(startFailures);
    }

    private CompletableFuture<Void> caller(int next) {
        if (stopping) {
            return CompletableFuture.completedFuture(null);
        }
        SampleCall sample = samples.get(next % samples.size());
        long startedAt = System.currentTimeMillis();
        return ingest.start(sample).handle((callId, error) -> {
            if (error != null) {
                startFailures.add(error.getMessage());
                // ingest refused a start: wait a little, as a feed would, rather than spin
                return CompletableFuture.supplyAsync(() -> null, delayed(1000)).thenCompose(x -> caller(next + 1));
            }
            Call call = new Call(callId, sample, startedAt);
            calls.put(callId, call);
            return chunk(call, 0, System.nanoTime())
                    .thenCompose(ignored -> call.abandoned != null ? CompletableFuture.<Void>completedFuture(null)
                            : ingest.end(callId).handle((ok, endError) -> {
                                if (endError == null) {
                                    call.ended = true;
                                } else {
                                    call.abandoned = "end: " + endError.getMessage();
                                }
                                return null;
                            }))
                    .thenCompose(ignored -> caller(next + 1));
        }).thenCompose(next1 -> next1);
    }

    private CompletableFuture<Void> chunk(Call call, int seq, long callStartNanos) {
        if (seq >= call.sample.chunkCount()) {
            return CompletableFuture.completedFuture(null);
        }
        long dueNanos = callStartNanos + seq * SampleCall.CHUNK_MS * 1_000_000L;
        long waitMs = Math.max(0, (dueNanos - System.nanoTime()) / 1_000_000);
        return CompletableFuture.supplyAsync(() -> null, delayed(waitMs))
                .thenCompose(ignored -> ingest.chunk(call.callId, call.sample, seq))
                .handle((ok, error) -> {
                    if (error != null) {
                        // every replica refused this seq for IngestClient.FAILOVER_FOR_MS: a feed would give up too
                        call.abandoned = "chunk " + seq + ": " + error.getMessage();
                        return CompletableFuture.<Void>completedFuture(null);
                    }
                    call.chunksAcknowledged.incrementAndGet();
                    return chunk(call, seq + 1, callStartNanos);
                }).thenCompose(next -> next);
    }

    private Executor delayed(long millis) {
        return CompletableFuture.delayedExecutor(millis, TimeUnit.MILLISECONDS, clock);
    }
}
