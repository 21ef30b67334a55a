package vn.guardian.benchmark.search;

import java.nio.file.Path;
import java.time.Instant;
import vn.guardian.benchmark.BenchmarkOptions;

/**
 * The command line of {@code benchmark.jar search}: {@code [--calls N] [--segments-per-call N] [--tenants N]
 * [--runs N] [--warm-up N] [--seed N] [--schema-version V] [--jdbc-url URL --user U --password P] [--no-seed]
 * [--out FILE]}.
 *
 * @param calls           calls with segments to seed (failed calls, without segments, come on top: 1 in 200)
 * @param segmentsPerCall mean segments per call (each call has between half and 1.5 times as many)
 * @param tenants         tenants the calls are spread over (unevenly: the first has the most)
 * @param runs            measured searches per filter
 * @param warmUp          unmeasured searches per filter before them
 * @param seed            the generator's seed: the same seed gives the same rows (relative to the seeding time)
 * @param schemaVersion   migrate only up to this Flyway version (e.g. 4, to measure without later indexes); null: all
 * @param jdbcUrl         an existing database to migrate and seed; null: an embedded PostgreSQL, thrown away after
 * @param noSeed          measure the rows already in {@code jdbcUrl}; its newest call's start stands for "now"
 * @param now             the end of the seeded 30 days (the same seed and now give the same rows); null: the clock
 * @param holdSeconds     keep the database up this long after measuring (its JDBC URL is printed), to EXPLAIN by hand
 */
public record SearchOptions(int calls, int segmentsPerCall, int tenants, int runs, int warmUp, long seed,
                            String schemaVersion, String jdbcUrl, String user, String password, boolean noSeed,
                            Path out, Instant now, int holdSeconds) {

    public static final String USAGE = "java -jar benchmark/target/benchmark.jar search [--calls 100000] "
            + "[--segments-per-call 10] [--tenants 3] [--runs 200] [--warm-up 50] [--seed 20240601] "
            + "[--schema-version 4] [--jdbc-url jdbc:postgresql://host/db --user U --password P [--no-seed]] "
            + "[--out target/search-benchmark.json] [--now 2026-12-01T12:00:00Z] [--hold-seconds 0]";

    public static SearchOptions parse(String... args) {
        int calls = 100_000;
        int segmentsPerCall = 10;
        int tenants = 3;
        int runs = 200;
        int warmUp = 50;
        long seed = 20240601L;
        String schemaVersion = null;
        String jdbcUrl = null;
        String user = "postgres";
        String password = "postgres";
        boolean noSeed = false;
        Path out = Path.of("target/search-benchmark.json");
        Instant now = null;
        int holdSeconds = 0;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--no-seed")) {
                noSeed = true;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(arg + " needs a value (or is unknown); usage: " + USAGE);
            }
            String value = args[++i];
            switch (arg) {
                case "--calls" -> calls = BenchmarkOptions.positive(arg, value);
                case "--segments-per-call" -> segmentsPerCall = BenchmarkOptions.positive(arg, value);
                case "--tenants" -> tenants = BenchmarkOptions.positive(arg, value);
                case "--runs" -> runs = BenchmarkOptions.positive(arg, value);
                case "--warm-up" -> warmUp = BenchmarkOptions.positive(arg, value);
                case "--seed" -> seed = Long.parseLong(value);
                case "--schema-version" -> schemaVersion = value;
                case "--jdbc-url" -> jdbcUrl = value;
                case "--user" -> user = value;
                case "--password" -> password = value;
                case "--out" -> out = Path.of(value);
                case "--now" -> now = Instant.parse(value);
                case "--hold-seconds" -> holdSeconds = "0".equals(value) ? 0 : BenchmarkOptions.positive(arg, value);
                default -> throw new IllegalArgumentException("Unknown option '" + arg + "'; usage: " + USAGE);
            }
        }
        if (noSeed && jdbcUrl == null) {
            throw new IllegalArgumentException("--no-seed measures an existing database: give it with --jdbc-url; "
                    + "usage: " + USAGE);
        }
        return new SearchOptions(calls, segmentsPerCall, tenants, runs, warmUp, seed, schemaVersion, jdbcUrl, user,
                password, noSeed, out, now, holdSeconds);
    }
}
