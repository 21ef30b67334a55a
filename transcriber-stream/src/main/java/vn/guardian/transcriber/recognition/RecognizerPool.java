package vn.guardian.transcriber.recognition;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.vosk.Model;
import org.vosk.Recognizer;

/**
 * The native recognizers of one replica, shared by all workers: caps how many calls hold one
 * ({@code max-recognizers}) and keeps finished ones warm for the next calls.
 *
 * <p>Why warm: a Vosk recognizer composes its decoding graph lazily and keeps what it expanded, so one that has
 * decoded speech before decodes new speech 2.5-4x faster than a new one (docs/benchmarks.md). A recognizer
 * idle for {@code recognizer-idle-timeout} is freed, so memory follows the load back down.
 *
 * <p>Why retire: that expanded graph keeps growing with new speech. A recognizer that has decoded
 * {@code recognizer-retire-after} of audio is replaced by a new one at the next utterance boundary of its call
 * ({@link ChannelRecognizer}), and freed instead of kept when its call ends, which bounds a live channel's memory.
 * Each freed recognizer's memory is handed back to the system ({@link FreedMemory}) unless that is turned off.
 *
 * <p>Why an upkeep thread: making a recognizer takes ~60 ms, freeing a grown one ~200 ms and a trim 100-450 ms; on a
 * decode thread that held up every channel queued behind it, so utterance verdicts came late (docs/benchmarks.md).
 */
public final class RecognizerPool implements AutoCloseable {

    /**
     * The default of {@code guardian.transcriber.recognizer-retire-after}: under jemalloc (the image's allocator) a
     * live channel averages ~92 MB instead of ~223 MB without retirement (the curve: docs/benchmarks.md, "Session 10").
     */
    public static final Duration RETIRE_AFTER = Duration.ofSeconds(90);

    private final int max;
    private final Duration retireAfter;
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicLong retired = new AtomicLong();
    private final FreedMemory freedMemory;
    /** Makes successors and frees recognizers; the pool's own thread unless a caller gave one. */
    private final Executor upkeep;
    private final ExecutorService ownUpkeep;
    /** Recognizers queued for freeing: memory is trimmed once, after the last of a burst. */
    private final AtomicInteger freeing = new AtomicInteger();
    /** Finished recognizers per model, most recently used first. */
    private final Map<Model, Deque<Warm>> warm = new HashMap<>();
    private boolean closed;

    private record Warm(Recognizer recognizer, long samplesFed, long idleSinceNanos) {
    }

    public RecognizerPool(int max) {
        this(max, RETIRE_AFTER);
    }

    public RecognizerPool(int max, Duration retireAfter) {
        this(max, retireAfter, false);
    }

    /**
     * @param retireAfter        audio a native recognizer decodes before it is replaced (live) or freed (after its call)
     * @param returnFreedMemory  whether each freed recognizer's memory is handed back to the system (malloc_trim)
     */
    public RecognizerPool(int max, Duration retireAfter, boolean returnFreedMemory) {
        this(max, retireAfter, returnFreedMemory, null);
    }

