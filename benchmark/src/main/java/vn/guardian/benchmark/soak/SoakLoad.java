package vn.guardian.benchmark.soak;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import vn.guardian.benchmark.audio.SampleCall;
import vn.guardian.benchmark.live.CallFeed;

/**
 * A steady live load with no end of its own: {@code calls} callers, each starting a call, sending its audio in 250 ms
 * chunks on the wall clock, ending it and starting the next sample, until {@link #stop()}. Unlike the benchmark's
 * live runs it never pauses to drain, so a soak's minutes follow each other under the same load.
 */
final class SoakLoad {

    private final CallFeed feed;
    private final ScheduledExecutorService clock;
    private final List<SampleCall> samples;
    /** Calls that ended (their audio all acknowledged): callId to sample name. */
    private final Map<String, String> endedCalls = new ConcurrentHashMap<>();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong chunks = new AtomicLong();
    private final AtomicLong maxLateMs = new AtomicLong();
    private volatile String lastFailure = "";
    private volatile boolean running = true;
    private final List<CompletableFuture<Void>> callers = new ArrayList<>();

    SoakLoad(CallFeed feed, ScheduledExecutorService clock, List<SampleCall> samples) {
        this.feed = feed;
        this.clock = clock;
        this.samples = samples;
    }

    /** Starts the callers, spread over the first 2 s so that utterance ends do not fall on the same instant. */
    void start(int calls) {
        for (int slot = 0; slot < calls; slot++) {
            int first = slot;
            callers.add(CompletableFuture.supplyAsync(() -> null, delayed(slot * 2000L / calls))
                    .thenCompose(ignored -> caller(first)));
        }
    }

    /** Stops starting calls and waits for the calls in progress to end. */
    void stop() throws Exception {
        running = false;
        CompletableFuture.allOf(callers.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
    }

    Map<String, String> endedCalls() {
        return Map.copyOf(endedCalls);
    }

    long failures() {
        return failures.get();
    }

    String lastFailure() {
        return lastFailure;
    }

    long chunks() {
        return chunks.get();
    }

    /** How late the latest chunk so far was sent against its real-time schedule, then resets it. */
    long takeMaxLateMs() {
        return maxLateMs.getAndSet(0);
    }

    private CompletableFuture<Void> caller(int next) {
        if (!running) {
            return CompletableFuture.completedFuture(null);
        }
        SampleCall sample = samples.get(next % samples.size());
        return feed.start(sample)
                .thenCompose(callId -> chunk(sample, callId, 0, System.nanoTime()))
                .thenCompose(callId -> feed.end(callId).thenApply(ignored -> callId))
                .handle((callId, error) -> {
                    if (error == null) {
                        endedCalls.put(callId, sample.name());
                    } else {
                        // a refused or lost call is counted and reported; the caller goes on with the next one
                        failures.incrementAndGet();
                        lastFailure = error.getMessage();
                    }
                    return null;
                })
                .thenCompose(ignored -> caller(next + 1));
    }

    private CompletableFuture<String> chunk(SampleCall sample, String callId, int seq, long callStartNanos) {
        if (seq >= sample.chunkCount()) {
            return CompletableFuture.completedFuture(callId);
        }
        long dueNanos = callStartNanos + seq * SampleCall.CHUNK_MS * 1_000_000L;
        long waitMs = Math.max(0, (dueNanos - System.nanoTime()) / 1_000_000);
        return CompletableFuture.supplyAsync(() -> null, delayed(waitMs))
                .thenCompose(ignored -> {
                    maxLateMs.accumulateAndGet((System.nanoTime() - dueNanos) / 1_000_000, Math::max);
                    return feed.chunk(callId, sample, seq);
                })
                .thenCompose(acked -> {
                    chunks.incrementAndGet();
                    return chunk(sample, callId, seq + 1, callStartNanos);
                });
    }

    private Executor delayed(long millis) {
        return CompletableFuture.delayedExecutor(millis, TimeUnit.MILLISECONDS, clock);
    }
}
