package vn.guardian.benchmark.cluster;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.StringJoiner;
import vn.guardian.benchmark.BenchmarkOptions;

/**
 * The options of the modes that run against {@code infra/local-cluster.sh}: {@code --cluster local
 * [--transcriber-cpus LIST] [--transcribers N] [--repo DIR]}; every other option is the single-JVM benchmark's.
 *
 * @param transcriberCpus a {@code taskset -c} CPU list for each transcriber and for the raw Vosk run; empty: no pinning
 * @param transcribers    transcriber processes the script starts (when it starts the cluster)
 * @param repo            the repository root, holding {@code infra/local-cluster.sh}
 * @param rest            the arguments left for {@link BenchmarkOptions} or the soak
 */
public record ClusterOptions(String transcriberCpus, int transcribers, Path repo, List<String> rest) {

    public static final String USAGE = "--cluster local [--transcriber-cpus 1] [--transcribers 1] [--repo .]";

    /** Whether these arguments ask for the local cluster (else the pipeline runs in this JVM). */
    public static boolean wanted(String... args) {
        return List.of(args).contains("--cluster");
    }

    public static ClusterOptions parse(String... args) {
        String cpus = defaultCpus();
        int transcribers = 1;
        Path repo = Path.of(".");
        boolean cluster = false;
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            boolean ours = arg.equals("--cluster") || arg.equals("--transcriber-cpus") || arg.equals("--transcribers")
                    || arg.equals("--repo");
            if (!ours) {
                rest.add(arg);
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(arg + " needs a value; usage: " + USAGE);
            }
            String value = args[++i];
            switch (arg) {
                case "--cluster" -> {
                    if (!value.equals("local")) {
                        throw new IllegalArgumentException("--cluster " + value + " is not known; the one cluster "
                                + "is 'local' (infra/local-cluster.sh): --cluster local");
                    }
                    cluster = true;
                }
                case "--transcriber-cpus" -> cpus = cpuList(value);
                case "--transcribers" -> transcribers = BenchmarkOptions.positive(arg, value);
                default -> repo = Path.of(value);
            }
        }
        if (!cluster) {
            throw new IllegalArgumentException("this mode runs against the local cluster; add --cluster local");
        }
        return new ClusterOptions(cpus, transcribers, repo, List.copyOf(rest));
    }

    /** How many CPUs the list names, e.g. "1" is 1, "0-1" and "0,1" are 2; every core when not pinned. */
    public int cpuCount() {
        return transcriberCpus.isEmpty() ? Runtime.getRuntime().availableProcessors() : cpus().cardinality();
    }

    /**
     * The CPUs of a {@code cores}-CPU machine the transcribers do not get, as a taskset list ("0" next to "1" on 2
     * cores): the brokers, PostgreSQL, ingest, moderation and the benchmark's own callers run there, so the
     * transcriber has its CPUs to itself as raw Vosk had. Empty when the transcribers are not pinned or get every CPU.
     */
    public String otherCpus(int cores) {
        if (transcriberCpus.isEmpty()) {
            return "";
        }
        BitSet theirs = cpus();
        StringJoiner others = new StringJoiner(",");
        for (int cpu = 0; cpu < cores; cpu++) {
            if (!theirs.get(cpu)) {
                others.add(Integer.toString(cpu));
            }
        }
        return others.toString();
    }

    /** The CPUs {@code transcriberCpus} names. */
    private BitSet cpus() {
        BitSet cpus = new BitSet();
        for (String part : transcriberCpus.split(",")) {
            String[] range = part.split("-");
            cpus.set(Integer.parseInt(range[0]), Integer.parseInt(range[range.length - 1]) + 1);
        }
        return cpus;
    }

    public String[] restArray() {
        return rest.toArray(String[]::new);
    }

    /** Half the cores, the highest ones (1 on a 2-core machine): the other half is left to brokers, database, services. */
    private static String defaultCpus() {
        int cores = Runtime.getRuntime().availableProcessors();
        int half = Math.max(1, cores / 2);
        return half == 1 ? Integer.toString(cores - 1) : (cores - half) + "-" + (cores - 1);
    }

    private static String cpuList(String value) {
        if (value.equals("none")) {
            return "";
        }
        if (!value.matches("\\d+(-\\d+)?(,\\d+(-\\d+)?)*")) {
            throw new IllegalArgumentException("--transcriber-cpus " + value + " is not a CPU list; e.g. "
                    + "--transcriber-cpus 1, 0-1 or 2,3 (as taskset -c takes it), or none for no pinning");
        }
        return value;
    }
}