    /**
     * @param upkeep where successors are made and recognizers freed; {@code Runnable::run} does it on the caller's
     *               thread (to count its whole cost there), null on the pool's own thread
     */
    public RecognizerPool(int max, Duration retireAfter, boolean returnFreedMemory, Executor upkeep) {
        if (retireAfter.isNegative() || retireAfter.isZero()) {
            throw new IllegalArgumentException("guardian.transcriber.recognizer-retire-after=" + retireAfter
                    + "; set a positive duration of audio such as 30m");
        }
        this.max = max;
        this.retireAfter = retireAfter;
        this.freedMemory = returnFreedMemory ? FreedMemory.returnedToSystem() : FreedMemory.kept();
        Allocator.purgeInBackground();
        this.ownUpkeep = upkeep != null ? null : Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "transcriber-recognizer-upkeep");
            thread.setDaemon(true);
            return thread;
        });
        this.upkeep = upkeep != null ? upkeep : ownUpkeep;
    }

    /** Reserves {@code n} recognizers for a call; false when that would exceed the cap. */
    public boolean tryAcquire(int n) {
        while (true) {
            int current = active.get();
            if (current + n > max) {
                return false;
            }
            if (active.compareAndSet(current, current + n)) {
                return true;
            }
        }
    }

    /** Gives back a reservation; the recognizers themselves come back through {@link ChannelRecognizer#close()}. */
    public void release(int n) {
        active.addAndGet(-n);
    }

    /** A recognizer for one call channel under a reservation: a warm one of this model if any, else a new one. */
    public ChannelRecognizer open(Model model, int sampleRate, ChannelRecognizer.Identity identity)
            throws IOException {
        Warm reused = takeWarm(model);
        if (reused != null) {
            return new ChannelRecognizer(this, model, reused.recognizer(), reused.samplesFed(), sampleRate, identity);
        }
        return new ChannelRecognizer(this, model, newRecognizer(model, sampleRate), 0, sampleRate, identity);
    }

    private static Recognizer newRecognizer(Model model, int sampleRate) throws IOException {
        Recognizer recognizer = new Recognizer(model, sampleRate);
        recognizer.setWords(true);
        return recognizer;
    }

    /** Whether a recognizer that has decoded {@code samplesFed} samples is due to be replaced. */
    boolean dueForRetirement(long samplesFed, int sampleRate) {
        return samplesFed > retireAfter.toMillis() * sampleRate / 1000;
    }

    /** A new recognizer for a channel whose own is due, made on the upkeep thread while the channel decodes on. */
    CompletableFuture<Recognizer> successor(Model model, int sampleRate) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return newRecognizer(model, sampleRate);
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        }, upkeep);
    }

    /** Frees a live channel's recognizer that its successor replaced at an utterance boundary. */
    void retire(Recognizer retiring) {
        retired.incrementAndGet();
        free(retiring);
    }

    /** Frees a native recognizer on the upkeep thread, then trims once no other is queued. */
    void free(Recognizer recognizer) {
        freeing.incrementAndGet();
        try {
            upkeep.execute(() -> {
                try {
                    recognizer.close();
                } finally {
                    if (freeing.decrementAndGet() == 0) {
                        freedMemory.trim();
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            freeing.decrementAndGet();
            recognizer.close(); // the pool is closing: no thread left to hand it to
        }
    }

    private synchronized Warm takeWarm(Model model) {
        Deque<Warm> ofModel = warm.get(model);
        if (ofModel != null && !ofModel.isEmpty()) {
            return ofModel.pollFirst();
        }
        int warmNow = warm();
        if (warmNow > 0 && warmNow + active.get() > max) {
            evictOldest(); // warm ones of another language must not push the replica over its cap
        }
        return null;
    }

    /** Keeps a finalized recognizer for the next call of the same model, unless it is due for retirement. */
    synchronized void giveBack(Model model, Recognizer recognizer, long samplesFed, int sampleRate) {
        if (closed) {
            recognizer.close();
            return;
        }
        if (dueForRetirement(samplesFed, sampleRate)) {
            retire(recognizer);
            return;
        }
        warm.computeIfAbsent(model, m -> new ArrayDeque<>()).addFirst(new Warm(recognizer, samplesFed,
                System.nanoTime()));
    }

    /** Frees the warm recognizers unused for {@code idleTimeout}; returns how many. */
    public synchronized int expireIdle(long nowNanos, Duration idleTimeout) {
        int freed = 0;
        for (Deque<Warm> ofModel : warm.values()) {
            for (Iterator<Warm> it = ofModel.descendingIterator(); it.hasNext(); ) {
                Warm candidate = it.next();
                if (nowNanos - candidate.idleSinceNanos() < idleTimeout.toNanos()) {
                    break; // the rest were used more recently
                }
                it.remove();
                free(candidate.recognizer());
                freed++;
            }
        }
        return freed;
    }

    private void evictOldest() {
        Deque<Warm> oldest = null;
        for (Deque<Warm> ofModel : warm.values()) {
            if (!ofModel.isEmpty() && (oldest == null
                    || ofModel.peekLast().idleSinceNanos() < oldest.peekLast().idleSinceNanos())) {
                oldest = ofModel;
            }
        }
        free(oldest.pollLast().recognizer());
    }

    /** The cap, guardian.transcriber.max-recognizers. */
    public int max() {
        return max;
    }

    /** Recognizers freed for the audio they had decoded ({@code recognizer-retire-after}), in calls or after them. */
    public long retired() {
        return retired.get();
    }

    /** Times freed recognizer memory was handed back to the system ({@code malloc_trim}). */
    public long memoryTrims() {
        return freedMemory.trims();
    }

    /** Time spent handing freed memory back, in nanoseconds. */
    public long memoryTrimNanos() {
        return freedMemory.trimNanos();
    }

    /** {@code guardian.transcriber.recognizer-retire-after}. */
    public Duration retireAfter() {
        return retireAfter;
    }

    /** Recognizers reserved by open calls. */
    public int active() {
        return active.get();
    }

    /** Finished recognizers kept for the next calls. */
    public synchronized int warm() {
        return warm.values().stream().mapToInt(Deque::size).sum();
    }

    /** Frees the warm recognizers and waits for the upkeep; recognizers of open calls are freed by their owners. */
    @Override
    public void close() {
        synchronized (this) {
            warm.values().forEach(ofModel -> ofModel.forEach(w -> w.recognizer().close()));
            warm.clear();
            closed = true;
        }
        if (ownUpkeep != null) {
            ownUpkeep.shutdown();
            try {
                ownUpkeep.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
