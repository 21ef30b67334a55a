package vn.guardian.benchmark.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class IngestTimersTest {

    private static String exposition(int chunks, double handlingSeconds, double publishSeconds, double stateSeconds) {
        return """
                # HELP guardian_ingest_chunk_handling_seconds A chunk PUT from the controller to its answer
                # TYPE guardian_ingest_chunk_handling_seconds histogram
                guardian_ingest_chunk_handling_seconds_bucket{application="ingest",le="0.001"} 0.0
                guardian_ingest_chunk_handling_seconds_count{application="ingest"} %d.0
                guardian_ingest_chunk_handling_seconds_sum{application="ingest"} %s
                guardian_ingest_chunk_handling_seconds_max{application="ingest"} 0.5
                guardian_ingest_publish_latency_seconds_count{application="ingest",kind="live"} %d.0
                guardian_ingest_publish_latency_seconds_sum{application="ingest",kind="live"} %s
                guardian_ingest_call_state_latency_seconds_count{application="ingest"} %d.0
                guardian_ingest_call_state_latency_seconds_sum{application="ingest"} %s
                """.formatted(chunks, handlingSeconds, chunks, publishSeconds, chunks, stateSeconds);
    }

    @Test
    void ownTimeIsTheHandlingMeanMinusBothAcknowledgementsOverTheSpanBetweenScrapes() {
        IngestTimers.Totals before = IngestTimers.parse(exposition(100, 5.0, 3.0, 1.0));
        // 50 more chunks: handled in 0.6 s, of which 0.3 s waiting for the audio's ack and 0.2 s for the state's
        IngestTimers.Totals after = IngestTimers.parse(exposition(150, 5.6, 3.3, 1.2));

        assertThat(after.handlingMeanMs(before)).isCloseTo(12.0, within(1e-9));
        assertThat(after.kafkaAckMeanMs(before)).isCloseTo(10.0, within(1e-9));
    }

    @Test
    void aSpanWithoutChunksIsNotMeasuredRatherThanZero() {
        IngestTimers.Totals totals = IngestTimers.parse(exposition(100, 5.0, 3.0, 1.0));

        assertThat(totals.handlingMeanMs(totals)).isNaN();
        assertThat(IngestTimers.parse("# nothing yet\n").handlingMeanMs(IngestTimers.parse(""))).isNaN();
    }
}
