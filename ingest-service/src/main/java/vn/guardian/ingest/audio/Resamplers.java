package vn.guardian.ingest.audio;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Filters per rate pair, built once: a filter is immutable and its table costs milliseconds to compute. Only the
 * first {@link #MAX_CACHED} pairs are kept: feeds declare any rate in 8000..48000 Hz, and keeping one filter per
 * rate ever seen would grow without end.
 */
final class Resamplers {

    /** Rate pairs kept for reuse; real deployments see a handful (8000, 16000, 44100, 48000 Hz). */
    static final int MAX_CACHED = 32;

    private static final Map<Long, Resampler> BY_RATES = new ConcurrentHashMap<>();

    private Resamplers() {
    }

    static Resampler of(int inRate, int outRate) {
        long key = ((long) inRate << 32) | outRate;
        Resampler cached = BY_RATES.get(key);
        if (cached != null) {
            return cached;
        }
        Resampler built = new Resampler(inRate, outRate);
        if (BY_RATES.size() < MAX_CACHED) {
            BY_RATES.putIfAbsent(key, built);
        }
        return built;
    }

    /** Filters kept now. */
    static int cached() {
        return BY_RATES.size();
    }
}
