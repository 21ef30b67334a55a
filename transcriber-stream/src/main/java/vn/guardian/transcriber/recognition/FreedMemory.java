package vn.guardian.transcriber.recognition;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the memory of freed recognizers back to the system with glibc's {@code malloc_trim}.
 *
 * <p>Why: malloc keeps freed blocks for reuse, so the 100-250 MB graph of a retired recognizer stayed resident and a
 * replica's RSS followed its peak, not its live channels (docs/benchmarks.md, "Issue 17"). Trimming runs on one
 * background thread, off the decode path, and requests that arrive while one is pending fold into it.
 */
public final class FreedMemory implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FreedMemory.class);

    private interface LibC extends Library {
        int malloc_trim(long pad);
    }

    private final LibC libc;
    private final AtomicBoolean pending = new AtomicBoolean();
    private final AtomicLong trims = new AtomicLong();
    private final AtomicLong trimNanos = new AtomicLong();
    private ExecutorService trimmer;

    private FreedMemory(LibC libc) {
        this.libc = libc;
    }

    /** Trims after each freed recognizer where glibc is the allocator; elsewhere (e.g. musl) keeps, and says so once. */
    public static FreedMemory returnedToSystem() {
        try {
            NativeLibrary.getInstance("c").getFunction("malloc_trim"); // glibc has it, musl does not
            return new FreedMemory(Native.load("c", LibC.class));
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            log.warn("malloc_trim is not available ({}); freed recognizer memory stays with the allocator. Set "
                    + "guardian.transcriber.return-freed-memory=false to silence this", e.toString());
            return kept();
        }
    }

    /** Leaves freed memory to the allocator ({@code guardian.transcriber.return-freed-memory=false}). */
    public static FreedMemory kept() {
        return new FreedMemory(null);
    }

    /** Asks for a trim after a recognizer was freed; returns at once. */
    synchronized void recognizerFreed() {
        if (libc == null || !pending.compareAndSet(false, true)) {
            return;
        }
        if (trimmer == null) {
            trimmer = Executors.newSingleThreadExecutor(r -> {
                Thread thread = new Thread(r, "transcriber-malloc-trim");
                thread.setDaemon(true);
                return thread;
            });
        }
        trimmer.execute(() -> {
            pending.set(false);
            long started = System.nanoTime();
            libc.malloc_trim(0);
            trimNanos.addAndGet(System.nanoTime() - started);
            trims.incrementAndGet();
        });
    }

    /** Whether trims happen at all (glibc found and not turned off). */
    public boolean enabled() {
        return libc != null;
    }

    /** Trims done since start. */
    public long trims() {
        return trims.get();
    }

    /** Time spent trimming since start, in nanoseconds: the CPU this lever costs, off the decode threads. */
    public long trimNanos() {
        return trimNanos.get();
    }

    @Override
    public synchronized void close() {
        if (trimmer != null) {
            trimmer.shutdown();
        }
    }
}
