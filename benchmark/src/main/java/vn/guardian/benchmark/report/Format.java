package vn.guardian.benchmark.report;

import java.util.Locale;
import vn.guardian.benchmark.stats.Stats;

/** How figures are written in the table: fixed decimals, medians with their range over runs, MiB. */
public final class Format {

    private Format() {
    }

    public static String number(double value, int decimals) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    /** {@code median (min-max, n runs)}, or just the value for a single run. */
    public static String spread(Stats.Spread spread, int decimals) {
        if (spread.runs() == 1) {
            return number(spread.median(), decimals);
        }
        return number(spread.median(), decimals) + " (" + number(spread.min(), decimals) + "-"
                + number(spread.max(), decimals) + ")";
    }

    public static String mib(double bytes) {
        return number(bytes / (1024.0 * 1024.0), 0) + " MiB";
    }

    public static String percent(double ratio) {
        return number(ratio * 100, 1) + " %";
    }
}
