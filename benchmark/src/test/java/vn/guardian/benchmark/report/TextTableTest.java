package vn.guardian.benchmark.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import vn.guardian.benchmark.stats.Stats;

class TextTableTest {

    @Test
    void padsColumnsAndRightAlignsNumbers() {
        String table = new TextTable("Live", "calls", "p95", "keeps up")
                .row(2, "120", "yes")
                .row(16, "1500", "NO: backlog")
                .row(4, null, "yes").render();
        assertThat(table).isEqualTo("""
                Live
                calls | p95  | keeps up
                ------+------+------------
                    2 |  120 | yes
                   16 | 1500 | NO: backlog
                    4 | -    | yes
                """);
    }

    @Test
    void rowWithWrongCellCountNamesTheColumns() {
        assertThatThrownBy(() -> new TextTable("T", "a", "b").row(1)).hasMessageContaining("1 cells")
                .hasMessageContaining("[a, b]");
    }

    @Test
    void formatsSpreadsPercentAndMemory() {
        assertThat(Format.spread(new Stats.Spread(12.345, 11, 13.2, 3), 1)).isEqualTo("12.3 (11.0-13.2)");
        assertThat(Format.spread(new Stats.Spread(7, 7, 7, 1), 2)).isEqualTo("7.00");
        assertThat(Format.percent(0.853)).isEqualTo("85.3 %");
        assertThat(Format.mib(3 * 1024 * 1024)).isEqualTo("3 MiB");
        assertThat(Format.number(Double.NaN, 2)).isEqualTo("n/a");
    }
}
