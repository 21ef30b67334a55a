package vn.guardian.benchmark.live;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import vn.guardian.benchmark.audio.SampleCall;
import vn.guardian.benchmark.pipeline.VerdictRows;
import vn.guardian.benchmark.stats.Stats;

/**
 * N concurrent calls at real-time pace through a {@link CallFeed}: each caller starts a call, PUTs the WAV's audio in
 * 250 ms chunks on the wall clock (chunk k is due at start + k x 250 ms, and never sent before the previous one is
 * acknowledged), ends it, and starts the next sample until the run's time is up. A poller reads new verdict rows
 * every 100 ms and notes when each was first seen, to check the rows' own timestamps against the wall clock.
 */
public final class LiveLoad {

    private static final long POLL_MS = 100;
    /** How long to let a backlog drain after a run, so the next run starts from an idle pipeline. */
    private static final long DRAIN_TIMEOUT_MS = 300_000;

    private final CallFeed feed;
    private final VerdictRows rows;
    private final ScheduledExecutorService clock;
    private final Map<String, Integer> expectedRows;
    private final FeedClock verdictFeed;

    /** @param verdictFeed an SSE client on the verdict feed, whose arrival times are set against the rows */
    public LiveLoad(CallFeed feed, VerdictRows rows, ScheduledExecutorService clock,
                    Map<String, Integer> expectedRows, FeedClock verdictFeed) {
        this.feed = feed;
        this.rows = rows;
        this.clock = clock;
        this.expectedRows = expectedRows;
        this.verdictFeed = verdictFeed;
    }

    /** One run of {@code calls} concurrent callers for {@code seconds} of wall time (calls in progress finish). */
    public LiveRun run(List<SampleCall> samples, int calls, double seconds) throws Exception {
        long levelStartMs = System.currentTimeMillis();
        long deadlineNanos = System.nanoTime() + (long) (seconds * 1e9);
        Map<String, String> sampleByCall = new ConcurrentHashMap<>();
        List<Double> putMs = Collections.synchronizedList(new ArrayList<>());
        AtomicLong maxLateMs = new AtomicLong();
        List<CompletableFuture<Void>> callers = new ArrayList<>();
        for (int slot = 0; slot < calls; slot++) {
            // spread the callers' starts over the first 2 s so utterance ends do not all fall on the same instant
            long staggerMs = slot * 2000L / calls;
            int first = slot;
            callers.add(CompletableFuture.supplyAsync(() -> null, delayed(staggerMs))
                    .thenCompose(ignored -> caller(samples, first, deadlineNanos, sampleByCall, putMs, maxLateMs)));
        }
        Map<String, long[]> firstSeen = new LinkedHashMap<>();
        CompletableFuture<Void> all = CompletableFuture.allOf(callers.toArray(CompletableFuture[]::new));
        while (!all.isDone()) {
            poll(levelStartMs, firstSeen);
            Thread.sleep(POLL_MS);
        }
        all.get();
        long lastEndMs = System.currentTimeMillis();
        long drainDeadline = lastEndMs + DRAIN_TIMEOUT_MS;
        Map<String, Long> finished = rows.finished(sampleByCall.keySet());
        while (finished.size() < sampleByCall.size() && System.currentTimeMillis() < drainDeadline) {
            poll(levelStartMs, firstSeen);
            Thread.sleep(POLL_MS);
            finished = rows.finished(sampleByCall.keySet());
        }
        poll(levelStartMs, firstSeen);
        // the pipeline's own count once it finished every call (Vosk alone's can differ by an utterance), else Vosk's
        int expected = finished.size() == sampleByCall.size()
                ? (int) finished.values().stream().mapToLong(Long::longValue).sum()
                : sampleByCall.values().stream().mapToInt(expectedRows::get).sum();
        // when the last verdict row of these calls was stored (the rows' own clock, not the poll period)
        long drainMs = rowsOf(firstSeen, sampleByCall.keySet()).stream().mapToLong(times -> times[1]).max().orElse(0)
                - lastEndMs;
        return summarize(calls, seconds, sampleByCall, firstSeen, expected, drainMs, putMs, maxLateMs.get());
    }

    private CompletableFuture<Void> caller(List<SampleCall> samples, int next, long deadlineNanos,
                                           Map<String, String> sampleByCall, List<Double> putMs, AtomicLong maxLateMs) {
        if (System.nanoTime() >= deadlineNanos) {
            return CompletableFuture.completedFuture(null);
        }
        SampleCall sample = samples.get(next % samples.size());
        return feed.start(sample).thenCompose(callId -> {
            sampleByCall.put(callId, sample.name());
            return chunk(sample, callId, 0, System.nanoTime(), putMs, maxLateMs);
        }).thenCompose(callId -> feed.end(callId).thenApply(ignored -> callId))
                .thenCompose(ended -> caller(samples, next + 1, deadlineNanos, sampleByCall, putMs, maxLateMs));
    }

