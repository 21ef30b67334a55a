package vn.guardian.benchmark.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline as {@code infra/local-cluster.sh} runs it: every part its own process (3 brokers, PostgreSQL, ingest,
 * transcribers, moderation), found through the PIDs, ports and secrets the script records under
 * {@code $GUARDIAN_LOCAL_WORK} ({@code pids}: name, pid, port, and {@code stopped} for a replica taken out with
 * {@code stop-one}). Ports come from the same {@code GUARDIAN_*} variables the script reads, so both agree. A cluster
 * that is already running is used as it is and left running; one this class started, it stops. The script's verbs
 * ({@code kill}, {@code restart}, {@code add}, ...) run through {@link #run}, so callers signal exactly the processes
 * the script knows. The pids file is read again on every question: {@code add}, {@code stop-one} and {@code restart}
 * change it.
 */
public final class LocalCluster implements AutoCloseable {

    /** Lifts the per-tenant fairness limits: the benchmark is one tenant carrying the whole load. */
    private static final Map<String, String> BENCHMARK_ENV = Map.of(
            "GUARDIAN_INGEST_LIMITS_MAX_CONCURRENT_CALLS", "100000",
            "GUARDIAN_INGEST_LIMITS_REQUESTS_PER_SECOND", "1000000",
            "GUARDIAN_INGEST_LIMITS_REQUEST_BURST", "1000000",
            // the benchmark looks for the CPU limit, so the memory bound must not pause partitions first
            "GUARDIAN_TRANSCRIBER_MAX_RECOGNIZERS", "64");

    private final Path script;
    private final Path work;
    private final boolean startedHere;

    private LocalCluster(Path script, Path work, boolean startedHere) {
        this.script = script;
        this.work = work;
        this.startedHere = startedHere;
    }

    /** The work folder the script uses: {@code $GUARDIAN_LOCAL_WORK}, else its default under {@code infra/}. */
    public static Path workDir(Path repo) {
        String env = System.getenv("GUARDIAN_LOCAL_WORK");
        return env == null || env.isBlank() ? repo.resolve("infra/local-cluster/work") : Path.of(env);
    }

    /** The cluster {@code script} recorded in {@code work}, used as it is and left running (the chaos suite's). */
    public static LocalCluster recorded(Path script, Path work) throws IOException {
        Path pids = work.resolve("pids");
        if (!Files.isReadable(pids) || Files.size(pids) == 0) {
            throw new IOException("No local cluster recorded in " + pids + ". Start one with: " + script
                    + " start --transcribers 2 --ingest 2 --moderation 2 (or run infra/chaos.sh, which does)");
        }
        return new LocalCluster(script, work, false);
    }

    /**
     * Uses the running cluster of {@code $GUARDIAN_LOCAL_WORK}, or starts one with {@code transcribers} transcribers,
     * each pinned to {@code transcriberCpus} (a {@code taskset -c} list; empty: not pinned).
     */
    public static LocalCluster useOrStart(Path repo, int transcribers, String transcriberCpus) throws Exception {
        Path script = repo.resolve("infra/local-cluster.sh");
        if (!Files.isExecutable(script)) {
            throw new IllegalArgumentException("--repo " + repo.toAbsolutePath() + " has no infra/local-cluster.sh; "
                    + "run from the repository root or pass --repo DIR");
        }
        Path work = workDir(repo);
        Path pids = work.resolve("pids");
        if (Files.exists(pids) && Files.size(pids) > 0) {
            log("Using the running local cluster of " + work + " (left running afterwards)");
            return new LocalCluster(script, work, false);
        }
        ProcessBuilder start = new ProcessBuilder(script.toString(), "start", "--transcribers",
                Integer.toString(transcribers)).inheritIO();
        withoutOwnAllocator(start);
        start.environment().putAll(BENCHMARK_ENV);
        if (!transcriberCpus.isEmpty()) {
            start.environment().put("GUARDIAN_TRANSCRIBER_CPUS", transcriberCpus);
        }
        log("Starting the local cluster in " + work + ": " + String.join(" ", start.command())
                + (transcriberCpus.isEmpty() ? "" : " with GUARDIAN_TRANSCRIBER_CPUS=" + transcriberCpus));
        LocalCluster cluster = new LocalCluster(script, work, true);
        int exit = start.start().waitFor();
        if (exit != 0) {
            throw new IllegalStateException("infra/local-cluster.sh start exited " + exit
                    + "; its logs are under " + work + " (a port taken? set GUARDIAN_*_PORT, see README)");
        }
        return cluster;
    }

    /** Whether this class started the cluster (and will stop it), rather than finding it running. */
    public boolean startedHere() {
        return startedHere;
    }

    /** Recorded processes in start order, those stopped with {@code stop-one} left out: name to {pid, port}. */
    public Map<String, long[]> processes() throws IOException {
        return processes(Files.readAllLines(work.resolve("pids")));
    }

    /** The lines of a {@code pids} file ({@code name pid [port [stopped]]}) as {@link #processes()} answers them. */
    static Map<String, long[]> processes(List<String> pidsLines) {
        Map<String, long[]> processes = new LinkedHashMap<>();
        for (String line : pidsLines) {
            String[] fields = line.trim().split("\\s+");
            boolean stopped = fields.length > 3 && fields[3].equals("stopped");
            if (fields.length >= 2 && !stopped) {
                processes.put(fields[0], new long[] {Long.parseLong(fields[1]),
                        fields.length > 2 ? Long.parseLong(fields[2]) : -1});
            }
        }
        return processes;
    }

    /** Names of the running-recorded processes starting with {@code prefix} (kafka-, transcriber-, ingest-, ...). */
    public List<String> names(String prefix) throws IOException {
        return processes().keySet().stream().filter(name -> name.startsWith(prefix)).toList();
    }

    /** Process name to PID, e.g. kafka-1, postgres, transcriber-1. */
    public Map<String, Long> pids() throws IOException {
        Map<String, Long> pids = new LinkedHashMap<>();
        processes().forEach((name, pidPort) -> pids.put(name, pidPort[0]));
        return pids;
    }

    /** The Spring services (those with an HTTP port and actuator): name to base URL. */
    public Map<String, String> serviceUrls() throws IOException {
        Map<String, String> urls = new LinkedHashMap<>();
        processes().forEach((name, pidPort) -> {
            if (!name.startsWith("kafka-") && !name.equals("postgres")) {
                urls.put(name, "http://127.0.0.1:" + pidPort[1]);
            }
        });
        return urls;
    }

    /** The first ingest replica (local-cluster.sh names them ingest-1, ingest-2, ...). */
    public String ingestUrl() throws IOException {
        return serviceUrls().entrySet().stream().filter(service -> service.getKey().startsWith("ingest-"))
                .map(Map.Entry::getValue).findFirst()
                .orElseThrow(() -> new IllegalStateException("the local cluster has no ingest replica ("
                        + work.resolve("pids") + "); build it: ./mvnw -o -B -pl ingest-service -am -DskipTests "
                        + "package, then stop and start"));
    }

    /** Every ingest replica, in start order (the chaos suite's clients fail over between them). */
    public List<String> ingestUrls() throws IOException {
        return serviceUrls().entrySet().stream().filter(service -> service.getKey().startsWith("ingest-"))
                .map(Map.Entry::getValue).toList();
    }

    /** Tenant "demo"'s API key, written by the script. */
    public String apiKey() throws IOException {
        return Files.readString(work.resolve("api-key")).trim();
    }

    public String jdbcUrl() throws IOException {
        return "jdbc:postgresql://127.0.0.1:" + processes().get("postgres")[1] + "/guardian";
    }

    public String databaseUser() {
        return "guardian";
    }

    public String databasePassword() throws IOException {
        return Files.readString(work.resolve("pg/password")).trim();
    }

    public String bootstrapServers() throws IOException {
        StringBuilder servers = new StringBuilder();
        processes().forEach((name, pidPort) -> {
            if (name.startsWith("kafka-")) {
                servers.append(servers.isEmpty() ? "" : ",").append("127.0.0.1:").append(pidPort[1]);
            }
        });
        return servers.toString();
    }

    public Path work() {
        return work;
    }

    public List<String> transcribers() throws IOException {
        return names("transcriber-");
    }

    /** Runs {@code local-cluster.sh verb args...}; its log lines go to stderr; fails unless it exits 0. */
    public void run(String... verbAndArgs) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(script.toString());
        command.addAll(List.of(verbAndArgs));
        Process process = script(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .start();
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish within 10 minutes");
        }
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " exited with " + process.exitValue()
                    + "; see the [local-cluster] lines above");
        }
    }

    /** {@code pause NAME SECONDS} in the background, so the load goes on while the process is stopped. */
    public Process pauseInBackground(String name, int seconds) throws IOException {
        return script(List.of(script.toString(), "pause", name, Integer.toString(seconds))).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
    }

    /** The script on this cluster's work folder, whatever {@code $GUARDIAN_LOCAL_WORK} says in this JVM. */
    private ProcessBuilder script(List<String> command) {
        ProcessBuilder builder = withoutOwnAllocator(new ProcessBuilder(command));
        builder.environment().put("GUARDIAN_LOCAL_WORK", work.toString());
        return builder;
    }

    /** The script picks each service's allocator; a benchmark run under jemalloc must not hand it to all of them. */
    private static ProcessBuilder withoutOwnAllocator(ProcessBuilder builder) {
        builder.environment().remove("LD_PRELOAD");
        builder.environment().remove("MALLOC_CONF");
        return builder;
    }

    /** Stops the cluster if this class started it. */
    @Override
    public void close() throws Exception {
        if (!startedHere) {
            return;
        }
        log("Stopping the local cluster");
        Process stop = script(List.of(script.toString(), "stop")).inheritIO().start();
        if (!stop.waitFor(5, TimeUnit.MINUTES)) {
            stop.destroy();
        }
    }

    private static void log(String line) {
        System.err.println("[benchmark] " + line);
    }
}
