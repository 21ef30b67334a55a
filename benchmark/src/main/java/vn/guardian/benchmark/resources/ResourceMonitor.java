package vn.guardian.benchmark.resources;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import vn.guardian.benchmark.cluster.ProcessTable;

/**
 * CPU and memory while the pipeline runs in this JVM. Every service is threads of one process, so CPU is split by
 * thread name (sampled every 500 ms, dead threads keep their last figure); GC, JIT and other VM threads are what
 * the process used beyond all Java threads. Memory can only be had per process: this JVM (RSS, heap) and
 * PostgreSQL's processes (found by postmaster.pid).
 */
public final class ResourceMonitor implements AutoCloseable {

    /** Service of a thread, by what its name starts with or contains. */
    public static String serviceOf(String thread) {
        String name = thread.toLowerCase();
        if (name.contains("transcriber")) {
            return "transcriber-stream";
        }
        if (name.contains("guardian-moderation") || name.contains("verdict-sink") || name.contains("streamthread")
                || name.startsWith("reactor-tcp") || name.contains("r2dbc")) {
            return "moderation-stream";
        }
        if (name.contains("guardian-ingest") || name.startsWith("reactor-http") || name.startsWith("boundedelastic")
                || name.startsWith("live-call") || name.startsWith("parallel-")) {
            return "ingest-service";
        }
        if (name.startsWith("bench-") || name.startsWith("raw-vosk") || name.startsWith("main")
                || name.startsWith("httpclient")) {
            return "benchmark driver";
        }
        return "kafka broker + other threads";
    }

    private static final long TICKS_PER_SECOND = 100;

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final Map<Long, long[]> cpuByThread = new ConcurrentHashMap<>();
    private final Map<Long, String> nameByThread = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "bench-resource-sampler");
        thread.setDaemon(true);
        return thread;
    });
    private volatile Path postgresDataDir;
    private volatile long peakRssBytes;
    private volatile long peakPostgresRssBytes;
    private volatile long peakHeapBytes;

    public ResourceMonitor() {
        sampler.scheduleAtFixedRate(this::sample, 0, 500, TimeUnit.MILLISECONDS);
    }

    public void watchPostgres(Path dataDir) {
        this.postgresDataDir = dataDir;
    }

    private synchronized void sample() {
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long cpu = threads.getThreadCpuTime(info.getThreadId());
            if (cpu >= 0) {
                cpuByThread.computeIfAbsent(info.getThreadId(), id -> new long[1])[0] = cpu;
                nameByThread.putIfAbsent(info.getThreadId(), info.getThreadName());
            }
        }
        peakRssBytes = Math.max(peakRssBytes, rssBytes("self"));
        long heap = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                heap += pool.getUsage().getUsed();
            }
        }
        peakHeapBytes = Math.max(peakHeapBytes, heap);
        Path dir = postgresDataDir;
        if (dir != null) {
            peakPostgresRssBytes = Math.max(peakPostgresRssBytes, postgresProcesses(dir).stream()
                    .mapToLong(pid -> rssBytes(Long.toString(pid))).sum());
        }
    }

    /** CPU used so far, per service and in total, with the wall clock: subtract two to get a phase's figures. */
    public synchronized Snapshot snapshot() {
        sample();
        Map<String, Long> byService = new LinkedHashMap<>();
        long javaThreads = 0;
        for (Map.Entry<Long, long[]> entry : cpuByThread.entrySet()) {
            byService.merge(serviceOf(nameByThread.get(entry.getKey())), entry.getValue()[0], Long::sum);
            javaThreads += entry.getValue()[0];
        }
        long process = os.getProcessCpuTime();
        byService.put("JVM (GC, JIT, VM threads)", Math.max(0, process - javaThreads));
        Path dir = postgresDataDir;
        long postgresTicks = dir == null ? 0 : postgresProcesses(dir).stream().mapToLong(ResourceMonitor::cpuTicks).sum();
        byService.put("postgresql (processes)", postgresTicks * 1_000_000_000L / TICKS_PER_SECOND);
        return new Snapshot(System.nanoTime(), byService);
    }

    /** Resets the peaks, so the next read is the peak of one phase. */
    public synchronized void resetPeaks() {
        peakRssBytes = rssBytes("self");
        peakPostgresRssBytes = 0;
        peakHeapBytes = 0;
    }

    public long peakRssBytes() {
        return peakRssBytes;
    }

    public long peakPostgresRssBytes() {
        return peakPostgresRssBytes;
    }

    public long peakHeapBytes() {
        return peakHeapBytes;
    }

    /** CPU time by service at one instant. */
    public record Snapshot(long nanos, Map<String, Long> cpuNanos) {

        /** Cores used by each service between {@code earlier} and this snapshot (1.0 = one core busy). */
        public Map<String, Double> coresSince(Snapshot earlier) {
            double wall = nanos - earlier.nanos;
            Map<String, Double> cores = new LinkedHashMap<>();
            double total = 0;
            for (Map.Entry<String, Long> entry : cpuNanos.entrySet()) {
                double used = (entry.getValue() - earlier.cpuNanos.getOrDefault(entry.getKey(), 0L)) / wall;
                cores.put(entry.getKey(), used);
                total += used;
            }
            cores.put("total", total);
            return cores;
        }
    }

    private static List<Long> postgresProcesses(Path dataDir) {
        try {
            Path pidFile = dataDir.resolve("postmaster.pid");
            if (!Files.exists(pidFile)) {
                return List.of();
            }
            long postmaster = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
            try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
                return procs.map(p -> p.getFileName().toString()).filter(n -> n.chars().allMatch(Character::isDigit))
                        .map(Long::parseLong)
                        .filter(pid -> pid == postmaster || parentOf(pid) == postmaster).toList();
            }
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    private static long parentOf(long pid) {
        return ProcessTable.parentOf(pid);
    }

    private static long cpuTicks(long pid) {
        return ProcessTable.cpuTicks(pid);
    }

    private static long rssBytes(String pid) {
        return ProcessTable.rssBytes(pid.equals("self") ? ProcessHandle.current().pid() : Long.parseLong(pid));
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }
}