    private CompletableFuture<String> chunk(SampleCall sample, String callId, int seq, long callStartNanos,
                                            List<Double> putMs, AtomicLong maxLateMs) {
        if (seq >= sample.chunkCount()) {
            return CompletableFuture.completedFuture(callId);
        }
        long dueNanos = callStartNanos + seq * SampleCall.CHUNK_MS * 1_000_000L;
        long waitMs = Math.max(0, (dueNanos - System.nanoTime()) / 1_000_000);
        return CompletableFuture.supplyAsync(() -> null, delayed(waitMs)).thenCompose(ignored -> {
            long sent = System.nanoTime();
            maxLateMs.accumulateAndGet((sent - dueNanos) / 1_000_000, Math::max);
            return feed.chunk(callId, sample, seq).thenApply(ack -> {
                putMs.add((System.nanoTime() - sent) / 1e6);
                return callId;
            });
        }).thenCompose(id -> chunk(sample, callId, seq + 1, callStartNanos, putMs, maxLateMs));
    }

    private Executor delayed(long millis) {
        return CompletableFuture.delayedExecutor(millis, TimeUnit.MILLISECONDS, clock);
    }

    /** Notes, for every row not seen before, the wall clock of the poll that first saw it. */
    private void poll(long sinceMs, Map<String, long[]> firstSeen) throws Exception {
        long now = System.currentTimeMillis();
        for (VerdictRows.Row row : rows.ingestedSince(sinceMs)) {
            firstSeen.computeIfAbsent(row.segmentId() + "|" + row.callId(),
                    id -> new long[] {row.ingestedAtMs(), row.storedAtMs(), now, row.decidedAtMs(), -1});
        }
        // the feed's arrival time, once it is there (it may come before or after the row)
        firstSeen.forEach((key, times) -> {
            if (times[4] < 0) {
                Long arrived = verdictFeed.arrivedAt(key.substring(0, key.indexOf('|')));
                times[4] = arrived == null ? -1 : arrived;
            }
        });
    }

    /** The rows of these calls: {ingested, stored, first seen, decided, on the feed or -1} in ms, in ingest order. */
    private static List<long[]> rowsOf(Map<String, long[]> firstSeen, Set<String> callIds) {
        List<long[]> rows = new ArrayList<>();
        firstSeen.forEach((key, times) -> {
            if (callIds.contains(key.substring(key.indexOf('|') + 1))) {
                rows.add(times);
            }
        });
        rows.sort(Comparator.comparingLong(times -> times[0]));
        return rows;
    }

    private static LiveRun summarize(int calls, double seconds, Map<String, String> sampleByCall,
                                     Map<String, long[]> firstSeen, int expected, long drainMs, List<Double> putMs,
                                     long maxLateMs) {
        List<long[]> mine = rowsOf(firstSeen, sampleByCall.keySet());
        double[] stored = mine.stream().mapToDouble(t -> t[1] - t[0]).toArray();
        double[] wall = mine.stream().mapToDouble(t -> t[2] - t[0]).toArray();
        double[] seenAfterStored = mine.stream().mapToDouble(t -> t[2] - t[1]).toArray();
        double[] decided = mine.stream().mapToDouble(t -> t[3] - t[0]).toArray();
        double[] sunk = mine.stream().mapToDouble(t -> t[1] - t[3]).toArray();
        double[] fed = mine.stream().filter(t -> t[4] >= 0).mapToDouble(t -> t[4] - t[3]).toArray();
        double[] fedVsRow = mine.stream().filter(t -> t[4] >= 0).mapToDouble(t -> t[4] - t[1]).toArray();
        long onFeed = mine.stream().filter(t -> t[4] >= 0).count();
        double[] puts;
        synchronized (putMs) {
            puts = putMs.stream().mapToDouble(Double::doubleValue).toArray();
        }
        return LiveRun.of(calls, seconds, sampleByCall.size(), expected, mine.size(), drainMs,
                Stats.latency(stored), Stats.latency(wall), Stats.latency(seenAfterStored), Stats.latency(decided),
                Stats.latency(sunk), Stats.latency(puts), (int) onFeed, Stats.latency(fed), Stats.latency(fedVsRow),
                Stats.growth(stored), maxLateMs);
    }
}
