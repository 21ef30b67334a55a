package vn.guardian.benchmark.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import vn.guardian.benchmark.pipeline.VerdictRows;

class FaultLatencyTest {

    private static final long FAULT_AT = 100_000;
    private static final long RETURN_AT = 120_000;

    @Test
    void aFaultThatHoldsVerdictsBackForEightSecondsAddsEightSecondsAndRecoversWhenTheLastLateOneIsStored() {
        List<VerdictRows.Row> rows = new ArrayList<>();
        // before the fault: 200 ms, and one in a hundred 400 ms
        for (long ingested = 10_000; ingested < 95_000; ingested += 1_000) {
            rows.add(row(ingested, ingested % 100_000 == 90_000 ? 400 : 200));
        }
        // utterances ending during the outage wait for it: the first one 8.2 s, later ones less
        rows.add(row(101_000, 8_200));
        rows.add(row(104_000, 5_200));
        // back to normal
        rows.add(row(110_000, 250));

        FaultLatency latency = FaultLatency.of(rows, 5_000, FAULT_AT, RETURN_AT);

        assertThat(latency.baselineP95Ms()).isCloseTo(200, within(0.1));
        assertThat(latency.baselineP99Ms()).isCloseTo(400, within(0.1));
        assertThat(latency.maxAfterMs()).isEqualTo(8_200);
        assertThat(latency.addedDelayMs()).as("over the p95 before").isCloseTo(8_000, within(0.1));
        assertThat(latency.recoveryMs()).isEqualTo(104_000 + 5_200 - FAULT_AT);
    }

    @Test
    void theDelayOfTheOutageIsToldApartFromTheDelayOfTheBrokenProcessComingBack() {
        List<VerdictRows.Row> rows = new ArrayList<>();
        for (long ingested = 10_000; ingested < 95_000; ingested += 1_000) {
            rows.add(row(ingested, 200));
        }
        rows.add(row(103_000, 6_200)); // the failover to the survivor
        rows.add(row(125_000, 12_200)); // the restarted replica's JVM start and rejoin

        FaultLatency latency = FaultLatency.of(rows, 5_000, FAULT_AT, RETURN_AT);

        assertThat(latency.addedWhileDownMs()).isCloseTo(6_000, within(0.1));
        assertThat(latency.addedOnReturnMs()).isCloseTo(12_000, within(0.1));
        assertThat(latency.addedDelayMs()).isCloseTo(12_000, within(0.1));
    }

    @Test
    void aFaultNobodyNoticedAddsNoDelayAndNeedsNoRecovery() {
        List<VerdictRows.Row> rows = new ArrayList<>();
        for (long ingested = 10_000; ingested < 150_000; ingested += 1_000) {
            rows.add(row(ingested, 300));
        }

        FaultLatency latency = FaultLatency.of(rows, 5_000, FAULT_AT, RETURN_AT);

        assertThat(latency.addedDelayMs()).isZero();
        assertThat(latency.recoveryMs()).isZero();
    }

    @Test
    void slowMeansTwiceTheNormalAndAtLeastHalfASecondMore() {
        assertThat(FaultLatency.slowThreshold(200)).isEqualTo(700);
        assertThat(FaultLatency.slowThreshold(800)).isEqualTo(1_600);
    }

    private static VerdictRows.Row row(long ingestedAt, long latencyMs) {
        return new VerdictRows.Row("s-" + ingestedAt, "c-1", ingestedAt, ingestedAt + latencyMs, ingestedAt + 50);
    }
}
