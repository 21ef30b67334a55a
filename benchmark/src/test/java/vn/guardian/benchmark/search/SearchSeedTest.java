package vn.guardian.benchmark.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SearchSeedTest {

    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    private record Rows(List<String> calls, List<String> verdicts, List<String> segments) {
    }

    private static Rows generate(SearchOptions options) {
        Rows rows = new Rows(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        new SearchSeed(options, NOW).generate(new SearchSeed.Sink() {
            @Override
            public void call(String line) {
                rows.calls().add(line);
            }

            @Override
            public void verdict(String line) {
                rows.verdicts().add(line);
            }

            @Override
            public void segment(String line) {
                rows.segments().add(line);
            }
        });
        return rows;
    }

    @Test
    void theSameSeedGivesTheSameRows() {
        SearchOptions options = SearchOptions.parse("--calls", "300");
        assertThat(generate(options)).isEqualTo(generate(options));
        assertThat(generate(SearchOptions.parse("--calls", "300", "--seed", "7")).segments())
                .isNotEqualTo(generate(options).segments());
    }

    @Test
    void segmentsAverageTheRequestedCountAndAboutOneInTenIsFlagged() {
        SearchOptions options = SearchOptions.parse("--calls", "4000", "--segments-per-call", "10");
        SearchSeed.Totals totals = new SearchSeed(options, NOW).generate(new SearchSeed.Sink() {
            @Override
            public void call(String line) {
            }

            @Override
            public void verdict(String line) {
            }

            @Override
            public void segment(String line) {
            }
        });
        // every call with segments gets the mean on average, plus the few live calls on top
        assertThat(totals.segments()).isGreaterThanOrEqualTo(40_000).isLessThan(40_200);
        assertThat((double) totals.flagged() / totals.segments()).isBetween(0.08, 0.12);
        assertThat((double) totals.escalated() / totals.segments()).isBetween(0.006, 0.014);
        assertThat(totals.callsByTenant()).containsOnlyKeys("tenant-a", "tenant-b", "tenant-c");
    }

    @Test
    void rowsHaveEveryCopyColumnAndFlaggedSegmentsCarryTheirSpan() {
        Rows rows = generate(SearchOptions.parse("--calls", "500"));
        assertThat(rows.calls()).allSatisfy(line -> assertThat(line.split("\t", -1))
                .hasSize(SearchSeed.CALL_COLUMNS.split(",").length));
        assertThat(rows.verdicts()).allSatisfy(line -> assertThat(line.split("\t", -1))
                .hasSize(SearchSeed.VERDICT_COLUMNS.split(",").length));
        assertThat(rows.segments()).allSatisfy(line -> {
            String[] columns = line.split("\t", -1);
            assertThat(columns).hasSize(SearchSeed.SEGMENT_COLUMNS.split(",").length);
            if (!columns[11].equals("ALLOW")) {
                // the span's offsets point at its term in the text
                String categories = columns[9];
                int start = Integer.parseInt(categories.replaceAll(".*?\"start\":(\\d+).*", "$1"));
                int end = Integer.parseInt(categories.replaceAll(".*?\"end\":(\\d+).*", "$1"));
                String term = categories.replaceAll(".*?\"term\":\"([^\"]*)\".*", "$1");
                assertThat(columns[7].substring(start, end)).isEqualTo(term);
            } else {
                assertThat(columns[9]).isEqualTo("[]");
            }
        });
    }

    @Test
    void noSeedNeedsADatabase() {
        assertThatThrownBy(() -> SearchOptions.parse("--no-seed")).hasMessageContaining("--jdbc-url");
        assertThat(SearchOptions.parse().calls()).isEqualTo(100_000);
    }
}
