package vn.guardian.benchmark.memory;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Structure;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What this process holds, by owner: resident pages ({@code VmRSS}), bytes glibc's malloc has handed out and not
 * got back ({@code mallinfo2}: Vosk and Kaldi allocate there, the JVM's heap does not), and the Java heap. RSS above
 * malloc's in-use bytes is memory freed but kept by malloc for reuse; {@link #trim()} asks it to give that back.
 * Linux with glibc 2.33 or later.
 */
public final class NativeMemory {

    /** glibc's {@code struct mallinfo2}: every field a {@code size_t}. */
    @Structure.FieldOrder({"arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
            "fordblks", "keepcost"})
    public static class MallInfo2 extends Structure implements Structure.ByValue {
        public long arena;
        public long ordblks;
        public long smblks;
        public long hblks;
        public long hblkhd;
        public long usmblks;
        public long fsmblks;
        public long uordblks;
        public long fordblks;
        public long keepcost;
    }

    private interface LibC extends Library {
        MallInfo2 mallinfo2();

        int malloc_trim(long pad);
    }

    private static final LibC LIBC = Native.load("c", LibC.class);

    private NativeMemory() {
    }

    /** One reading, in bytes. */
    public record Reading(long rss, long mallocInUse, long mallocHeld, long javaHeapUsed) {
    }

    /** Reads all figures after a GC, so the Java heap's share is what is live. */
    public static Reading read() throws IOException {
        System.gc();
        MallInfo2 info = LIBC.mallinfo2();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        // in use: small and large blocks handed out (uordblks) plus blocks mmapped on their own (hblkhd)
        return new Reading(rssBytes(), info.uordblks + info.hblkhd, info.arena + info.hblkhd, heap);
    }

    /** Returns malloc's free memory to the system; the RSS that remains is in use (or the JVM's). */
    public static void trim() {
        LIBC.malloc_trim(0);
    }

    static long rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS in /proc/self/status (Linux only)");
    }
}
