package vn.guardian.transcriber.recognition;

import com.sun.jna.NativeLibrary;

/**
 * The native allocator Vosk's recognizers get their memory from. jemalloc (preloaded by the transcriber image) holds
 * a live channel at ~92 MB on average with 90s retirement, where glibc's malloc keeps ~167 MB with 2m, and decoded
 * faster in single runs, by how much is not settled (docs/benchmarks.md, "Issue 17, session 10").
 */
public enum Allocator {
    JEMALLOC, GLIBC, OTHER;

    private static final Allocator CURRENT = detect();

    /** The allocator of this process. */
    public static Allocator current() {
        return CURRENT;
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
