package vn.guardian.benchmark.chaos;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import vn.guardian.benchmark.Machine;
import vn.guardian.benchmark.audio.SampleCall;
import vn.guardian.benchmark.audio.Workload;
import vn.guardian.benchmark.cluster.LocalCluster;
import vn.guardian.benchmark.pipeline.IngestClient;
import vn.guardian.benchmark.raw.RawVosk;
import vn.guardian.benchmark.report.Format;
import vn.guardian.benchmark.report.ReportJson;
import vn.guardian.benchmark.report.TextTable;
import vn.guardian.contracts.Topics;

/**
 * The fault-injection suite ({@code benchmark.jar chaos}, run by {@code infra/chaos.sh}): against a running
 * {@code infra/local-cluster.sh}, for each fault in its own run, a steady live load of calls, the fault at a random
 * moment mid-call, then a verification of every call: nothing lost, nothing doubled, and how long verdicts waited.
 * Exit status 1 when any run lost or doubled an utterance or left acknowledged chunks untranscribed.
 */
public final class ChaosCommand {

    static final String USAGE = """
            usage: java -jar benchmark/target/benchmark.jar chaos [options]   (from the repository root)
              --work DIR          the local cluster's work folder (default $GUARDIAN_LOCAL_WORK or infra/local-cluster/work)
              --faults A,B        faults, each in its own run (default %s); also %s
                                  (scale-out,scale-in,transcriber: a replica added, one stopped gracefully, one killed)
              --calls N           concurrent live calls (default 3: about 70 %% of what the 2-core machine sustains, see docs/reliability.md)
              --seconds S         length of each run's load (default 75; longer if the fault needs it)
              --warm-up S         unmeasured load before the first run, so that every JVM is past its JIT warm-up (default 120; 0: none)
              --samples DIR       16 kHz mono WAV calls (default samples)
              --max-call-seconds S  leave out samples longer than this (default 15)
              --seed N            picks the fault moments and victims (default: random)
              --out FILE          JSON report (default target/chaos.json)
            """.formatted(String.join(",", Fault.SUITE.stream().map(Fault::id).toList()),
            String.join(", ", Fault.extras().stream().map(Fault::id).toList()));

    /** Load before the fault: long enough for a baseline, and every caller is mid-call when it strikes. */
    private static final long WARM_MS = 20_000;
    private static final int FAULT_JITTER_MS = 10_000;
    /** Load after the broken process is back, so its return (a second rebalance) is measured too. */
    private static final long AFTER_MS = 20_000;
    /** Between runs: the last run's restarts settle (rebalances, standby catch-up). */
    private static final long SETTLE_MS = 10_000;
    /** Longest the load waits, after a transcriber change, for the group to be whole again (then it is reported not). */
    private static final long REBALANCE_WAIT_MS = 60_000;

