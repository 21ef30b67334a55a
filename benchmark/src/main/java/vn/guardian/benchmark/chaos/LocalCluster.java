package vn.guardian.benchmark.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The processes {@code infra/local-cluster.sh} started, as recorded in its work folder ({@code pids}: name, pid,
 * port), and its fault verbs ({@code kill}, {@code restart}, {@code pause}) run through the script itself, so the
 * suite signals exactly the processes the script knows.
 */
final class LocalCluster {

    private final Path script;
    private final Path work;
    private final Map<String, Integer> ports = new LinkedHashMap<>();

    LocalCluster(Path script, Path work) throws IOException {
        this.script = script;
        this.work = work;
        Path pids = work.resolve("pids");
        if (!Files.isReadable(pids)) {
            throw new IOException("No local cluster recorded in " + pids + ". Start one with: " + script
                    + " start --transcribers 2 --ingest 2 --moderation 2 (or run infra/chaos.sh, which does)");
        }
        for (String line : Files.readAllLines(pids)) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length >= 3) {
                ports.put(fields[0], Integer.parseInt(fields[2]));
            }
        }
    }

    /** Names of the recorded processes starting with {@code prefix} (kafka-, transcriber-, ingest-, moderation-). */
    List<String> names(String prefix) {
        return ports.keySet().stream().filter(name -> name.startsWith(prefix)).toList();
    }

    String bootstrapServers() {
        return String.join(",", names("kafka-").stream().map(name -> "127.0.0.1:" + ports.get(name)).toList());
    }

    List<String> ingestUrls() {
        return names("ingest-").stream().map(name -> "http://127.0.0.1:" + ports.get(name)).toList();
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + ports.get("postgres") + "/guardian";
    }

    String databaseUser() {
        return "guardian";
    }

    String databasePassword() throws IOException {
        return Files.readString(work.resolve("pg/password")).trim();
    }

    String apiKey() throws IOException {
        return Files.readString(work.resolve("api-key")).trim();
    }

    /** Runs {@code local-cluster.sh verb args...}; its log lines go to stderr; fails unless it exits 0. */
    void run(String... verbAndArgs) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(script.toString());
        command.addAll(List.of(verbAndArgs));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("GUARDIAN_LOCAL_WORK", work.toString());
        Process process = builder.start();
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
    Process pauseInBackground(String name, int seconds) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(script.toString(), "pause", name, Integer.toString(seconds))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("GUARDIAN_LOCAL_WORK", work.toString());
        return builder.start();
    }
}
