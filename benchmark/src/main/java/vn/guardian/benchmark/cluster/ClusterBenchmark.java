package vn.guardian.benchmark.cluster;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import vn.guardian.benchmark.BenchmarkOptions;
import vn.guardian.benchmark.Machine;
import vn.guardian.benchmark.audio.SampleCall;
import vn.guardian.benchmark.audio.Workload;
import vn.guardian.benchmark.live.FeedClock;
import vn.guardian.benchmark.live.LiveLoad;
import vn.guardian.benchmark.live.LiveRun;
import vn.guardian.benchmark.pipeline.IngestClient;
import vn.guardian.benchmark.pipeline.VerdictRows;
import vn.guardian.benchmark.raw.RawVosk;
import vn.guardian.benchmark.report.Format;
import vn.guardian.benchmark.report.ReportJson;
import vn.guardian.benchmark.report.TextTable;
import vn.guardian.benchmark.stats.Stats;
import vn.guardian.benchmark.throughput.PipelineThroughput;

/**
 * The benchmark against {@code infra/local-cluster.sh}: every service its own JVM, 3 brokers, a PostgreSQL server.
 * Raw Vosk runs pinned to the transcriber's CPUs, the pipeline is fed over HTTP and timed by its verdict rows, and
 * CPU (cores used) and RSS are read per process from /proc, so the figures say what each part costs.
 */
public final class ClusterBenchmark {

    /** Unreported runs before raw and throughput runs, as in the single-JVM benchmark: both sides warm up alike. */
    private static final int WARM_UP_RUNS = 2;
    private static final double[] LEVEL_FRACTIONS = {0.25, 0.5, 0.75, 1.0, 1.25};

    private final Map<String, Object> report = new LinkedHashMap<>();
    private final List<String> tables = new ArrayList<>();

    public static int main(String[] args) throws Exception {
        ClusterOptions cluster;
        BenchmarkOptions options;
        try {
            cluster = ClusterOptions.parse(args);
            options = BenchmarkOptions.parse(cluster.restArray());
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        if (!cluster.rest().contains("--out")) {
            options = new BenchmarkOptions(options.quick(), options.runs(), Path.of("target/benchmark-cluster.json"),
                    options.samples(), options.copies(), options.levels(), options.liveSeconds(), options.workers(),
                    options.partitions());
        }
        return new ClusterBenchmark().run(cluster, options);
    }

    int run(ClusterOptions cluster, BenchmarkOptions options) throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        Map<String, Object> machine = Machine.describe(cores);
        report.put("machine", machine);
        report.put("cluster", cluster);
        report.put("options", options);
        // the same calls every run: options.copies() copies of each sample, or that many corpus calls
        List<SampleCall> samples = Workload.load(options.samples(), options.copies()).run(0);
        int cpus = cluster.cpuCount();
        RawLimit raw = rawLimit(samples, options, cluster.transcriberCpus(), cpus);

        try (LocalCluster local = LocalCluster.useOrStart(cluster.repo(), cluster.transcribers(),
                     cluster.transcriberCpus());
             VerdictRows rows = new VerdictRows(local.jdbcUrl(), local.databaseUser(), local.databasePassword());
             ProcessTable processes = new ProcessTable(() -> pidsOf(local))) {
            IngestClient ingest = new IngestClient(local.ingestUrl(), local.apiKey(), 4);
            PipelineThroughput throughput = new PipelineThroughput(ingest, rows, 2 * cores);
            log("Warm-up: every sample once, until it has as many verdict rows as Vosk alone gave " + raw.expectedRows);
            throughput.warmUp(samples, raw.expectedRows, 2_000, 300_000);
            Map<String, Object> phase;
            Map<String, Object> live;
            // not earlier: a cold cluster (JIT, 3 brokers) pinned to one CPU once timed out the first upload
            try (CpuPinning callers = pinOthers(local, cluster.otherCpus(cores))) {
                phase = throughput(throughput, samples, raw, options, processes);
                live = live(ingest, rows, local, samples, raw, options, processes);
            }
            perProcessTable(phase, live, raw, cluster);
        }
        machine.put("loadAverageAfter", Machine.loadAverage());
        tables.add(0, "Machine: " + machine.get("cpuModel") + ", " + cores + " cores; load average before "
                + machine.get("loadAverageBefore") + ", after " + machine.get("loadAverageAfter")
                + "; transcriber and raw Vosk on CPUs " + (cluster.transcriberCpus().isEmpty() ? "all (not pinned)"
                : cluster.transcriberCpus()) + "\n");
        System.out.println();
        System.out.println(String.join("\n", tables));
        ReportJson.write(report, options.out());
        System.out.println("JSON: " + options.out().toAbsolutePath());
        return 0;
    }

