package vn.guardian.benchmark.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class StatsTest {

    private static final double[] ONE_TO_HUNDRED = new double[100];

    static {
        for (int i = 0; i < 100; i++) {
            ONE_TO_HUNDRED[i] = 100 - i; // unsorted on purpose
        }
    }

    @Test
    void nearestRankPercentilesAreMeasuredValues() {
        assertThat(Stats.percentile(ONE_TO_HUNDRED, 50)).isEqualTo(50);
        assertThat(Stats.percentile(ONE_TO_HUNDRED, 95)).isEqualTo(95);
        assertThat(Stats.percentile(ONE_TO_HUNDRED, 99)).isEqualTo(99);
        assertThat(Stats.percentile(ONE_TO_HUNDRED, 100)).isEqualTo(100);
        assertThat(Stats.percentile(new double[] {7, 3, 5}, 50)).isEqualTo(5);
        // with ten values p99 is the largest: nothing is interpolated beyond what was measured
        assertThat(Stats.percentile(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 1000}, 99)).isEqualTo(1000);
        assertThat(Stats.percentile(new double[] {42}, 1)).isEqualTo(42);
    }

    @Test
    void percentileRefusesNoValuesAndOutOfRangeP() {
        assertThatThrownBy(() -> Stats.percentile(new double[0], 50)).hasMessageContaining("no values");
        assertThatThrownBy(() -> Stats.percentile(ONE_TO_HUNDRED, 0)).hasMessageContaining("p=0.0");
        assertThatThrownBy(() -> Stats.percentile(ONE_TO_HUNDRED, 101)).hasMessageContaining("(0, 100]");
    }

    @Test
    void latencySummaryOfNoneIsEmpty() {
        Stats.Latency latency = Stats.latency(ONE_TO_HUNDRED);
        assertThat(latency).isEqualTo(new Stats.Latency(100, 50, 95, 99, 100));
        assertThat(Stats.latency(new double[0]).count()).isZero();
        assertThat(Stats.latency(new double[0]).p95()).isNaN();
    }

    @Test
    void medianWithSpreadOverRuns() {
        assertThat(Stats.spread(new double[] {3, 1, 2})).isEqualTo(new Stats.Spread(2, 1, 3, 3));
        assertThat(Stats.spread(new double[] {4, 1, 2, 10})).isEqualTo(new Stats.Spread(3, 1, 10, 4));
        assertThat(Stats.spread(new double[] {5})).isEqualTo(new Stats.Spread(5, 5, 5, 1));
        assertThatThrownBy(() -> Stats.spread(new double[0])).hasMessageContaining("at least once");
    }

    @Test
    void slopeIsTheLeastSquaresLine() {
        assertThat(Stats.slope(new double[] {1, 2, 3, 4}, new double[] {12, 14, 16, 18})).isCloseTo(2, within(1e-9));
        assertThat(Stats.slope(new double[] {1, 2, 3}, new double[] {1, 3, 2})).isCloseTo(0.5, within(1e-9));
        assertThat(Stats.slope(new double[] {2, 2}, new double[] {1, 5})).isNaN();
        assertThatThrownBy(() -> Stats.slope(new double[] {1}, new double[] {1, 2})).hasMessageContaining("as many x");
    }

    @Test
    void growthIsTheLastThirdsMedianMinusTheFirstThirds() {
        assertThat(Stats.growth(new double[] {100, 110, 90, 100, 105, 95, 100, 100, 100})).isCloseTo(0.0, within(1e-9));
        assertThat(Stats.growth(new double[] {100, 100, 100, 300, 400, 500, 800, 900, 1000})).isCloseTo(800.0, within(1e-9));
        assertThat(Stats.growth(new double[] {100, 200})).isEqualTo(0.0);
    }
}
