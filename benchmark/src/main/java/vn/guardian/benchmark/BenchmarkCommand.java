package vn.guardian.benchmark;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.util.FileSystemUtils;
import vn.guardian.benchmark.audio.SampleCall;
import vn.guardian.benchmark.cluster.ClusterBenchmark;
import vn.guardian.benchmark.cluster.ClusterOptions;
import vn.guardian.benchmark.hop.TransactionHop;
import vn.guardian.benchmark.audio.Workload;
import vn.guardian.benchmark.live.CallFeed;
import vn.guardian.benchmark.live.KafkaCallFeed;
import vn.guardian.benchmark.live.FeedClock;
import vn.guardian.benchmark.live.LiveLoad;
import vn.guardian.benchmark.live.LiveRun;
import vn.guardian.benchmark.memory.RecognizerMemory;
import vn.guardian.benchmark.memory.RetirementSpeed;
import vn.guardian.benchmark.pipeline.IngestClient;
import vn.guardian.standalone.Pipeline;
import vn.guardian.standalone.StandaloneSettings;
import vn.guardian.benchmark.pipeline.VerdictRows;
import vn.guardian.benchmark.raw.RawVosk;
import vn.guardian.benchmark.report.Format;
import vn.guardian.benchmark.report.ReportJson;
import vn.guardian.benchmark.report.TextTable;
import vn.guardian.benchmark.resources.ResourceMonitor;
import vn.guardian.benchmark.search.SearchBenchmark;
import vn.guardian.benchmark.soak.SoakCommand;
import vn.guardian.benchmark.stats.Stats;
import vn.guardian.benchmark.throughput.PipelineThroughput;

/**
 * The benchmark: (1) raw Vosk limit, (2) pipeline throughput, (3) live load at real-time pace for growing numbers
 * of calls, (4) resources and start-up times; prints tables and writes the same figures as JSON.
 */
public final class BenchmarkCommand {

    /**
     * Unreported runs before (1) and (2) are measured: warm recognizers decode audio they have seen before faster
     * still, so both sides warm up the same way and the ratio compares like with like.
     */
    private static final int WARM_UP_RUNS = 2;

    /** A corpus run holds minutes of stereo calls: room for a loaded machine. */
    private static final long THROUGHPUT_TIMEOUT_MS = 900_000;