    record Options(Path work, Path script, List<Fault> faults, int calls, int seconds, int warmUpSeconds,
                   Path samples, double maxCallSeconds, long seed, Path out) {

        static Options parse(String[] args, String envWork) {
            Path work = Path.of(envWork != null && !envWork.isBlank() ? envWork : "infra/local-cluster/work");
            List<Fault> faults = Fault.SUITE;
            int calls = 3;
            int seconds = 75;
            int warmUp = 120;
            Path samples = Path.of("samples");
            double maxCallSeconds = 15;
            long seed = new Random().nextLong();
            Path out = Path.of("target/chaos.json");
            for (int i = 0; i < args.length; i++) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(args[i] + " needs a value");
                }
                String value = args[++i];
                switch (args[i - 1]) {
                    case "--work" -> work = Path.of(value);
                    case "--faults" -> faults = Arrays.stream(value.split(",")).map(String::trim)
                            .map(Fault::of).toList();
                    case "--calls" -> calls = atLeast(1, "--calls", value);
                    case "--seconds" -> seconds = atLeast(1, "--seconds", value);
                    case "--warm-up" -> warmUp = atLeast(0, "--warm-up", value);
                    case "--samples" -> samples = Path.of(value);
                    case "--max-call-seconds" -> maxCallSeconds = atLeast(1, "--max-call-seconds", value);
                    case "--seed" -> seed = Long.parseLong(value);
                    case "--out" -> out = Path.of(value);
                    default -> throw new IllegalArgumentException("unknown option " + args[i - 1]);
                }
            }
            return new Options(work, Path.of("infra/local-cluster.sh"), faults, calls, seconds, warmUp, samples,
                    maxCallSeconds, seed, out);
        }

        private static int atLeast(int least, String option, String value) {
            try {
                int n = Integer.parseInt(value);
                if (n >= least) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // the message below says what is wanted
            }
            throw new IllegalArgumentException(option + " must be a whole number of at least " + least + ", got '"
                    + value + "'");
        }
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args, System.getenv("GUARDIAN_LOCAL_WORK"));
        } catch (IllegalArgumentException e) {
            System.err.println("chaos: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        List<FaultResult> results = run(options);
        System.exit(results.stream().allMatch(ChaosCommand::whole) ? 0 : 1);
    }

    /** Nothing lost or still missing, nothing doubled, every acknowledged chunk of an ended call transcribed. */
    static boolean whole(FaultResult result) {
        return result.lost() == 0 && result.pending() == 0 && result.extra() == 0
                && result.doubledTranscripts() == 0
                && result.doubledVerdicts() == 0 && result.ackedNotTranscribed() == 0;
    }

    /** Runs every fault of {@code options} against the local cluster and prints the table. */
    public static List<FaultResult> run(Options options) throws Exception {
        LocalCluster cluster = LocalCluster.recorded(options.script(), options.work());
        List<SampleCall> samples = Workload.load(options.samples(), 1).calls().stream()
                .filter(sample -> sample.seconds() <= options.maxCallSeconds()).toList();
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("no sample in " + options.samples() + " is at most "
                    + options.maxCallSeconds() + " s long; raise --max-call-seconds");
        }
        Map<String, Integer> expected;
        try (RawVosk vosk = RawVosk.load(Path.of(System.getProperty("java.io.tmpdir"), "guardian-models"))) {
            // Vosk is deterministic on the same 250 ms chunks: what it yields alone is what every call must store
            expected = vosk.run(samples, Runtime.getRuntime().availableProcessors()).segmentsBySample();
        }
        log("Samples and their utterances (Vosk alone): " + expected + "; seed " + options.seed());
        Random random = new Random(options.seed());
        IngestClient ingest = new IngestClient(cluster.ingestUrls(), cluster.apiKey(), 8);
        FaultVerifier verifier = new FaultVerifier(cluster.jdbcUrl(), cluster.databaseUser(),
                cluster.databasePassword(), cluster.bootstrapServers(), expected);
        ScheduledExecutorService clock = Executors.newScheduledThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "chaos-clock");
            thread.setDaemon(true);
            return thread;
        });
        if (options.warmUpSeconds() > 0) {
            // a fresh cluster's JVMs compile for their first minute: a deployment that takes calls is past that
            log("Warm-up: " + options.calls() + " live calls for " + options.warmUpSeconds() + " s, not measured");
            CallLoad warmUp = new CallLoad(ingest, samples, clock);
            warmUp.start(options.calls(), 0);
            Thread.sleep(options.warmUpSeconds() * 1000L);
            warmUp.finish();
        }
        List<FaultResult> results = new ArrayList<>();
        List<String> loadAverages = new ArrayList<>();
        AddedTranscribers added = new AddedTranscribers();
        try {
            for (Fault fault : options.faults()) {
                Thread.sleep(SETTLE_MS);
                if (fault == Fault.SCALE_IN && !added.any()) {
                    // scale-in stops a replica the suite added, so the cluster ends as it began: alone, it adds one
                    log("Run 'scale-in': adding the transcriber replica it will stop, before its load (not measured)");
                    added.add(cluster);
                    Thread.sleep(SETTLE_MS);
                }
                FaultResult result = run(fault, options, cluster, ingest, samples, clock, random, verifier, added);
                String loadAverage = Machine.loadAverage();
                results.add(result);
                loadAverages.add(loadAverage);
                log("Run '" + fault.id() + "': " + result + "; load average " + loadAverage);
            }
        } finally {
            if (added.any()) {
                stopAdded(cluster, added);
            }
        }
        print(results, loadAverages, options);
        return results;
    }

    /** One fault in its own run: the load, the fault mid-call, the transcriber group watched if it changes. */
    private static FaultResult run(Fault fault, Options options, LocalCluster cluster, IngestClient ingest,
                                   List<SampleCall> samples, ScheduledExecutorService clock, Random random,
                                   FaultVerifier verifier, AddedTranscribers added) throws Exception {
        log("Run '" + fault.id() + "': " + fault.description() + "; " + options.calls() + " live calls");
        CallLoad load = new CallLoad(ingest, samples, clock);
        long failoversBefore = ingest.failovers();
        long loadStart = System.currentTimeMillis();
        load.start(options.calls(), random.nextInt(samples.size()));
        // watched from the load's start, so the timeline shows the group as it was before the change
        TranscriberGroupWatch watch = fault.changesTranscriberGroup()
                ? new TranscriberGroupWatch(cluster.bootstrapServers()) : null;
        RebalanceTimeline group = null;
        long faultAt = loadStart + WARM_MS + random.nextInt(FAULT_JITTER_MS);
        long faultDone;
        long loadEnd;
        String target;
        try {
            Thread.sleep(Math.max(0, faultAt - System.currentTimeMillis()));
            faultAt = System.currentTimeMillis();
            target = fault.inject(cluster, random, load::liveCall, ingest::replicaInUse, added);
            faultDone = System.currentTimeMillis();
            loadEnd = Math.max(loadStart + options.seconds() * 1000L, faultDone + AFTER_MS);
            if (watch != null) {
                long settledAfter = watch.awaitSettled(faultAt, REBALANCE_WAIT_MS).settledAfterChangeMs();
                log("Run '" + fault.id() + "': transcriber group " + (settledAfter < 0 ? "not whole again yet"
                        : "whole again " + Format.number(settledAfter / 1000.0, 1) + " s after the change"));
                if (settledAfter >= 0) {
                    // the rebalance window (until settled + margin) must be under load to its end
                    loadEnd = Math.max(loadEnd, faultAt + settledAfter + LatencyWindow.MARGIN_MS);
                }
            }
            Thread.sleep(Math.max(0, loadEnd - System.currentTimeMillis()));
            load.finish();
            if (watch != null) {
                group = watch.timeline(faultAt);
            }
        } finally {
            if (watch != null) {
                watch.close();
            }
        }
        log("Run '" + fault.id() + "': load stopped; verifying " + load.calls().size() + " calls");
        return verifier.verify(fault, target, load.calls(), load.startFailures(), loadStart, faultAt, faultDone,
                ingest.failovers() - failoversBefore, group, loadEnd);
    }

    private static void stopAdded(LocalCluster cluster, AddedTranscribers added) {
        log("Stopping the transcriber replicas the suite added, so the cluster ends with those it had");
        try {
            log("Stopped " + added.stopAll(cluster));
        } catch (Exception e) {
            log("Could not stop an added replica: " + e.getMessage() + "; stop it with: infra/local-cluster.sh "
                    + "stop-one NAME (names: infra/local-cluster.sh status)");
        }
    }

    private static void print(List<FaultResult> results, List<String> loadAverages, Options options) throws Exception {
        TextTable table = new TextTable("Faults: " + options.calls() + " live calls, each fault in its own run",
                "fault", "hit", "calls ended/abandoned", "utterances expected", "stored once", "lost", "not closed: missing", "extra",
                "doubled (transcripts/verdicts)", "acked chunks not transcribed", "p95 before (ms)",
                "p99 before (ms)", "max latency after (ms)", "added delay (s)", "added: while down / on return (s)", "recovery (s)", "fault lasted (s)", "load average");
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("machine", Machine.describe(Runtime.getRuntime().availableProcessors()));
        report.put("options", Map.of("calls", options.calls(), "seconds", options.seconds(), "seed", options.seed(),
                "faults", options.faults().stream().map(Fault::id).toList()));
        List<Map<String, Object>> runs = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            FaultResult r = results.get(i);
            table.row(r.fault(), r.target(), r.callsEnded() + "/" + r.callsAbandoned(), r.expected(), r.storedOnce(),
                    r.lost(), r.callsNotClosed() + " calls: " + r.pending(), r.extra(),
                    r.doubledTranscripts() + "/" + r.doubledVerdicts(), r.ackedNotTranscribed(),
                    Format.number(r.baselineP95Ms(), 0), Format.number(r.baselineP99Ms(), 0),
                    Format.number(r.maxLatencyMs(), 0),
                    Format.number(r.addedDelayMs() / 1000, 1), Format.number(r.addedWhileDownMs() / 1000, 1) + " / "
                            + Format.number(r.addedOnReturnMs() / 1000, 1), Format.number(r.recoveryMs() / 1000.0, 1),
                    Format.number(r.faultMs() / 1000.0, 1), loadAverages.get(i));
            runs.add(Map.of("result", r, "loadAverage", loadAverages.get(i)));
        }
        report.put("runs", runs);
        System.out.println();
        System.out.println(table.render());
        printRebalances(results);
        results.stream().filter(r -> r.callsAbandoned() > 0).forEach(r -> System.out.println("  " + r.fault()
                + ": " + r.callsAbandoned() + " call(s) abandoned by the client with " + r.abandonedChunks()
                + " acknowledged chunk(s), e.g. " + r.abandonReasons()));
        ReportJson.write(report, options.out());
        System.out.println("JSON: " + options.out().toAbsolutePath());
    }

    /** The faults that changed the transcriber group: its rebalance, the latency during it, and its timeline. */
    private static void printRebalances(List<FaultResult> results) {
        List<FaultResult> changed = results.stream().filter(r -> r.rebalance() != null).toList();
        if (changed.isEmpty()) {
            return;
        }
        TextTable table = new TextTable("Transcriber group changes (group " + TranscriberGroupWatch.GROUP
                + " polled every " + TranscriberGroupWatch.POLL_MS + " ms; whole = Stable with every " + Topics.AUDIO
                + " partition assigned; window = utterances that ended from the change until whole again + "
                + LatencyWindow.MARGIN_MS / 1000 + " s)",
                "fault", "hit", "members before -> after", "whole again after the change (s)", "rebalance (s)",
                "window (s)", "utterances in window", "p95 before (ms)", "p99 before (ms)", "p99 in window (ms)",
                "max in window (ms)", "utterances / p99 in the rebalance only (ms)", "lost", "doubled (transcripts/verdicts)");
        for (FaultResult r : changed) {
            RebalanceCost cost = r.rebalance();
            table.row(r.fault(), r.target(), cost.membersBefore() < 0 ? "no rebalance seen"
                            : cost.membersBefore() + " -> " + cost.membersAfter(),
                    cost.membersBefore() < 0 ? "-" : cost.settledAfterChangeMs() < 0 ? "not whole"
                            : Format.number(cost.settledAfterChangeMs() / 1000.0, 1),
                    cost.rebalanceMs() < 0 ? "-" : Format.number(cost.rebalanceMs() / 1000.0, 1),
                    Format.number((cost.window().toMs() - cost.window().fromMs()) / 1000.0, 1),
                    cost.window().utterances(), Format.number(r.baselineP95Ms(), 0),
                    Format.number(r.baselineP99Ms(), 0), Format.number(cost.window().p99Ms(), 0),
                    Format.number(cost.window().maxMs(), 0),
                    cost.duringRebalance() == null ? "-" : cost.duringRebalance().utterances() + " / "
                            + Format.number(cost.duringRebalance().p99Ms(), 0), r.lost(),
                    r.doubledTranscripts() + "/" + r.doubledVerdicts());
        }
        System.out.println();
        System.out.println(table.render());
        for (FaultResult r : changed) {
            System.out.println("  " + r.fault() + " (" + r.target() + "), group timeline from the change:");
            r.rebalance().timeline().forEach(event -> System.out.println("    " + event));
        }
    }

    private static void log(String message) {
        System.err.println("[chaos] " + message);
    }
}
