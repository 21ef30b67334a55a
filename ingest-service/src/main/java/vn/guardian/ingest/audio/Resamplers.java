package vn.guardian.ingest.audio;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Filters per rate pair, built once: a filter is immutable and its table costs milliseconds to compute. */
final class Resamplers {

    private static final Map<Long, Resampler> BY_RATES = new ConcurrentHashMap<>();

    private Resamplers() {
    }

    static Resampler of(int inRate, int outRate) {
        return BY_RATES.computeIfAbsent(((long) inRate << 32) | outRate, key -> new Resampler(inRate, outRate));
    }
}
