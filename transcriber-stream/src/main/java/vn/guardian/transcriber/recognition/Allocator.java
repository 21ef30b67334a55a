package vn.guardian.transcriber.recognition;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The native allocator Vosk's recognizers get their memory from. jemalloc (preloaded by the transcriber image) holds
 * a live channel at ~92 MB on average with 90s retirement, where glibc's malloc keeps ~167 MB with 2m, and decoded
 * faster in single runs, by how much is not settled (docs/benchmarks.md, "Issue 17, session 10").
 */
public enum Allocator {
    JEMALLOC, GLIBC, OTHER;

    private static final Logger log = LoggerFactory.getLogger(Allocator.class);
    private static final Allocator CURRENT = detect();

    /** The allocator of this process. */
    public static Allocator current() {
        return CURRENT;
    }

    /**
     * Under jemalloc, turns its background threads on, unless {@code MALLOC_CONF} names {@code background_thread}:
     * freed recognizer pages then go back to the system on those threads, not on the decode thread that next
     * allocates. Switched on here rather than in {@code MALLOC_CONF} because a child process inheriting
     * {@code background_thread:true} starts multi-threaded, and {@code unshare} (embedded PostgreSQL's initdb as
     * root) then fails.
     *
     * @return whether jemalloc's background threads run (false on any other allocator)
     */
    public static boolean purgeInBackground() {
        return BackgroundPurge.ON;
    }

    /** Switched once per process, when first asked: the JVM's class initialization makes that thread-safe. */
    private static final class BackgroundPurge {
        static final boolean ON = CURRENT == JEMALLOC && switchOnBackgroundThreads();
    }

    /** What jemalloc's {@code background_thread} reads now; false on any other allocator. */
    public static boolean backgroundThreadsRunning() {
        if (CURRENT != JEMALLOC) {
            return false;
        }
        Memory value = new Memory(1);
        Memory length = new Memory(Long.BYTES);
        length.setLong(0, 1);
        int error = mallctl().invokeInt(new Object[] {"background_thread", value, length, Pointer.NULL, 0L});
        return error == 0 && value.getByte(0) != 0;
    }

    private static boolean switchOnBackgroundThreads() {
        String conf = System.getenv("MALLOC_CONF");
        if (conf != null && conf.contains("background_thread")) {
            boolean running = backgroundThreadsRunning();
            log.info("jemalloc: background threads {} as MALLOC_CONF={} sets them", running ? "on" : "off", conf);
            return running;
        }
        Memory on = new Memory(1);
        on.setByte(0, (byte) 1);
        int error = mallctl().invokeInt(new Object[] {"background_thread", Pointer.NULL, Pointer.NULL, on, 1L});
        if (error != 0) {
            log.warn("jemalloc: could not start its background threads (mallctl error {}); freed recognizer memory "
                    + "goes back to the system on the decode threads instead", error);
            return false;
        }
        log.info("jemalloc: background threads on; freed recognizer memory goes back to the system off the decode "
                + "threads");
        return true;
    }

    private static Function mallctl() {
        return NativeLibrary.getProcess().getFunction("mallctl");
    }

    private static Allocator detect() {
        if (exports("mallctl")) {
            return JEMALLOC; // jemalloc's control interface: present when LD_PRELOAD put it in front of libc
        }
        return exports("malloc_trim") ? GLIBC : OTHER;
    }

    private static boolean exports(String symbol) {
        try {
            NativeLibrary.getProcess().getFunction(symbol);
            return true;
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return false;
        }
    }
}
