package vn.guardian.benchmark.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;

/**
 * Pins every thread of this JVM to a CPU list with {@code taskset -a -p -c} for the span of a try block, and puts
 * the previous affinity back on close: the raw Vosk run gets exactly the cores the transcriber process gets.
 */
public final class CpuPinning implements AutoCloseable {

    private final String previous;

    private CpuPinning(String previous) {
        this.previous = previous;
    }

    /** Pins this JVM to {@code cpus}; an empty list pins nothing. */
    public static CpuPinning to(String cpus) throws IOException, InterruptedException {
        String self = Long.toString(ProcessHandle.current().pid());
        String current = taskset("-p", "-c", self);
        String previous = current.substring(current.lastIndexOf(':') + 1).trim();
        if (!cpus.isEmpty()) {
            taskset("-a", "-p", "-c", cpus, self);
        }
        return new CpuPinning(cpus.isEmpty() ? "" : previous);
    }

    /**
     * Pins every thread of {@code pids} and of their child processes to {@code cpus}, for good: threads and processes
     * they start later inherit it (PostgreSQL's backends from the postmaster). A process gone meanwhile is skipped.
     */
    public static void processes(String cpus, Collection<Long> pids) throws IOException, InterruptedException {
        for (long root : pids) {
            for (long pid : ProcessTable.tree(root)) {
                try {
                    taskset("-a", "-p", "-c", cpus, Long.toString(pid));
                } catch (IllegalStateException e) {
                    if (ProcessHandle.of(pid).isPresent()) {
                        throw e;
                    }
                }
            }
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (!previous.isEmpty()) {
            taskset("-a", "-p", "-c", previous, Long.toString(ProcessHandle.current().pid()));
        }
    }

    private static String taskset(String... args) throws IOException, InterruptedException {
        String[] command = new String[args.length + 1];
        command[0] = "taskset";
        System.arraycopy(args, 0, command, 1, args.length);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output.strip()
                    + "; install util-linux (taskset) or pass --transcriber-cpus none");
        }
        return output;
    }
}