    /** Raw Vosk's rate on the transcriber's CPUs, with as many threads as CPUs, and the rows each sample yields. */
    record RawLimit(Stats.Spread rate, Map<String, Integer> expectedRows) {
    }

    static RawLimit rawLimit(List<SampleCall> samples, BenchmarkOptions options, String cpuList, int cpus)
            throws Exception {
        Path cache = Path.of(System.getProperty("java.io.tmpdir"), "guardian-models");
        try (RawVosk vosk = RawVosk.load(cache); CpuPinning pinned = CpuPinning.to(cpuList)) {
            log("Raw Vosk on CPUs " + (cpuList.isEmpty() ? "all" : cpuList) + ", " + cpus + " threads: warm-up");
            Map<String, Integer> expected = vosk.run(samples, cpus).segmentsBySample();
            for (int i = 0; i < WARM_UP_RUNS; i++) {
                vosk.run(samples, cpus);
            }
            double[] rates = new double[options.runs()];
            for (int i = 0; i < options.runs(); i++) {
                rates[i] = vosk.run(samples, cpus).audioSecondsPerSecond();
                log("Raw Vosk run " + (i + 1) + ": " + Format.number(rates[i], 2) + " audio s/s");
            }
            return new RawLimit(Stats.spread(rates), expected);
        }
    }

    /**
     * Everything but the transcribers onto the other CPUs, in a cluster this run started: otherwise brokers and
     * services woken on the transcriber's CPU take time from its decoding that raw Vosk never lost. The cluster stays
     * so; this JVM's callers until the returned pinning closes.
     */
    private static CpuPinning pinOthers(LocalCluster local, String otherCpus) throws Exception {
        if (!local.startedHere() || otherCpus.isEmpty()) {
            return CpuPinning.to("");
        }
        List<Long> others = local.pids().entrySet().stream()
                .filter(process -> !process.getKey().startsWith("transcriber-")).map(Map.Entry::getValue).toList();
        CpuPinning.processes(otherCpus, others);
        log("Brokers, PostgreSQL, ingest, moderation and this benchmark's callers on CPUs " + otherCpus);
        return CpuPinning.to(otherCpus);
    }

    /** The cluster's processes by name; empty while its pids file is being rewritten. */
    public static Map<String, Long> pidsOf(LocalCluster local) {
        try {
            return local.pids();
        } catch (Exception e) {
            return Map.of();
        }
    }

    private Map<String, Object> throughput(PipelineThroughput throughput, List<SampleCall> samples, RawLimit raw,
                                           BenchmarkOptions options, ProcessTable processes) throws Exception {
        for (int i = 0; i < WARM_UP_RUNS; i++) {
            log("Throughput warm-up run " + (i + 1) + ": " + Format.number(throughput.run(samples,
                    raw.expectedRows, 600_000).audioSecondsPerSecond(), 2) + " audio s/s");
        }
        processes.resetPeaks();
        ProcessTable.Snapshot before = processes.snapshot();
        double[] rates = new double[options.runs()];
        List<PipelineThroughput.Result> results = new ArrayList<>();
        for (int i = 0; i < options.runs(); i++) {
            PipelineThroughput.Result result = throughput.run(samples, raw.expectedRows, 600_000);
            log("Throughput run " + (i + 1) + ": " + Format.number(result.audioSecondsPerSecond(), 2)
                    + " audio s/s, " + result.rows() + "/" + result.expectedRows() + " rows");
            results.add(result);
            rates[i] = result.audioSecondsPerSecond();
        }
        Map<String, Object> section = new LinkedHashMap<>();
        Stats.Spread rate = Stats.spread(rates);
        section.put("runs", results);
        section.put("rawAudioSecondsPerSecond", raw.rate);
        section.put("audioSecondsPerSecond", rate);
        section.put("ratioToRaw", rate.median() / raw.rate.median());
        section.put("complete", results.stream().allMatch(PipelineThroughput.Result::complete));
        section.put("coresByProcess", processes.snapshot().coresSince(before));
        section.put("peakRssBytesByProcess", processes.peakRssBytes());
        report.put("throughput", section);
        tables.add(new TextTable("(1) Raw Vosk on the transcriber's CPUs against the cluster: POST /v1/recordings, "
                + "first request to last verdict row", "figure", "median (min-max)")
                .row("raw Vosk audio s per wall s", Format.spread(raw.rate, 2))
                .row("pipeline audio s per wall s", Format.spread(rate, 2))
                .row("ratio to raw", Format.percent(rate.median() / raw.rate.median()))
                .row("verdict rows complete", (Boolean) section.get("complete") ? "yes" : "NO").render());
        return section;
    }

