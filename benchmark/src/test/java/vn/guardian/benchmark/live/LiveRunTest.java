package vn.guardian.benchmark.live;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import vn.guardian.benchmark.stats.Stats;

class LiveRunTest {

    private static final Stats.Latency STEADY = new Stats.Latency(50, 300, 450, 600, 700);

    @Test
    void keepsUpWhenEveryVerdictArrivesPromptlyWithoutGrowingLatency() {
        LiveRun run = LiveRun.of(4, 20, 12, 40, 40, 800, STEADY, STEADY, STEADY, STEADY, STEADY, STEADY, 40, STEADY, STEADY, 40, 30);
        assertThat(run.sustainable()).isTrue();
        assertThat(run.problems()).isEmpty();
    }

    @Test
    void aBacklogThatDrainsOnlyAfterTheCallsEndedIsNotKeepingUp() {
        LiveRun run = LiveRun.of(9, 20, 27, 90, 90, 4_200, STEADY, STEADY, STEADY, STEADY, STEADY, STEADY, 90, STEADY, STEADY, 100, 30);
        assertThat(run.sustainable()).isFalse();
        assertThat(run.problems()).singleElement().asString().contains("4200 ms after the last call ended");
    }

    @Test
    void latencyRisingThroughTheRunIsNotKeepingUpEvenWhenEverythingArrives() {
        LiveRun run = LiveRun.of(9, 20, 27, 90, 90, 900, STEADY, STEADY, STEADY, STEADY, STEADY, STEADY, 90, STEADY, STEADY, 600, 30);
        assertThat(run.sustainable()).isFalse();
        assertThat(run.problems()).singleElement().asString().contains("grew by 600 ms");
    }

    @Test
    void aSteadyLagOfSecondsIsBehindRealTimeEvenWhenItDoesNotGrow() {
        Stats.Latency lagging = new Stats.Latency(118, 4_184, 47_828, 48_944, 49_603);
        LiveRun run = LiveRun.of(6, 20, 18, 118, 118, 900, lagging, STEADY, STEADY, STEADY, STEADY, STEADY, 118, STEADY, STEADY, 40, 30);
        assertThat(run.sustainable()).isFalse();
        assertThat(run.problems()).singleElement().asString().contains("p95 47828 ms: behind real time");
    }

    @Test
    void namesEveryWayOfFallingBehind() {
        LiveRun run = LiveRun.of(8, 20, 24, 80, 70, 20_000, STEADY, STEADY, STEADY, STEADY, STEADY, STEADY, 70, STEADY, STEADY, 3_000, 1_500);
        assertThat(run.sustainable()).isFalse();
        assertThat(run.problems()).hasSize(4);
        assertThat(String.join(" ", run.problems())).contains("70 of 80 verdicts").contains("20000 ms after")
                .contains("grew by 3000 ms").contains("1500 ms behind");
    }
}
