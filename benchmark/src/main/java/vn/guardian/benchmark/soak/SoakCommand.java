package vn.guardian.benchmark.soak;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import vn.guardian.benchmark.BenchmarkOptions;
import vn.guardian.benchmark.Machine;
import vn.guardian.benchmark.audio.SampleCall;
import vn.guardian.benchmark.audio.Workload;
import vn.guardian.benchmark.cluster.ClusterBenchmark;
import vn.guardian.benchmark.cluster.ClusterOptions;
import vn.guardian.benchmark.cluster.LocalCluster;
import vn.guardian.benchmark.cluster.ProcessTable;
import vn.guardian.benchmark.pipeline.IngestClient;
import vn.guardian.benchmark.pipeline.VerdictRows;
import vn.guardian.benchmark.raw.RawVosk;
import vn.guardian.benchmark.report.Format;
import vn.guardian.benchmark.report.ReportJson;
import vn.guardian.benchmark.stats.Stats;
import vn.guardian.benchmark.throughput.PipelineThroughput;

/**
 * {@code benchmark.jar soak --cluster local --calls N [--minutes 30]}: a steady live load of N calls on the local
 * cluster for the given time. Every minute it prints and records RSS per process, heap after GC and heap in use per
 * service JVM, the transcribers' memory outside the JVM (Vosk's recognizers), consumer lag per group (the largest of
 * the minute's 10 s samples), CPU per process, and utterance-end latency of the minute's verdict rows. At the end:
 * each series' slope per minute and whether memory and lag are flat ({@link Trend}), and whether every ended call
 * got all its verdict rows.
 */
public final class SoakCommand {

    public static final String USAGE = "java -jar benchmark/target/benchmark.jar soak --cluster local --calls N "
            + "[--minutes 30] [--out target/soak.json] [--csv target/soak.csv] [--samples samples] "
            + ClusterOptions.USAGE.substring("--cluster local ".length());

    private static final long MINUTE_MS = 60_000;
    /** A minute's latency figures cover rows ingested from 70 s to 10 s ago: later rows may not be stored yet. */
    private static final long LATENCY_GRACE_MS = 10_000;
    private static final long LAG_SAMPLE_MS = 10_000;
    private static final double MIB = 1024 * 1024;
    /** Flat memory: the judged rise is within 5 % of the series' mean, or 16 MiB (GC and allocator steps). */
    static final double MEMORY_FRACTION = 0.05;
    static final double MEMORY_FLOOR_MIB = 16;
    /** Flat lag: the judged rise is within 25 % of the mean lag, or 100 records (utterances in progress). */
    static final double LAG_FRACTION = 0.25;
    static final double LAG_FLOOR_RECORDS = 100;

    /** The soak's own options, after the cluster's. */
    record SoakOptions(int minutes, int calls, Path out, Path csv, Path samples) {

