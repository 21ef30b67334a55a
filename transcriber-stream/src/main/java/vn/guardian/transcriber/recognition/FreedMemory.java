package vn.guardian.transcriber.recognition;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the memory of freed recognizers back to the system with glibc's {@code malloc_trim}.
 *
 * <p>Why: glibc's malloc keeps freed blocks for reuse, so the 100-250 MB graph of a retired recognizer stayed
 * resident and a replica's RSS followed its peak, not its live channels (docs/benchmarks.md, "Issue 17"). The cost:
 * a trim holds each malloc arena's lock for 100-450 ms, and a decode thread that allocates meanwhile waits, which
 * pushed live p99 past a second; so it is off unless asked for. Under jemalloc (the transcriber image preloads it)
 * freed pages go back on jemalloc's own background threads without that stall, and this does nothing.
 */
final class FreedMemory {

    private static final Logger log = LoggerFactory.getLogger(FreedMemory.class);

    private interface LibC extends Library {
        int malloc_trim(long pad);
    }

    private final LibC libc;
    private final AtomicLong trims = new AtomicLong();
    private final AtomicLong trimNanos = new AtomicLong();

    private FreedMemory(LibC libc) {
        this.libc = libc;
    }

    /** Trims where glibc is the allocator; under jemalloc leaves it to jemalloc; elsewhere (musl) keeps, and says so. */
    static FreedMemory returnedToSystem() {
        if (Allocator.current() == Allocator.JEMALLOC) {
            return kept(); // jemalloc's decay hands freed pages back by itself
        }
        if (Allocator.current() == Allocator.OTHER) {
            log.warn("malloc_trim is not available (the allocator is neither glibc nor jemalloc); freed recognizer "
                    + "memory stays with the allocator. Set guardian.transcriber.return-freed-memory=false to silence "
                    + "this");
            return kept();
        }
        return new FreedMemory(Native.load("c", LibC.class));
    }

    /** Leaves freed memory to the allocator ({@code guardian.transcriber.return-freed-memory=false}). */
    static FreedMemory kept() {
        return new FreedMemory(null);
    }

    /** Hands the allocator's free pages back to the system; it holds each malloc arena's lock while it does. */
    void trim() {
        if (libc == null) {
            return;
        }
        long started = System.nanoTime();
        libc.malloc_trim(0);
        trimNanos.addAndGet(System.nanoTime() - started);
        trims.incrementAndGet();
    }

    /** Trims done since start. */
    long trims() {
        return trims.get();
    }

    /** Time spent trimming since start, in nanoseconds: the CPU this lever costs, off the decode threads. */
    long trimNanos() {
        return trimNanos.get();
    }
}
