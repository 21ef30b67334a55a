package vn.guardian.benchmark.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * CPU and RSS of named processes from {@code /proc}: each process with all its descendants (PostgreSQL's backends
 * count towards {@code postgres}). CPU is utime + stime of {@code /proc/<pid>/stat}, so cores used over a span is
 * the difference of two snapshots over the wall time; RSS is {@code VmRSS} of {@code /proc/<pid>/status}, sampled
 * every 500 ms for its peak.
 */
public final class ProcessTable implements AutoCloseable {

    /** USER_HZ: the unit of utime and stime, 100 on Linux. */
    private static final long TICKS_PER_SECOND = 100;

    private final Supplier<Map<String, Long>> pids;
    private final Map<String, Long> peakRss = new LinkedHashMap<>();
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "bench-process-sampler");
        thread.setDaemon(true);
        return thread;
    });

    /** @param pids the processes to watch by name, asked again at every sample (a restarted process has a new PID) */
    public ProcessTable(Supplier<Map<String, Long>> pids) {
        this.pids = pids;
        sampler.scheduleAtFixedRate(this::samplePeaks, 0, 500, TimeUnit.MILLISECONDS);
    }

    /** CPU seconds used so far by every watched process tree, at one instant. */
    public Snapshot snapshot() {
        Map<Long, List<Long>> children = children();
        Map<String, Double> cpuSeconds = new LinkedHashMap<>();
        pids.get().forEach((name, pid) -> cpuSeconds.put(name,
                tree(pid, children).stream().mapToLong(ProcessTable::cpuTicks).sum() / (double) TICKS_PER_SECOND));
        return new Snapshot(System.nanoTime(), cpuSeconds);
    }

    /** RSS in bytes of every watched process tree now. */
    public Map<String, Long> rssBytes() {
        Map<Long, List<Long>> children = children();
        Map<String, Long> rss = new LinkedHashMap<>();
        pids.get().forEach((name, pid) -> rss.put(name, tree(pid, children).stream().mapToLong(ProcessTable::rssBytes).sum()));
        return rss;
    }

    /** Largest RSS of every process tree since the last {@link #resetPeaks()}. */
    public synchronized Map<String, Long> peakRssBytes() {
        return new LinkedHashMap<>(peakRss);
    }

    public synchronized void resetPeaks() {
        peakRss.clear();
    }

    private void samplePeaks() {
        try {
            Map<String, Long> now = rssBytes();
            synchronized (this) {
                now.forEach((name, rss) -> peakRss.merge(name, rss, Math::max));
            }
        } catch (RuntimeException e) {
            // a process that exits between listing and reading is sampled next time
        }
    }

    /** CPU seconds by process at one instant. */
    public record Snapshot(long nanos, Map<String, Double> cpuSeconds) {

        /** Cores used by each process between {@code earlier} and now (1.0 = one core busy), and their total. */
        public Map<String, Double> coresSince(Snapshot earlier) {
            double wallSeconds = (nanos - earlier.nanos) / 1e9;
            Map<String, Double> cores = new LinkedHashMap<>();
            double total = 0;
            for (Map.Entry<String, Double> entry : cpuSeconds.entrySet()) {
                double used = (entry.getValue() - earlier.cpuSeconds.getOrDefault(entry.getKey(), 0.0)) / wallSeconds;
                cores.put(entry.getKey(), used);
                total += used;
            }
            cores.put("total", total);
            return cores;
        }
    }

    /** {@code root} and every process below it. */
    public static List<Long> tree(long root) {
        return tree(root, children());
    }

    private static List<Long> tree(long root, Map<Long, List<Long>> children) {
        List<Long> tree = new ArrayList<>();
        List<Long> next = new ArrayList<>(List.of(root));
        while (!next.isEmpty()) {
            long pid = next.remove(next.size() - 1);
            tree.add(pid);
            next.addAll(children.getOrDefault(pid, List.of()));
        }
        return tree;
    }

    /** Every process's children, from the parent field of /proc/pid/stat. */
    private static Map<Long, List<Long>> children() {
        Map<Long, List<Long>> children = new HashMap<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            procs.map(p -> p.getFileName().toString()).filter(n -> n.chars().allMatch(Character::isDigit))
                    .mapToLong(Long::parseLong).forEach(pid -> {
                        long parent = parentOf(pid);
                        if (parent > 0) {
                            children.computeIfAbsent(parent, p -> new ArrayList<>()).add(pid);
                        }
                    });
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc: " + e.getMessage() + "; this mode needs Linux", e);
        }
        return children;
    }

    /** Fields after the command name in /proc/pid/stat (the name may hold spaces and parentheses). */
    private static String[] statFields(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }

    /** The parent PID from /proc/pid/stat, or -1 when the process is gone. */
    public static long parentOf(long pid) {
        try {
            return Long.parseLong(statFields(pid)[1]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** utime + stime of one process in clock ticks (1/100 s), or 0 when it is gone. */
    public static long cpuTicks(long pid) {
        try {
            String[] fields = statFields(pid);
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime + stime
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** VmRSS of one process in bytes, or 0 when it is gone. */
    public static long rssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }
}
