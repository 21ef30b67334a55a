package vn.guardian.benchmark.stats;

import java.util.Arrays;

/** The arithmetic behind every figure: percentiles, median with spread, and a least-squares slope. */
public final class Stats {

    private Stats() {
    }

    /**
     * Nearest-rank percentile: the smallest value with at least {@code p} percent of the values at or below it,
     * so p99 of 10 values is the maximum and every answer is a value that was measured.
     */
    public static double percentile(double[] values, double p) {
        if (values.length == 0) {
            throw new IllegalArgumentException("percentile of no values; measure at least one");
        }
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile p=" + p + " is outside (0, 100]; use e.g. 50, 95 or 99");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(rank, 1) - 1];
    }

    /** p50, p95, p99 and max of latencies in milliseconds; {@link Latency#EMPTY} when there are none. */
    public static Latency latency(double[] millis) {
        if (millis.length == 0) {
            return Latency.EMPTY;
        }
        return new Latency(millis.length, percentile(millis, 50), percentile(millis, 95), percentile(millis, 99),
                Arrays.stream(millis).max().orElseThrow());
    }

    /** Median (mean of the middle two for an even count) with the smallest and largest run. */
    public static Spread spread(double[] runs) {
        if (runs.length == 0) {
            throw new IllegalArgumentException("spread of no runs; run each configuration at least once");
        }
        double[] sorted = runs.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new Spread(median, sorted[0], sorted[n - 1], n);
    }

    /** Least-squares slope of y over x, e.g. bytes of memory per extra concurrent call; NaN with fewer than 2 distinct x. */
    public static double slope(double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("slope needs as many x (" + x.length + ") as y (" + y.length + ")");
        }
        double mx = Arrays.stream(x).average().orElse(Double.NaN);
        double my = Arrays.stream(y).average().orElse(Double.NaN);
        double sxx = 0;
        double sxy = 0;
        for (int i = 0; i < x.length; i++) {
            sxx += (x[i] - mx) * (x[i] - mx);
            sxy += (x[i] - mx) * (y[i] - my);
        }
        return sxx == 0 ? Double.NaN : sxy / sxx;
    }

    /**
     * How much latency rose during a run, in ms: the median of the last third of utterances (in ingest order) minus
     * the median of the first third. About 0 when the pipeline keeps up; it grows with the backlog when it does not.
     */
    public static double growth(double[] latenciesInIngestOrder) {
        int third = latenciesInIngestOrder.length / 3;
        if (third == 0) {
            return 0;
        }
        double first = percentile(Arrays.copyOfRange(latenciesInIngestOrder, 0, third), 50);
        double last = percentile(Arrays.copyOfRange(latenciesInIngestOrder,
                latenciesInIngestOrder.length - third, latenciesInIngestOrder.length), 50);
        return last - first;
    }

    /** A median over runs with the smallest and largest run. */
    public record Spread(double median, double min, double max, int runs) {
    }

    /** Latency percentiles of one run, in milliseconds. */
    public record Latency(int count, double p50, double p95, double p99, double max) {
        public static final Latency EMPTY = new Latency(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
}
