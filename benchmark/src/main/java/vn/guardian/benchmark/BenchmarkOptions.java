package vn.guardian.benchmark;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import vn.guardian.benchmark.audio.Workload;
import vn.guardian.embedded.EmbeddedKafka;

/**
 * The command line: {@code [--quick] [--runs N] [--out FILE] [--samples DIR] [--copies N] [--levels 2,4,8]
 * [--live-seconds S] [--workers N] [--partitions N]}.
 *
 * @param runs        repetitions of every configuration (median and range are reported)
 * @param samples     the corpus (default {@code benchmark/target/corpus}, made when missing) or a folder of WAVs
 * @param copies      distinct corpus calls per raw and throughput run; with a plain folder, copies of all its WAVs
 * @param levels      concurrent live calls to try; empty: derived from the raw limit
 * @param liveSeconds wall time of one live run
 * @param workers     transcriber workers (consumer threads); 0: the transcriber's default, one per core
 * @param partitions  partitions per topic of the embedded broker
 */
public record BenchmarkOptions(boolean quick, int runs, Path out, Path samples, int copies, List<Integer> levels,
                               double liveSeconds, int workers, int partitions) {

    public static final String USAGE = "java -jar benchmark/target/benchmark.jar [--quick] [--runs N] "
            + "[--out target/benchmark.json] [--samples benchmark/target/corpus | samples] [--copies N] [--levels 2,4,8] [--live-seconds S] [--workers N] [--partitions N]";

    public static BenchmarkOptions parse(String... args) {
        boolean quick = List.of(args).contains("--quick");
        int runs = quick ? 1 : 3;
        Path out = Path.of("target/benchmark.json");
        Path samples = Workload.DEFAULT_CORPUS;
        int copies = quick ? 1 : 4;
        List<Integer> levels = quick ? List.of(1, 2) : List.of();
        double liveSeconds = quick ? 8 : 20;
        int workers = 0;
        int partitions = EmbeddedKafka.PARTITIONS;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--quick")) {
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(arg + " needs a value (or is unknown); usage: " + USAGE);
            }
            String value = args[++i];
            switch (arg) {
                case "--runs" -> runs = positive(arg, value);
                case "--out" -> out = Path.of(value);
                case "--samples" -> samples = Path.of(value);
                case "--copies" -> copies = positive(arg, value);
                case "--live-seconds" -> liveSeconds = positive(arg, value);
                case "--workers" -> workers = positive(arg, value);
                case "--partitions" -> partitions = positive(arg, value);
                case "--levels" -> {
                    List<Integer> parsed = new ArrayList<>();
                    for (String level : value.split(",")) {
                        parsed.add(positive(arg, level.trim()));
                    }
                    levels = List.copyOf(parsed);
                }
                default -> throw new IllegalArgumentException("Unknown option '" + arg + "'; usage: " + USAGE);
            }
        }
        return new BenchmarkOptions(quick, runs, out, samples, copies, levels, liveSeconds, workers, partitions);
    }

    /** The option's value as a positive whole number, or an error naming the option. */
    public static int positive(String option, String value) {
        try {
            int number = Integer.parseInt(value);
            if (number > 0) {
                return number;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new IllegalArgumentException(option + " " + value + " is not a positive whole number; e.g. " + option + " 3");
    }
}
