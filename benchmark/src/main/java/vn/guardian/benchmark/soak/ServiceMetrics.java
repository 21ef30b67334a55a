package vn.guardian.benchmark.soak;

import java.util.LinkedHashMap;
import java.util.Map;
import vn.guardian.benchmark.resources.Prometheus;

/**
 * A service JVM's memory as it reports it on {@code /actuator/prometheus}: heap after GC (the old generation's live
 * data after the last collection, {@code jvm_gc_live_data_size_bytes}), heap in use, and everything the JVM has
 * committed (heap and non-heap pools plus direct and mapped buffers), which set against the process RSS leaves the
 * memory the JVM does not account for: for a transcriber, chiefly Vosk's native recognizers.
 */
final class ServiceMetrics {

    /** One scrape of one service. */
    record Memory(double heapAfterGcBytes, double heapUsedBytes, double jvmCommittedBytes,
                  double activeRecognizers, double warmRecognizers) {
    }

    Memory scrape(String baseUrl) throws Exception {
        return parse(Prometheus.scrape(baseUrl));
    }

    /** Sums the series of the exposition text this class reads; a missing series is NaN. */
    static Memory parse(String exposition) {
        Map<String, Double> sums = new LinkedHashMap<>();
        for (Prometheus.Sample sample : Prometheus.samples(exposition)) {
            String name = sample.name();
            String series = sample.series();
            double value = sample.value();
            switch (name) {
                case "jvm_gc_live_data_size_bytes", "guardian_transcriber_recognizers_active",
                     "guardian_transcriber_recognizers_warm" -> sums.merge(name, value, Double::sum);
                case "jvm_memory_used_bytes" -> {
                    if (series.contains("area=\"heap\"")) {
                        sums.merge("heapUsed", value, Double::sum);
                    }
                }
                case "jvm_memory_committed_bytes", "jvm_buffer_memory_used_bytes" ->
                        sums.merge("committed", value, Double::sum);
                default -> {
                }
            }
        }
        // the live data size is 0 until the first collection of the old generation: not measured yet, not empty
        double afterGc = sums.getOrDefault("jvm_gc_live_data_size_bytes", Double.NaN);
        return new Memory(afterGc == 0 ? Double.NaN : afterGc,
                sums.getOrDefault("heapUsed", Double.NaN), sums.getOrDefault("committed", Double.NaN),
                sums.getOrDefault("guardian_transcriber_recognizers_active", Double.NaN),
                sums.getOrDefault("guardian_transcriber_recognizers_warm", Double.NaN));
    }
}