    private static final double[] LEVEL_FRACTIONS = {0.25, 0.5, 0.75, 1.0, 1.25};

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("chaos")) {
            // the fault-injection suite against a running infra/local-cluster.sh (docs/reliability.md)
            vn.guardian.benchmark.chaos.ChaosCommand.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("search")) {
            // the analysts' search over a seeded database: its own mode, nothing of the pipeline runs
            SearchBenchmark.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("recognizer-memory")) {
            // native memory and speed of live channels over minutes of speech: Vosk alone, no pipeline
            RecognizerMemory.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("retirement-speed")) {
            // what recognizer-retire-after costs in decoding speed, both sides on the same thread and audio
            RetirementSpeed.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("transaction-hop")) {
            // one hop between two services on a cluster, transactional against idempotent, nothing else running
            System.exit(TransactionHop.main(java.util.Arrays.copyOfRange(args, 1, args.length)));
            return;
        }
        if (args.length > 0 && args[0].equals("soak")) {
            // a steady load on the local cluster for minutes, sampled every minute: its own mode
            System.exit(SoakCommand.main(java.util.Arrays.copyOfRange(args, 1, args.length)));
            return;
        }
        if (ClusterOptions.wanted(args)) {
            // the same phases against infra/local-cluster.sh, each service its own JVM
            System.exit(ClusterBenchmark.main(args));
            return;
        }
        BenchmarkOptions options;
        try {
            options = BenchmarkOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        int exit = new BenchmarkCommand().run(options);
        System.exit(exit);
    }

    private final Map<String, Object> report = new LinkedHashMap<>();
    private final List<String> tables = new ArrayList<>();
    /** Verdict rows per sample: one per utterance, as Vosk alone yields them (it is deterministic on the same chunks). */
    private Map<String, Integer> expectedRows;
    /** Raw Vosk's rate per measured run: pipeline run i decodes the same calls, so its ratio is to run i. */
    private double[] rawRates;

    int run(BenchmarkOptions options) throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        Map<String, Object> machine = Machine.describe(cores);
        report.put("machine", machine);
        report.put("options", options);
        Workload workload = Workload.load(options.samples(), options.copies());
        log("Calls: " + workload.describe());
        report.put("workload", workload.describe());

        // (1) raw limit, before the pipeline exists so nothing else competes for the cores
        Stats.Spread raw = rawLimit(workload, options, cores);

        Path dataDir = Files.createTempDirectory("guardian-benchmark-");
        try (ResourceMonitor monitor = new ResourceMonitor()) {
            log("Starting the pipeline in this JVM");
            try (Pipeline pipeline = Pipeline.start(StandaloneSettings.ephemeral(dataDir), tuning(options));
                 VerdictRows rows = new VerdictRows(pipeline.jdbcUrl())) {
                monitor.watchPostgres(pipeline.postgresDataDir());
                startup(pipeline);
                IngestClient ingest = new IngestClient(pipeline.ingestUrl(), pipeline.settings().apiKey(), 4);
                PipelineThroughput throughput = new PipelineThroughput(ingest, rows, 2 * cores);
                log("Warm-up: the first run's calls once each, until the pipeline has finished each (call verdict closed, its segments stored)");
                throughput.warmUp(workload.distinctCalls(0), expectedRows, 2_000, 600_000);
                report.put("verdictRowsPerSample", expectedRows);
                Stats.Spread ratioToRaw = throughput(throughput, workload, expectedRows, options, monitor);
                live(ingest, rows, expectedRows, liveCalls(workload), options, raw, monitor, pipeline);
                targets(ratioToRaw);
            }
        } finally {
            FileSystemUtils.deleteRecursively(dataDir);
        }
        machine.put("loadAverageAfter", Machine.loadAverage());
        tables.add(0, "Machine: " + machine.get("cpuModel") + ", " + cores + " cores; load average before "
                + machine.get("loadAverageBefore") + ", after " + machine.get("loadAverageAfter") + "\n");
        String text = String.join("\n", tables);
        System.out.println();
        System.out.println(text);
        ReportJson.write(report, options.out());
        System.out.println("JSON: " + options.out().toAbsolutePath());
        return 0;
    }

    private Stats.Spread rawLimit(Workload workload, BenchmarkOptions options, int cores) throws Exception {
        Path cache = Path.of(System.getProperty("java.io.tmpdir"), "guardian-models");
        try (RawVosk vosk = RawVosk.load(cache)) {
            // every raw run also counts the utterances of its calls: the verdict rows the pipeline must store
            expectedRows = new TreeMap<>();
            for (int i = 0; i < WARM_UP_RUNS; i++) {
                RawVosk.Result warmUp = vosk.run(workload.run(i), cores);
                expectedRows.putAll(warmUp.segmentsBySample());
                log("Raw Vosk warm-up run " + (i + 1) + ": " + Format.number(warmUp.audioSecondsPerSecond(), 2)
                        + " audio s/s");
            }
            double[] rates = new double[options.runs()];
            List<RawVosk.Result> results = new ArrayList<>();
            for (int i = 0; i < options.runs(); i++) {
                RawVosk.Result result = vosk.run(workload.run(WARM_UP_RUNS + i), cores);
                expectedRows.putAll(result.segmentsBySample());
                log("Raw Vosk run " + (i + 1) + ": " + Format.number(result.audioSecondsPerSecond(), 2) + " audio s/s"
                        + "; ingest's normalization of its calls " + Format.number(result.normalizeMsPerAudioSecond(), 3)
                        + " ms CPU per audio s, " + Format.percent(result.normalizeToDecode()) + " of the decoding CPU");
                results.add(result);
                rates[i] = result.audioSecondsPerSecond();
            }
            rawRates = rates;
            Stats.Spread spread = Stats.spread(rates);
            report.put("raw", Map.of("threads", cores, "modelLoadMs", vosk.modelLoadMs(), "runs", results,
                    "audioSecondsPerSecond", spread));
            tables.add(new TextTable("(1) Raw limit: Vosk alone, " + cores + " threads, ingest's normalized audio; "
                    + workload.describe() + "; all channels open at once (a warm recognizer each)",
                    "figure", "median (min-max)")
                    .row("audio s per wall s", Format.spread(spread, 2))
                    .row("audio s per run", Format.number(results.get(0).audioSeconds(), 1))
                    .row("ingest's normalization, ms CPU per audio s", Format.spread(Stats.spread(results.stream()
                            .mapToDouble(RawVosk.Result::normalizeMsPerAudioSecond).toArray()), 3))
                    .row("ingest's normalization / decoding CPU", Format.percent(Stats.spread(results.stream()
                            .mapToDouble(RawVosk.Result::normalizeToDecode).toArray()).median()))
                    .row("model load (ms)", vosk.modelLoadMs()).render());
            return spread;
        }
    }

    /** Standalone's pipeline with the benchmark's partitions and workers, and nothing but the CPU to limit it. */
    private static Pipeline.Tuning tuning(BenchmarkOptions options) {
        Map<String, Object> transcriber = new HashMap<>();
        if (options.workers() > 0) {
            transcriber.put("guardian.transcriber.workers", options.workers());
        }
        // the benchmark looks for the CPU limit, so the memory bound must not pause partitions first
        transcriber.put("guardian.transcriber.max-recognizers", 64);
        // the benchmark is one tenant carrying the whole load: lift the per-tenant fairness limits out of the way
        Map<String, Object> ingest = Map.of("guardian.ingest.limits.max-concurrent-calls", 100_000,
                "guardian.ingest.limits.requests-per-second", 1_000_000,
                "guardian.ingest.limits.request-burst", 1_000_000);
        return new Pipeline.Tuning(options.partitions(), Map.of(), transcriber, ingest);
    }

    private void startup(Pipeline pipeline) {
        Map<String, Object> startup = new LinkedHashMap<>();
        TextTable table = new TextTable("(4a) Start-up until ready (one JVM; later services find Spring's classes "
                + "already loaded)", "part", "ready (ms)", "excluding model load (ms)", "< 10 s");
        pipeline.readyMs().forEach((part, ms) -> {
            long model = part.equals("transcriber-stream") ? Math.max(0, pipeline.transcriberModelLoadMs()) : 0;
            startup.put(part, Map.of("readyMs", ms, "modelLoadMs", model, "readyExcludingModelMs", ms - model));
            table.row(part, ms, ms - model, ms - model < 10_000 ? "yes" : "NO");
        });
        report.put("startup", startup);
        tables.add(table.render() + "transcriber model load (Spring 'models' bean): "
                + pipeline.transcriberModelLoadMs() + " ms\n");
    }

    /** The throughput runs; returns their ratios to the raw runs of the same calls. */
    private Stats.Spread throughput(PipelineThroughput throughput, Workload workload,
                                    Map<String, Integer> expectedRows, BenchmarkOptions options,
                                    ResourceMonitor monitor) throws Exception {
        // run i posts the calls raw run i decoded: both sides see the same audio after the same warm-up
        for (int i = 0; i < WARM_UP_RUNS; i++) {
            log("Throughput warm-up run " + (i + 1) + ": " + Format.number(throughput.run(workload.run(i),
                    expectedRows, THROUGHPUT_TIMEOUT_MS).audioSecondsPerSecond(), 2) + " audio s/s");
        }
        monitor.resetPeaks();
        ResourceMonitor.Snapshot before = monitor.snapshot();
        double[] rates = new double[options.runs()];
        double[] ratios = new double[options.runs()];
        List<PipelineThroughput.Result> results = new ArrayList<>();
        for (int i = 0; i < options.runs(); i++) {
            PipelineThroughput.Result result = throughput.run(workload.run(WARM_UP_RUNS + i), expectedRows,
                    THROUGHPUT_TIMEOUT_MS);
            log("Throughput run " + (i + 1) + ": " + Format.number(result.audioSecondsPerSecond(), 2)
                    + " audio s/s, " + result.rows() + "/" + result.expectedRows() + " rows");
            results.add(result);
            rates[i] = result.audioSecondsPerSecond();
            ratios[i] = rates[i] / rawRates[i]; // calls differ in speech and silence: compare like with like
        }
        Map<String, Double> cores = monitor.snapshot().coresSince(before);
        Stats.Spread rate = Stats.spread(rates);
        Stats.Spread ratio = Stats.spread(ratios);
        Map<String, Object> section = new LinkedHashMap<>();
        section.put("runs", results);
        section.put("audioSecondsPerSecond", rate);
        section.put("ratioToRaw", ratio);
        section.put("coresByService", cores);
        section.put("peakProcessRssBytes", monitor.peakRssBytes());
        section.put("peakHeapBytes", monitor.peakHeapBytes());
        section.put("peakPostgresRssBytes", monitor.peakPostgresRssBytes());
        report.put("throughput", section);
        tables.add(new TextTable("(2) Pipeline throughput: POST /v1/recordings, first request to last verdict row "
                + "seen in PostgreSQL", "figure", "median (min-max)")
                .row("audio s per wall s", Format.spread(rate, 2))
                .row("ratio to raw run i, same calls (target >= 90 %)", Format.spread(new Stats.Spread(ratio.median() * 100,
                        ratio.min() * 100, ratio.max() * 100, ratio.runs()), 1) + " %")
                .row("verdict rows complete", results.stream().allMatch(PipelineThroughput.Result::complete) ? "yes" : "NO")
                .render() + cpuTable("(4b) CPU during the throughput runs (cores busy; 1.0 = one core)", cores));
        return ratio;
    }

    /**
     * The calls the live callers take in turn: those whose rows the raw runs counted, shortest first, since every
     * live run lasts until its longest call has been fed at real-time pace.
     */
    private List<SampleCall> liveCalls(Workload workload) {
        return workload.calls().stream().filter(call -> expectedRows.containsKey(call.name()))
                .sorted(java.util.Comparator.comparingDouble(SampleCall::seconds)).toList();
    }

    private static String cpuTable(String title, Map<String, Double> cores) {
        TextTable table = new TextTable(title, "service (thread names in this JVM)", "cores");
        cores.forEach((service, used) -> table.row(service, Format.number(used, 2)));
        return table.render();
    }

    private void live(IngestClient ingest, VerdictRows rows, Map<String, Integer> expectedRows,
                      List<SampleCall> samples, BenchmarkOptions options, Stats.Spread raw, ResourceMonitor monitor,
                      Pipeline pipeline) throws Exception {
        ScheduledExecutorService clock = Executors.newScheduledThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "bench-live-clock");
            thread.setDaemon(true);
            return thread;
        });
        CallFeed feed = ingest.hasLiveApi() ? ingest : new KafkaCallFeed(pipeline.kafkaBootstrapServers());
        try (FeedClock verdictFeed = new FeedClock(pipeline.ingestUrl(), pipeline.settings().apiKey())) {
            log("Live feed: " + feed.describe() + "; verdicts also read from GET /v1/verdicts/stream");
            LiveLoad load = new LiveLoad(feed, rows, clock, expectedRows, verdictFeed);
            // a call at real time is one audio second per second per channel
            double capacityCalls = raw.median() / samples.stream().mapToInt(SampleCall::channels).average().orElse(1);
            List<Integer> levels = new ArrayList<>(options.levels());
            if (levels.isEmpty()) {
                TreeSet<Integer> derived = new TreeSet<>();
                for (double fraction : LEVEL_FRACTIONS) {
                    derived.add(Math.max(1, (int) Math.round(fraction * capacityCalls)));
                }
                levels.addAll(derived);
            }
            log("Live levels " + levels + " (raw limit allows about " + Format.number(capacityCalls, 1) + " calls)");
            // the live path (HTTP handlers, small transactions) has code the throughput phase never made hot
            log("Live warm-up: " + levels.get(0) + " calls for " + options.liveSeconds() + " s, not reported");
            load.run(samples, levels.get(0), options.liveSeconds());
            Map<Integer, Map<String, Object>> byLevel = new TreeMap<>(); // in call order, whatever the sweep order
            int maxSustainable = 0;
            int firstFailing = 0;
            for (int calls : levels) {
                Map<String, Object> level = liveLevel(load, samples, calls, options, monitor, pipeline);
                byLevel.put(calls, level);
                if (!(Boolean) level.get("sustainable")) {
                    firstFailing = calls; // lag grows from here: the sweep has found its end
                    break;
                }
                maxSustainable = calls;
            }
            // derived levels are a quarter of the raw limit apart: halve the gap at the edge down to 2 calls
            while (options.levels().isEmpty() && firstFailing - maxSustainable > 2) {
                int calls = (maxSustainable + firstFailing) / 2;
                Map<String, Object> level = liveLevel(load, samples, calls, options, monitor, pipeline);
                byLevel.put(calls, level);
                if ((Boolean) level.get("sustainable")) {
                    maxSustainable = calls;
                } else {
                    firstFailing = calls;
                }
            }
            int at70 = Math.max(1, (int) Math.round(0.7 * maxSustainable));
            if (maxSustainable > 0 && !byLevel.containsKey(at70)) {
                byLevel.put(at70, liveLevel(load, samples, at70, options, monitor, pipeline));
            }
            Map<String, Object> section = new LinkedHashMap<>();
            section.put("feed", feed.describe());
            section.put("rawCapacityCalls", capacityCalls);
            section.put("maxSustainableCalls", maxSustainable);
            section.put("callsAt70Percent", at70);
            section.put("levels", byLevel.values());
            double[] n = byLevel.keySet().stream().mapToDouble(Integer::doubleValue).toArray();
            double[] rss = byLevel.values().stream().mapToDouble(l -> ((Number) l.get("peakProcessRssBytes")).doubleValue()).toArray();
            double perCall = Stats.slope(n, rss);
            section.put("memoryPerCallBytes", perCall);
            report.put("live", section);

            TextTable table = new TextTable("(3) Live load at real-time pace, 250 ms chunks; utterance-end latency ms = stored_at - ingested_at; median over runs (min-max)",
                    "calls", "p50", "p95", "p99", "max", "wall-clock p95", "chunk ack p50/p99 ms", "in ingest / Kafka ack mean ms",
                    "cores", "peak RSS", "keeps up");
            for (Map<String, Object> level : byLevel.values()) {
                table.row(level.get("calls"), Format.spread((Stats.Spread) level.get("p50"), 0),
                        Format.spread((Stats.Spread) level.get("p95"), 0), Format.spread((Stats.Spread) level.get("p99"), 0),
                        Format.spread((Stats.Spread) level.get("max"), 0),
                        Format.spread((Stats.Spread) level.get("wallClockP95"), 0),
                        Format.number(((Stats.Spread) level.get("putP50")).median(), 1) + "/"
                                + Format.number(((Stats.Spread) level.get("putP99")).median(), 1),
                        Format.number((Double) level.get("chunkHandlingMeanMs"), 2) + " / "
                                + Format.number((Double) level.get("kafkaAckMeanMs"), 2),
                        Format.number(((Map<?, ?>) level.get("coresByService")).get("total") instanceof Double ? (Double) ((Map<?, ?>) level.get("coresByService")).get("total") : Double.NaN, 2),
                        Format.mib(((Number) level.get("peakProcessRssBytes")).doubleValue()),
                        (Boolean) level.get("sustainable") ? "yes" : "NO: " + level.get("problems"));
            }
            TextTable sse = new TextTable("(3b) The verdict feed: decision (decided_at) to arrival at an SSE client of GET /v1/verdicts/stream, against decision to PostgreSQL row; ms, median over runs (min-max)",
                    "calls", "to SSE p50", "to SSE p95", "to SSE p99", "to row p50", "to row p95", "SSE minus row p50");
            for (Map<String, Object> level : byLevel.values()) {
                sse.row(level.get("calls"), Format.spread((Stats.Spread) level.get("toFeedP50"), 0),
                        Format.spread((Stats.Spread) level.get("toFeedP95"), 0),
                        Format.spread((Stats.Spread) level.get("toFeedP99"), 0),
                        Format.spread((Stats.Spread) level.get("toStoreP50"), 0),
                        Format.spread((Stats.Spread) level.get("toStoreP95"), 0),
                        Format.spread((Stats.Spread) level.get("feedVsRowP50"), 0));
            }
            tables.add(table.render() + sse.render() + "feed: " + feed.describe() + "\nmax sustainable: " + maxSustainable + " calls; 70 %: " + at70
                    + " calls; memory per active call (slope of peak RSS over calls): "
                    + (Double.isNaN(perCall) ? "n/a" : Format.mib(perCall)) + "\n");
            Map<String, Object> level70 = byLevel.get(at70);
            if (level70 != null) {
                tables.add(cpuTable("(4c) CPU at " + at70 + " live calls (cores busy)",
                        (Map<String, Double>) level70.get("coresByService")));
            }
        } finally {
            clock.shutdownNow();
            if (feed instanceof AutoCloseable) {
                ((AutoCloseable) feed).close(); // before the broker stops
            }
        }
    }

    private Map<String, Object> liveLevel(LiveLoad load, List<SampleCall> samples, int calls, BenchmarkOptions options,
                                          ResourceMonitor monitor, Pipeline pipeline) throws Exception {
        monitor.resetPeaks();
        ResourceMonitor.Snapshot before = monitor.snapshot();
        MeterRegistry meters = pipeline.ingestContext().getBean(MeterRegistry.class);
        TimerDelta publish = new TimerDelta(meters.find("guardian.ingest.publish.latency").timer());
        TimerDelta handling = new TimerDelta(meters.find("guardian.ingest.chunk.handling").timer());
        TimerDelta callState = new TimerDelta(meters.find("guardian.ingest.call-state.latency").timer());
        List<LiveRun> runs = new ArrayList<>();
        for (int i = 0; i < options.runs(); i++) {
            LiveRun run = load.run(samples, calls, options.liveSeconds());
            log("Live " + calls + " calls, run " + (i + 1) + ": p50 " + Format.number(run.latency().p50(), 0)
                    + " p95 " + Format.number(run.latency().p95(), 0) + " p99 " + Format.number(run.latency().p99(), 0)
                    + " ms (to decision p50/p95 " + Format.number(run.toDecision().p50(), 0) + "/"
                    + Format.number(run.toDecision().p95(), 0) + ", decision to row " + Format.number(run.toStore().p50(), 0)
                    + "/" + Format.number(run.toStore().p95(), 0) + ", decision to SSE client "
                    + Format.number(run.toFeed().p50(), 0) + "/" + Format.number(run.toFeed().p95(), 0) + "), " + run.rows() + "/" + run.expectedRows() + " rows" + (run.sustainable() ? "" : " " + run.problems()));
            runs.add(run);
        }
        Map<String, Double> cores = monitor.snapshot().coresSince(before);
        Map<String, Object> level = new LinkedHashMap<>();
        level.put("calls", calls);
        level.put("p50", spread(runs, r -> r.latency().p50()));
        level.put("p95", spread(runs, r -> r.latency().p95()));
        level.put("p99", spread(runs, r -> r.latency().p99()));
        level.put("max", spread(runs, r -> r.latency().max()));
        level.put("wallClockP95", spread(runs, r -> r.wallLatency().p95()));
        level.put("toDecisionP50", spread(runs, r -> r.toDecision().p50()));
        level.put("toDecisionP95", spread(runs, r -> r.toDecision().p95()));
        level.put("toStoreP50", spread(runs, r -> r.toStore().p50()));
        level.put("toStoreP95", spread(runs, r -> r.toStore().p95()));
        level.put("toFeedP50", spread(runs, r -> r.toFeed().p50()));
        level.put("toFeedP95", spread(runs, r -> r.toFeed().p95()));
        level.put("toFeedP99", spread(runs, r -> r.toFeed().p99()));
        level.put("feedVsRowP50", spread(runs, r -> r.feedVsRow().p50()));
        level.put("putP50", spread(runs, r -> r.putMs().p50()));
        level.put("putP99", spread(runs, r -> r.putMs().p99()));
        // a chunk's answer waits for two acknowledgements: its audio's, then its call state's
        level.put("kafkaAckMeanMs", publish.meanMs() + callState.meanMs());
        level.put("chunkHandlingMeanMs", handling.meanMs());
        long sustainableRuns = runs.stream().filter(LiveRun::sustainable).count();
        level.put("sustainable", sustainableRuns * 2 > runs.size());
        level.put("problems", runs.stream().flatMap(r -> r.problems().stream()).distinct().toList());
        level.put("coresByService", cores);
        level.put("peakProcessRssBytes", monitor.peakRssBytes());
        level.put("peakHeapBytes", monitor.peakHeapBytes());
        level.put("peakPostgresRssBytes", monitor.peakPostgresRssBytes());
        level.put("runs", runs);
        return level;
    }

    /** A Micrometer timer's mean over a span of time: what was added since this delta was taken. */
    private static final class TimerDelta {
        private final Timer timer;
        private final long count;
        private final double totalMs;

        TimerDelta(Timer timer) {
            this.timer = timer;
            this.count = timer == null ? 0 : timer.count();
            this.totalMs = timer == null ? 0 : timer.totalTime(TimeUnit.MILLISECONDS);
        }

        double meanMs() {
            long added = timer == null ? 0 : timer.count() - count;
            return added == 0 ? Double.NaN : (timer.totalTime(TimeUnit.MILLISECONDS) - totalMs) / added;
        }
    }

    private static Stats.Spread spread(List<LiveRun> runs, java.util.function.ToDoubleFunction<LiveRun> figure) {
        return Stats.spread(runs.stream().mapToDouble(figure).toArray());
    }

    @SuppressWarnings("unchecked")
    private void targets(Stats.Spread ratioToRaw) {
        List<Map<String, Object>> targets = new ArrayList<>();
        TextTable table = new TextTable("Targets (reported, not asserted)", "target", "measured", "met");
        double ratio = ratioToRaw.median();
        target(targets, table, "pipeline throughput >= 90 % of raw", Format.percent(ratio), ratio >= 0.90);
        Map<String, Object> live = (Map<String, Object>) report.get("live");
        Map<String, Object> level70 = null;
        for (Object level : (Iterable<?>) live.get("levels")) {
            if (((Map<String, Object>) level).get("calls").equals(live.get("callsAt70Percent"))) {
                level70 = (Map<String, Object>) level;
            }
        }
        if (level70 == null) {
            target(targets, table, "p95 <= 300 ms, p99 <= 600 ms at 70 % of max live load", "no sustainable level",
                    false);
        } else {
            double p95 = ((Stats.Spread) level70.get("p95")).median();
            double p99 = ((Stats.Spread) level70.get("p99")).median();
            String at = " at " + level70.get("calls") + " calls";
            // issue 17's targets, on the telephony corpus
            target(targets, table, "p95 <= 300 ms" + at, Format.number(p95, 0) + " ms", p95 <= 300);
            target(targets, table, "p99 <= 600 ms" + at, Format.number(p99, 0) + " ms", p99 <= 600);
            double handled = (Double) level70.get("chunkHandlingMeanMs");
            double ack = (Double) level70.get("kafkaAckMeanMs");
            double added = handled - ack;
            if (Double.isNaN(added)) {
                targets.add(Map.of("target", "ingest adds < 1 ms per chunk", "measured",
                        "not measured: the live feed bypassed ingest", "met", "not measured"));
                table.row("ingest adds < 1 ms per chunk", "not measured (live feed bypassed ingest)", "-");
            } else {
                target(targets, table, "ingest adds < 1 ms per chunk" + at, Format.number(added, 2)
                        + " ms (chunk handling mean " + Format.number(handled, 2) + " - Kafka ack mean "
                        + Format.number(ack, 2) + ")", added < 1);
            }
        }
        Map<String, Object> startup = (Map<String, Object>) report.get("startup");
        startup.forEach((part, figures) -> {
            long ms = ((Number) ((Map<String, Object>) figures).get("readyExcludingModelMs")).longValue();
            target(targets, table, part + " ready < 10 s excl. model", ms + " ms", ms < 10_000);
        });
        report.put("targets", targets);
        tables.add(table.render());
    }

    private static void target(List<Map<String, Object>> targets, TextTable table, String name, String measured,
                               boolean met) {
        targets.add(Map.of("target", name, "measured", measured, "met", met));
        table.row(name, measured, met ? "yes" : "NO");
    }

    private static void log(String line) {
        System.err.println("[benchmark] " + line);
    }
}
