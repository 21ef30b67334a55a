package vn.guardian.transcriber.recognition;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
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
 */
public final class RecognizerPool implements AutoCloseable {

    /**
     * The default of {@code guardian.transcriber.recognizer-retire-after}: with the freed memory handed back, a live
     * channel averages ~116 MB instead of ~224 at 10m, for ~7 % more decoding CPU (the curve: docs/benchmarks.md).
     */
    public static final Duration RETIRE_AFTER = Duration.ofMinutes(2);

    private final int max;
    private final Duration retireAfter;
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicLong retired = new AtomicLong();
    private final FreedMemory freedMemory;
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
        if (retireAfter.isNegative() || retireAfter.isZero()) {
            throw new IllegalArgumentException("guardian.transcriber.recognizer-retire-after=" + retireAfter
                    + "; set a positive duration of audio such as 30m");
        }
        this.max = max;
        this.retireAfter = retireAfter;
        this.freedMemory = returnFreedMemory ? FreedMemory.returnedToSystem() : FreedMemory.kept();
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

    /** Frees a live channel's recognizer at an utterance boundary and makes its successor (under the same cap slot). */
    Recognizer replace(Model model, Recognizer retiring, int sampleRate) throws IOException {
        Recognizer successor = newRecognizer(model, sampleRate); // first: if this fails, the caller still owns its own
        retiring.close();
        retired.incrementAndGet();
        freedMemory.recognizerFreed();
        return successor;
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
        if (closed || dueForRetirement(samplesFed, sampleRate)) {
            recognizer.close();
            if (!closed) {
                retired.incrementAndGet();
                freedMemory.recognizerFreed();
            }
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
                candidate.recognizer().close();
                freed++;
            }
        }
        if (freed > 0) {
            freedMemory.recognizerFreed();
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
        oldest.pollLast().recognizer().close();
        freedMemory.recognizerFreed();
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

    /** Frees the warm recognizers; recognizers of open calls are freed by their owners. */
    @Override
    public synchronized void close() {
        warm.values().forEach(ofModel -> ofModel.forEach(w -> w.recognizer().close()));
        warm.clear();
        closed = true;
        freedMemory.close();
    }
}