        static SoakOptions parse(List<String> args) {
            int minutes = 30;
            int calls = 0;
            Path out = Path.of("target/soak.json");
            Path csv = Path.of("target/soak.csv");
            Path samples = Path.of("samples");
            for (int i = 0; i < args.size(); i++) {
                String arg = args.get(i);
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException(arg + " needs a value (or is unknown); usage: " + USAGE);
                }
                String value = args.get(++i);
                switch (arg) {
                    case "--minutes" -> minutes = BenchmarkOptions.positive(arg, value);
                    case "--calls" -> calls = BenchmarkOptions.positive(arg, value);
                    case "--out" -> out = Path.of(value);
                    case "--csv" -> csv = Path.of(value);
                    case "--samples" -> samples = Path.of(value);
                    default -> throw new IllegalArgumentException("Unknown option '" + arg + "'; usage: " + USAGE);
                }
            }
            if (calls == 0) {
                throw new IllegalArgumentException("--calls is missing: give about 70 % of the cluster's sustainable "
                        + "live load, the 'callsAt70Percent' that `benchmark.jar --cluster local` reports; usage: " + USAGE);
            }
            return new SoakOptions(minutes, calls, out, csv, samples);
        }
    }

    public static int main(String[] args) throws Exception {
        ClusterOptions cluster;
        SoakOptions soak;
        try {
            cluster = ClusterOptions.parse(args);
            soak = SoakOptions.parse(cluster.rest());
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        return new SoakCommand().run(cluster, soak);
    }

    private final Map<String, Long> maxLag = new ConcurrentHashMap<>();

    int run(ClusterOptions cluster, SoakOptions soak) throws Exception {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("machine", Machine.describe(Runtime.getRuntime().availableProcessors()));
        report.put("cluster", cluster);
        report.put("options", soak);
        List<SampleCall> samples = Workload.load(soak.samples(), 1).calls();
        Map<String, Integer> expectedRows;
        try (RawVosk vosk = RawVosk.load(Path.of(System.getProperty("java.io.tmpdir"), "guardian-models"))) {
            expectedRows = vosk.run(samples, Runtime.getRuntime().availableProcessors()).segmentsBySample();
        }
        log("Verdict rows per sample (Vosk alone): " + expectedRows);
        ScheduledExecutorService clock = Executors.newScheduledThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "bench-soak-clock");
            thread.setDaemon(true);
            return thread;
        });
        List<Map<String, Double>> minutes = new ArrayList<>();
        try (LocalCluster local = LocalCluster.useOrStart(cluster.repo(), cluster.transcribers(),
                     cluster.transcriberCpus());
             VerdictRows rows = new VerdictRows(local.jdbcUrl(), local.databaseUser(), local.databasePassword());
             ProcessTable processes = new ProcessTable(() -> pidsOf(local));
             ConsumerLag lag = new ConsumerLag(local.bootstrapServers())) {
            IngestClient ingest = new IngestClient(local.ingestUrl(), local.apiKey(), 4);
            log("Warm-up: every sample once as a recording, until its verdict rows are all stored");
            new PipelineThroughput(ingest, rows, 4).warmUp(samples, expectedRows, 2_000, 300_000);
            ServiceMetrics metrics = new ServiceMetrics();
            SoakLoad load = new SoakLoad(ingest, clock, samples);
            clock.scheduleAtFixedRate(() -> lag.byGroup().forEach((group, records) -> maxLag.merge(group, records,
                    Math::max)), 0, LAG_SAMPLE_MS, TimeUnit.MILLISECONDS);
            long startMs = System.currentTimeMillis();
            log("Soak: " + soak.calls() + " live calls for " + soak.minutes() + " min; a line per minute");
            load.start(soak.calls());
            ProcessTable.Snapshot cpuBefore = processes.snapshot();
            Files.createDirectories(soak.csv().toAbsolutePath().getParent());
            for (int minute = 1; minute <= soak.minutes(); minute++) {
                long due = startMs + minute * MINUTE_MS;
                Thread.sleep(Math.max(0, due - System.currentTimeMillis()));
                ProcessTable.Snapshot cpuNow = processes.snapshot();
                Map<String, Double> row = minute(minute, due, local, processes, cpuNow.coresSince(cpuBefore),
                        metrics, rows, load);
                cpuBefore = cpuNow;
                minutes.add(row);
                System.out.println(line(row));
                writeCsv(soak.csv(), minutes);
            }
            log("Stopping the load; calls in progress finish");
            load.stop();
            report.put("completeness", completeness(load, rows, expectedRows));
            report.put("failedCalls", load.failures());
            report.put("lastFailure", load.lastFailure());
        } finally {
            clock.shutdownNow();
        }
        report.put("minutes", minutes);
        List<Trend> trends = trends(minutes);
        report.put("trends", trends);
        report.put("criteria", "flat memory: least-squares rise over the judged minutes (the first third is warm-up) "
                + "<= max(" + Format.percent(MEMORY_FRACTION) + " of the mean, " + MEMORY_FLOOR_MIB + " MiB); flat lag: "
                + "rise <= max(" + Format.percent(LAG_FRACTION) + " of the mean, " + LAG_FLOOR_RECORDS + " records)");
        ((Map<String, Object>) report.get("machine")).put("loadAverageAfter", Machine.loadAverage());
        System.out.println();
        System.out.println(summary(trends, report));
        ReportJson.write(report, soak.out());
        System.out.println("JSON: " + soak.out().toAbsolutePath() + "; CSV: " + soak.csv().toAbsolutePath());
        return trends.stream().allMatch(Trend::flat) && (Boolean) ((Map<?, ?>) report.get("completeness")).get("complete")
                ? 0 : 1;
    }

    /** Every figure of one minute, by series name; memory in MiB. */
    private Map<String, Double> minute(int minute, long dueMs, LocalCluster local, ProcessTable processes,
                                       Map<String, Double> cores, ServiceMetrics metrics, VerdictRows rows,
                                       SoakLoad load) throws Exception {
        Map<String, Double> row = new LinkedHashMap<>();
        row.put("minute", (double) minute);
        row.put("load1", loadAverage1());
        Map<String, Long> rss = processes.rssBytes();
        rss.forEach((process, bytes) -> row.put("rss." + process, bytes / MIB));
        for (Map.Entry<String, String> service : local.serviceUrls().entrySet()) {
            String name = service.getKey();
            try {
                ServiceMetrics.Memory memory = metrics.scrape(service.getValue());
                row.put("heapAfterGc." + name, memory.heapAfterGcBytes() / MIB);
                row.put("heapUsed." + name, memory.heapUsedBytes() / MIB);
                if (name.startsWith("transcriber-")) {
                    // Vosk's recognizers live outside the JVM: what the process holds beyond all the JVM committed
                    row.put("native." + name, (rss.getOrDefault(name, 0L) - memory.jvmCommittedBytes()) / MIB);
                    row.put("recognizers." + name, memory.activeRecognizers());
                }
            } catch (Exception e) {
                log("minute " + minute + ": " + name + " metrics not read: " + e.getMessage());
                row.put("heapAfterGc." + name, Double.NaN);
                row.put("heapUsed." + name, Double.NaN);
            }
        }
        for (String group : ConsumerLag.GROUPS) {
            Long records = maxLag.remove(group);
            row.put("lag." + group, records == null || records < 0 ? Double.NaN : records.doubleValue());
        }
        List<VerdictRows.Row> stored = rows.ingestedSince(dueMs - MINUTE_MS - LATENCY_GRACE_MS);
        double[] latencies = stored.stream()
                .filter(r -> r.ingestedAtMs() < dueMs - LATENCY_GRACE_MS)
                .mapToDouble(r -> r.storedAtMs() - r.ingestedAtMs()).toArray();
        Stats.Latency latency = Stats.latency(latencies);
        row.put("utterances", (double) latency.count());
        row.put("p50", latency.p50());
        row.put("p95", latency.p95());
        row.put("p99", latency.p99());
        row.put("callsEnded", (double) load.endedCalls().size());
        row.put("failedCalls", (double) load.failures());
        row.put("maxLateMs", (double) load.takeMaxLateMs());
        cores.forEach((process, used) -> row.put("cores." + process, used));
        return row;
    }

    /** Every ended call has as many verdict rows as Vosk alone gives its sample (waits up to 2 min for the last). */
    private static Map<String, Object> completeness(SoakLoad load, VerdictRows rows, Map<String, Integer> expectedRows)
            throws Exception {
        Map<String, String> calls = load.endedCalls();
        int expected = calls.values().stream().mapToInt(expectedRows::get).sum();
        long deadline = System.currentTimeMillis() + 120_000;
        int stored = 0;
        while (System.currentTimeMillis() < deadline) {
            stored = countRows(rows, calls.keySet());
            if (stored >= expected) {
                break;
            }
            Thread.sleep(1_000);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("callsEnded", calls.size());
        result.put("expectedRows", expected);
        result.put("storedRows", stored);
        result.put("complete", stored == expected);
        return result;
    }

    private static int countRows(VerdictRows rows, java.util.Set<String> callIds) throws Exception {
        int count = 0;
        List<String> batch = new ArrayList<>();
        for (String callId : callIds) {
            batch.add(callId);
            if (batch.size() == 500) {
                count += rows.ofCalls(batch).size();
                batch.clear();
            }
        }
        return count + (batch.isEmpty() ? 0 : rows.ofCalls(batch).size());
    }

    private static List<Trend> trends(List<Map<String, Double>> minutes) {
        List<Trend> trends = new ArrayList<>();
        if (minutes.size() < 2) {
            return trends;
        }
        double[] x = minutes.stream().mapToDouble(m -> m.get("minute")).toArray();
        TreeSet<String> series = new TreeSet<>();
        minutes.forEach(m -> series.addAll(m.keySet()));
        for (String name : series) {
            double[] y = minutes.stream().mapToDouble(m -> m.getOrDefault(name, Double.NaN)).toArray();
            if (name.startsWith("rss.") || name.startsWith("heapAfterGc.") || name.startsWith("native.")) {
                trends.add(Trend.of(name, x, y, MEMORY_FRACTION, MEMORY_FLOOR_MIB));
            } else if (name.startsWith("lag.")) {
                trends.add(Trend.of(name, x, y, LAG_FRACTION, LAG_FLOOR_RECORDS));
            } else if (name.startsWith("heapUsed.") || name.matches("p\\d+")) {
                // reported, not judged: heap in use saws with every collection; latency has its own targets
                Trend trend = Trend.of(name, x, y, Double.POSITIVE_INFINITY, 0);
                trends.add(new Trend(name, trend.slopePerMinute(), trend.judgedSlope(), trend.mean(), trend.rise(),
                        Double.NaN, true));
            }
        }
        return trends;
    }

    private static String summary(List<Trend> trends, Map<String, Object> report) {
        StringBuilder text = new StringBuilder("Soak summary: slope per minute (all minutes), judged slope and rise "
                + "(after the first third), allowance, flat\n");
        text.append(String.format("%-36s %12s %12s %12s %12s %12s  %s%n", "series", "mean", "slope/min",
                "judged/min", "rise", "allowed", "flat"));
        for (Trend trend : trends) {
            text.append(String.format("%-36s %12.2f %12.3f %12.3f %12.2f %12s  %s%n", trend.series(), trend.mean(),
                    trend.slopePerMinute(), trend.judgedSlope(), trend.rise(),
                    Double.isNaN(trend.allowed()) ? "-" : String.format("%.2f", trend.allowed()),
                    Double.isNaN(trend.allowed()) ? "(not judged)" : trend.flat() ? "yes" : "NO"));
        }
        text.append("criteria: ").append(report.get("criteria")).append('\n');
        text.append("completeness: ").append(report.get("completeness")).append("; failed calls: ")
                .append(report.get("failedCalls")).append('\n');
        text.append("machine load average after: ").append(((Map<?, ?>) report.get("machine")).get("loadAverageAfter"))
                .append('\n');
        return text.toString();
    }

    private static String line(Map<String, Double> row) {
        StringBuilder line = new StringBuilder("[soak] ");
        row.forEach((name, value) -> {
            if (!name.startsWith("cores.") || name.equals("cores.total")) {
                line.append(name).append('=').append(Double.isNaN(value) ? "-" : Format.number(value,
                        name.startsWith("lag.") || name.matches("p\\d+") || name.equals("minute") ? 0 : 1)).append(' ');
            }
        });
        return line.toString().strip();
    }

    private static void writeCsv(Path csv, List<Map<String, Double>> minutes) throws IOException {
        TreeSet<String> seen = new TreeSet<>();
        List<String> columns = new ArrayList<>();
        for (Map<String, Double> row : minutes) {
            for (String name : row.keySet()) {
                if (seen.add(name)) {
                    columns.add(name);
                }
            }
        }
        StringBuilder text = new StringBuilder(String.join(",", columns)).append('\n');
        for (Map<String, Double> row : minutes) {
            List<String> cells = new ArrayList<>();
            for (String column : columns) {
                Double value = row.get(column);
                cells.add(value == null || value.isNaN() ? "" : String.format(java.util.Locale.ROOT, "%.3f", value));
            }
            text.append(String.join(",", cells)).append('\n');
        }
        Files.writeString(csv, text);
    }

    private static double loadAverage1() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    private static Map<String, Long> pidsOf(LocalCluster local) {
        return ClusterBenchmark.pidsOf(local);
    }

    private static void log(String line) {
        System.err.println("[soak] " + line);
    }
}
