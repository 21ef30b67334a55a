package vn.guardian.standalone.crash;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A JVM child process on the test's own classpath, its output in a log file. {@link #kill()} is SIGKILL on Linux
 * ({@code kill -9}): no shutdown hook, no leave-group, no transaction abort.
 */
final class JavaProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path log;

    private JavaProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code mainClass} with the JVM options and arguments given, logging to {@code log}. */
    static JavaProcess start(String name, Path log, List<String> jvmOptions, String mainClass, List<String> args)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        // failsafe's manifest-only booter jar works here too: the JVM follows its Class-Path
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(args);
        Files.createDirectories(log.getParent());
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        JavaProcess started = new JavaProcess(name, process, log);
        // a test JVM that exits early must not leave brokers or replicas behind
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        return started;
    }

    /** Runs {@code mainClass} to completion; fails with the tail of its log unless it exits 0. */
    static void run(String name, Path log, List<String> jvmOptions, String mainClass, List<String> args)
            throws IOException, InterruptedException {
        JavaProcess tool = start(name, log, jvmOptions, mainClass, args);
        if (!tool.process.waitFor(90, TimeUnit.SECONDS) || tool.process.exitValue() != 0) {
            tool.kill();
            throw new IllegalStateException(name + " failed; log " + log + ":\n" + tool.logTail());
        }
    }

    boolean alive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /** {@code kill -9}, then waits for the process to be gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    String logTail() {
        String text = log();
        return text.length() <= 6000 ? text : text.substring(text.length() - 6000);
    }

    String name() {
        return name;
    }

    /** Asks politely (SIGTERM) and waits a little, then kills. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            kill();
        }
    }
}