    private Map<String, Object> live(IngestClient ingest, VerdictRows rows, LocalCluster local,
                                     List<SampleCall> samples, RawLimit raw, BenchmarkOptions options,
                                     ProcessTable processes) throws Exception {
        ScheduledExecutorService clock = Executors.newScheduledThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "bench-live-clock");
            thread.setDaemon(true);
            return thread;
        });
        try (FeedClock verdictFeed = new FeedClock(local.ingestUrl(), local.apiKey())) {
            LiveLoad load = new LiveLoad(ingest, rows, clock, raw.expectedRows, verdictFeed);
            List<Integer> levels = new ArrayList<>(options.levels());
            if (levels.isEmpty()) {
                TreeSet<Integer> derived = new TreeSet<>();
                for (double fraction : LEVEL_FRACTIONS) {
                    derived.add(Math.max(1, (int) Math.round(fraction * raw.rate.median())));
                }
                levels.addAll(derived);
            }
            log("Live warm-up: " + levels.get(0) + " calls for " + options.liveSeconds() + " s, not reported");
            load.run(samples, levels.get(0), options.liveSeconds());
            Map<Integer, Map<String, Object>> byLevel = new TreeMap<>();
            int maxSustainable = 0;
            for (int calls : levels) {
                Map<String, Object> level = liveLevel(load, samples, calls, options, processes, local);
                byLevel.put(calls, level);
                if ((Boolean) level.get("sustainable")) {
                    maxSustainable = Math.max(maxSustainable, calls);
                } else {
                    break; // more calls only fall further behind
                }
            }
            int at70 = Math.max(1, (int) Math.round(0.7 * maxSustainable));
            if (maxSustainable > 0 && !byLevel.containsKey(at70)) {
                byLevel.put(at70, liveLevel(load, samples, at70, options, processes, local));
            }
            Map<String, Object> section = new LinkedHashMap<>();
            section.put("maxSustainableCalls", maxSustainable);
            section.put("callsAt70Percent", at70);
            section.put("levels", byLevel.values());
            report.put("live", section);
            TextTable table = new TextTable("(2) Live load at real-time pace through the live call API; "
                    + "utterance-end latency ms = stored_at - ingested_at; median over runs",
                    "calls", "p50", "p95", "p99", "to decision p95", "decision to row p95", "ingest's own ms per chunk",
                    "cores (all processes)", "keeps up");
            for (Map<String, Object> level : byLevel.values()) {
                table.row(level.get("calls"), Format.spread((Stats.Spread) level.get("p50"), 0),
                        Format.spread((Stats.Spread) level.get("p95"), 0),
                        Format.spread((Stats.Spread) level.get("p99"), 0),
                        Format.spread((Stats.Spread) level.get("toDecisionP95"), 0),
                        Format.spread((Stats.Spread) level.get("toStoreP95"), 0),
                        Format.number((Double) level.get("ingestOwnMsPerChunk"), 2),
                        Format.number(coresOf(level).get("total"), 2),
                        (Boolean) level.get("sustainable") ? "yes" : "NO: " + level.get("problems"));
            }
            tables.add(table.render() + "max sustainable: " + maxSustainable + " calls; 70 %: " + at70 + " calls\n");
            return byLevel.get(at70);
        } finally {
            clock.shutdownNow();
        }
    }

    private Map<String, Object> liveLevel(LiveLoad load, List<SampleCall> samples, int calls, BenchmarkOptions options,
                                          ProcessTable processes, LocalCluster local) throws Exception {
        processes.resetPeaks();
        ProcessTable.Snapshot before = processes.snapshot();
        IngestTimers.Totals timersBefore = IngestTimers.scrape(local.ingestUrl());
        List<LiveRun> runs = new ArrayList<>();
        for (int i = 0; i < options.runs(); i++) {
            LiveRun run = load.run(samples, calls, options.liveSeconds());
            log("Live " + calls + " calls, run " + (i + 1) + ": p50 " + Format.number(run.latency().p50(), 0)
                    + " p95 " + Format.number(run.latency().p95(), 0) + " p99 " + Format.number(run.latency().p99(), 0)
                    + " ms (to decision p50/p95 " + Format.number(run.toDecision().p50(), 0) + "/"
                    + Format.number(run.toDecision().p95(), 0) + ", decision to row " + Format.number(run.toStore().p50(), 0)
                    + "/" + Format.number(run.toStore().p95(), 0) + "), " + run.rows() + "/" + run.expectedRows() + " rows"
                    + (run.sustainable() ? "" : " " + run.problems()));
            runs.add(run);
        }
        Map<String, Object> level = new LinkedHashMap<>();
        level.put("calls", calls);
        level.put("p50", Stats.spread(runs.stream().mapToDouble(r -> r.latency().p50()).toArray()));
        level.put("p95", Stats.spread(runs.stream().mapToDouble(r -> r.latency().p95()).toArray()));
        level.put("p99", Stats.spread(runs.stream().mapToDouble(r -> r.latency().p99()).toArray()));
        level.put("toDecisionP95", Stats.spread(runs.stream().mapToDouble(r -> r.toDecision().p95()).toArray()));
        level.put("toStoreP95", Stats.spread(runs.stream().mapToDouble(r -> r.toStore().p95()).toArray()));
        IngestTimers.Totals timers = IngestTimers.scrape(local.ingestUrl());
        level.put("chunkHandlingMeanMs", timers.handlingMeanMs(timersBefore));
        level.put("kafkaAckMeanMs", timers.kafkaAckMeanMs(timersBefore));
        level.put("ingestOwnMsPerChunk", timers.handlingMeanMs(timersBefore) - timers.kafkaAckMeanMs(timersBefore));
        level.put("sustainable", runs.stream().filter(LiveRun::sustainable).count() * 2 > runs.size());
        level.put("problems", runs.stream().flatMap(r -> r.problems().stream()).distinct().toList());
        level.put("coresByProcess", processes.snapshot().coresSince(before));
        level.put("peakRssBytesByProcess", processes.peakRssBytes());
        level.put("runs", runs);
        return level;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Double> coresOf(Map<String, Object> phase) {
        return (Map<String, Double>) phase.get("coresByProcess");
    }

    @SuppressWarnings("unchecked")
    private void perProcessTable(Map<String, Object> throughput, Map<String, Object> live70, RawLimit raw,
                                 ClusterOptions cluster) {
        Map<String, Double> liveCores = live70 == null ? Map.of() : coresOf(live70);
        Map<String, Long> liveRss = live70 == null ? Map.of() : (Map<String, Long>) live70.get("peakRssBytesByProcess");
        Map<String, Long> throughputRss = (Map<String, Long>) throughput.get("peakRssBytesByProcess");
        String liveTitle = live70 == null ? "no sustainable live level" : live70.get("calls") + " live calls (70 %)";
        TextTable table = new TextTable("(3) Per process: cores used (utime+stime from /proc/<pid>/stat over the "
                + "phase's wall time, children included) and peak RSS (VmRSS)", "process",
                "cores, throughput", "peak RSS, throughput", "cores, " + liveTitle, "peak RSS, " + liveTitle);
        coresOf(throughput).forEach((process, cores) -> table.row(process, Format.number(cores, 2),
                process.equals("total") ? Format.mib(throughputRss.values().stream().mapToLong(Long::longValue).sum())
                        : Format.mib(throughputRss.getOrDefault(process, 0L)),
                Format.number(liveCores.getOrDefault(process, Double.NaN), 2),
                process.equals("total") ? Format.mib(liveRss.values().stream().mapToLong(Long::longValue).sum())
                        : Format.mib(liveRss.getOrDefault(process, 0L))));
        tables.add(table.render() + "pipeline/raw Vosk throughput ratio: "
                + Format.percent((Double) throughput.get("ratioToRaw")) + " (raw " + Format.spread(raw.rate, 2)
                + " audio s/s with " + cluster.cpuCount() + " thread(s) on CPUs "
                + (cluster.transcriberCpus().isEmpty() ? "all" : cluster.transcriberCpus())
                + "; each transcriber JVM pinned to the same CPUs)\n");
    }

    private static void log(String line) {
        System.err.println("[benchmark] " + line);
    }
}
