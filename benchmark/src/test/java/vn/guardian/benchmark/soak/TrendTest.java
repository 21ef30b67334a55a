package vn.guardian.benchmark.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class TrendTest {

    private static final double[] MINUTES = {1, 2, 3, 4, 5, 6, 7, 8, 9};

    @Test
    void memoryThatSettlesAfterWarmUpIsFlat() {
        // grows in the first third (warm-up), then wobbles around 500 MiB
        double[] rss = {300, 400, 480, 500, 502, 498, 501, 499, 500};
        Trend trend = Trend.of("rss.transcriber-1", MINUTES, rss, 0.05, 16);
        assertThat(trend.flat()).isTrue();
        assertThat(trend.judgedSlope()).isCloseTo(0, within(1.0));
        assertThat(trend.slopePerMinute()).isGreaterThan(10); // the whole run still shows the warm-up
    }

    @Test
    void memoryThatKeepsGrowingIsNotFlat() {
        double[] rss = new double[MINUTES.length];
        for (int i = 0; i < rss.length; i++) {
            rss[i] = 500 + 10 * MINUTES[i]; // a leak of 10 MiB per minute
        }
        Trend trend = Trend.of("rss.transcriber-1", MINUTES, rss, 0.05, 16);
        assertThat(trend.judgedSlope()).isCloseTo(10, within(1e-9));
        assertThat(trend.rise()).isCloseTo(50, within(1e-9)); // minutes 4..9
        assertThat(trend.allowed()).isCloseTo(0.05 * 565, within(1e-9));
        assertThat(trend.flat()).isFalse();
    }

    @Test
    void lagBelowTheFloorIsFlatAndAGrowingBacklogIsNot() {
        assertThat(Trend.of("lag.guardian-transcriber", MINUTES, new double[] {40, 90, 60, 80, 50, 95, 70, 60, 85},
                0.25, 100).flat()).isTrue();
        assertThat(Trend.of("lag.guardian-transcriber", MINUTES, new double[] {40, 90, 60, 200, 400, 600, 800, 1000,
                1200}, 0.25, 100).flat()).isFalse();
    }

    @Test
    void failedSamplesAreLeftOutNotCountedAsZero() {
        double[] heap = {100, 100, 100, 100, Double.NaN, 100, 100, 100, 100};
        Trend trend = Trend.of("heapAfterGc.ingest-service", MINUTES, heap, 0.05, 16);
        assertThat(trend.judgedSlope()).isCloseTo(0, within(1e-9));
        assertThat(trend.mean()).isEqualTo(100);
        assertThat(trend.flat()).isTrue();
    }
}
