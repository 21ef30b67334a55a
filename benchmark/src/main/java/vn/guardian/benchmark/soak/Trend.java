package vn.guardian.benchmark.soak;

import java.util.Arrays;
import vn.guardian.benchmark.stats.Stats;

/**
 * Whether a per-minute series is flat: its least-squares slope per minute over the judged minutes (the first third
 * of the run is warm-up: JIT, heap growth, pools filling), and the rise that slope makes over those minutes set
 * against an allowance of {@code max(fraction x the series' mean, floor)}.
 *
 * @param slopePerMinute slope over every minute of the run, for the record
 * @param judgedSlope    slope over the judged minutes
 * @param rise           judgedSlope x (judged minutes - 1): how much the series grew from the first judged minute to the last
 * @param allowed        the rise a flat series may show
 */
public record Trend(String series, double slopePerMinute, double judgedSlope, double mean, double rise,
                    double allowed, boolean flat) {

    /** @param minutes the minute of each value (1, 2, ...); values NaN where a sample failed are left out */
    public static Trend of(String series, double[] minutes, double[] values, double fraction, double floor) {
        double slope = slope(minutes, values, 0);
        int skip = minutes.length / 3;
        double judged = slope(minutes, values, skip);
        double[] kept = Arrays.stream(values, skip, values.length).filter(v -> !Double.isNaN(v)).toArray();
        double mean = Arrays.stream(kept).average().orElse(Double.NaN);
        double span = minutes.length - skip - 1;
        double rise = judged * span;
        double allowed = Math.max(fraction * Math.abs(mean), floor);
        return new Trend(series, slope, judged, mean, rise, allowed, !Double.isNaN(rise) && rise <= allowed);
    }

    private static double slope(double[] minutes, double[] values, int from) {
        int n = 0;
        for (int i = from; i < values.length; i++) {
            n += Double.isNaN(values[i]) ? 0 : 1;
        }
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = from, j = 0; i < values.length; i++) {
            if (!Double.isNaN(values[i])) {
                x[j] = minutes[i];
                y[j++] = values[i];
            }
        }
        return Stats.slope(x, y);
    }
}
