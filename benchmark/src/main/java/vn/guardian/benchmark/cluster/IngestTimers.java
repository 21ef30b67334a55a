package vn.guardian.benchmark.cluster;

import java.util.List;
import vn.guardian.benchmark.resources.Prometheus;

/**
 * Ingest's own time per live chunk in its own process, read from its {@code /actuator/prometheus}: the mean of
 * {@code guardian.ingest.chunk.handling} (controller entry to answer) minus the means of the two Kafka
 * acknowledgements it waits for (the audio's, {@code guardian.ingest.publish.latency}, and the call state's,
 * {@code guardian.ingest.call-state.latency}), over the span between two scrapes: the figure the one-JVM mode takes
 * from the registry.
 */
final class IngestTimers {

    /** Counts and summed seconds of the three timers at one scrape. */
    record Totals(double handled, double handledSeconds, double published, double publishedSeconds,
                  double stateWritten, double stateWrittenSeconds) {

        /** Mean chunk handling over the span since {@code earlier}, in ms; NaN when no chunk came. */
        double handlingMeanMs(Totals earlier) {
            return meanMs(handled - earlier.handled, handledSeconds - earlier.handledSeconds);
        }

        /** Mean of both acknowledgements a chunk's answer waits for, over the span since {@code earlier}, in ms. */
        double kafkaAckMeanMs(Totals earlier) {
            return meanMs(published - earlier.published, publishedSeconds - earlier.publishedSeconds)
                    + meanMs(stateWritten - earlier.stateWritten, stateWrittenSeconds - earlier.stateWrittenSeconds);
        }

        private static double meanMs(double count, double seconds) {
            return count <= 0 ? Double.NaN : seconds / count * 1000;
        }
    }

    private IngestTimers() {
    }

    static Totals scrape(String ingestUrl) throws Exception {
        return parse(Prometheus.scrape(ingestUrl));
    }

    /** The three timers' {@code _count} and {@code _sum} series of an exposition text; a missing one counts 0. */
    static Totals parse(String exposition) {
        double[] values = new double[6];
        List<String> series = List.of("guardian_ingest_chunk_handling_seconds_count",
                "guardian_ingest_chunk_handling_seconds_sum",
                "guardian_ingest_publish_latency_seconds_count", "guardian_ingest_publish_latency_seconds_sum",
                "guardian_ingest_call_state_latency_seconds_count", "guardian_ingest_call_state_latency_seconds_sum");
        for (Prometheus.Sample sample : Prometheus.samples(exposition)) {
            int i = series.indexOf(sample.name());
            if (i >= 0) {
                values[i] += sample.value();
            }
        }
        return new Totals(values[0], values[1], values[2], values[3], values[4], values[5]);
    }
}
