package vn.guardian.benchmark.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.GroupState;
import org.junit.jupiter.api.Test;
import vn.guardian.benchmark.pipeline.VerdictRows;

class LatencyWindowTest {

    private static final long CHANGE_AT = 100_000;

    @Test
    void theRebalanceWindowHoldsTheUtterancesThatEndedFromTheChangeUntilTenSecondsAfterTheGroupSettled() {
        RebalanceTimeline timeline = settledAt(108_000);
        List<VerdictRows.Row> rows = List.of(
                row(99_000, 20_000),   // ended before the change: its verdict was late, but not the window's
                row(100_000, 3_000),   // ended at the change
                row(117_999, 900),     // the last moment of the margin
                row(118_000, 50_000)); // after it: the steady state again

        LatencyWindow window = LatencyWindow.ofRebalance(rows, timeline, 200_000);

        assertThat(window.fromMs()).isEqualTo(CHANGE_AT);
        assertThat(window.toMs()).isEqualTo(118_000);
        assertThat(window.utterances()).isEqualTo(2);
        assertThat(window.p99Ms()).isEqualTo(3_000);
        assertThat(window.maxMs()).isEqualTo(3_000);
    }

    @Test
    void theRebalanceOnlyWindowStartsAtTheLastPollThatSawTheGroupWholeNotWhenTheReplicaWasStarted() {
        RebalanceTimeline timeline = RebalanceTimeline.of(List.of(
                new GroupSnapshot(CHANGE_AT - 200, GroupState.STABLE, Set.of("a"), 12, 12),
                new GroupSnapshot(CHANGE_AT + 30_000, GroupState.STABLE, Set.of("a"), 12, 12), // the JVM starting
                new GroupSnapshot(CHANGE_AT + 30_200, GroupState.PREPARING_REBALANCE, Set.of("a", "b"), 12, 12),
                new GroupSnapshot(CHANGE_AT + 32_000, GroupState.STABLE, Set.of("a", "b"), 12, 12)), CHANGE_AT);
        List<VerdictRows.Row> rows = List.of(
                row(CHANGE_AT + 10_000, 4_000),  // slowed by the new JVM's start, before any rebalance
                row(CHANGE_AT + 31_000, 700),
                row(CHANGE_AT + 41_999, 900));

        LatencyWindow rebalanceOnly = LatencyWindow.ofRebalanceOnly(rows, timeline).orElseThrow();

        assertThat(rebalanceOnly.fromMs()).as("the last poll that saw it whole").isEqualTo(CHANGE_AT + 30_000);
        assertThat(rebalanceOnly.toMs()).isEqualTo(CHANGE_AT + 42_000);
        assertThat(rebalanceOnly.utterances()).isEqualTo(2);
        assertThat(rebalanceOnly.p99Ms()).isEqualTo(900);
        assertThat(LatencyWindow.ofRebalance(rows, timeline, 200_000).p99Ms()).isEqualTo(4_000);
    }

    @Test
    void aGroupThatNeverSettledKeepsTheWindowOpenUntilTheLoadEnds() {
        RebalanceTimeline timeline = RebalanceTimeline.of(List.of(
                new GroupSnapshot(CHANGE_AT - 200, GroupState.STABLE, Set.of("a"), 12, 12),
                new GroupSnapshot(CHANGE_AT + 200, GroupState.PREPARING_REBALANCE, Set.of("a", "b"), 12, 12)),
                CHANGE_AT);

        LatencyWindow window = LatencyWindow.ofRebalance(List.of(row(150_000, 40_000)), timeline, 160_000);

        assertThat(window.toMs()).isEqualTo(160_000);
        assertThat(window.utterances()).isEqualTo(1);
        assertThat(window.p99Ms()).isEqualTo(40_000);
    }

    @Test
    void twoSlowUtterancesInTwoHundredStayAboveTheP99AndAThirdDoesNot() {
        List<VerdictRows.Row> rows = new ArrayList<>();
        for (int i = 0; i < 198; i++) {
            rows.add(row(CHANGE_AT + i * 100, 300));
        }
        rows.add(row(CHANGE_AT + 19_800, 2_500));
        rows.add(row(CHANGE_AT + 19_900, 2_500));

        assertThat(LatencyWindow.of(rows, CHANGE_AT, CHANGE_AT + 20_000).p99Ms()).isEqualTo(300);

        rows.set(0, row(CHANGE_AT, 2_500));
        LatencyWindow window = LatencyWindow.of(rows, CHANGE_AT, CHANGE_AT + 20_000);
        assertThat(window.p99Ms()).isEqualTo(2_500);
        assertThat(window.p95Ms()).isEqualTo(300);
        assertThat(window.utterances()).isEqualTo(200);
    }

    @Test
    void aWindowNoUtteranceEndedInHasNoPercentiles() {
        LatencyWindow window = LatencyWindow.of(List.of(row(10_000, 300)), CHANGE_AT, CHANGE_AT + 20_000);

        assertThat(window.utterances()).isZero();
        assertThat(window.p99Ms()).isNaN();
    }

    private static RebalanceTimeline settledAt(long settledAtMs) {
        return RebalanceTimeline.of(List.of(
                new GroupSnapshot(CHANGE_AT - 200, GroupState.STABLE, Set.of("a"), 12, 12),
                new GroupSnapshot(CHANGE_AT + 200, GroupState.PREPARING_REBALANCE, Set.of("a", "b"), 12, 12),
                new GroupSnapshot(settledAtMs, GroupState.STABLE, Set.of("a", "b"), 12, 12)), CHANGE_AT);
    }

    private static VerdictRows.Row row(long endedAt, long latencyMs) {
        return new VerdictRows.Row("s-" + endedAt, "c-1", endedAt, endedAt + latencyMs, endedAt + 50);
    }
}
