package vn.guardian.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import vn.guardian.embedded.EmbeddedKafka;

class BenchmarkOptionsTest {

    @Test
    void workersDefaultToTheTranscribersOwnAndPartitionsToTheEmbeddedBrokers() {
        BenchmarkOptions options = BenchmarkOptions.parse();
        assertThat(options.workers()).isZero();
        assertThat(options.partitions()).isEqualTo(EmbeddedKafka.PARTITIONS);
    }

    @Test
    void workersAndPartitionsAreTakenFromTheCommandLine() {
        BenchmarkOptions options = BenchmarkOptions.parse("--workers", "4", "--partitions", "12");
        assertThat(options.workers()).isEqualTo(4);
        assertThat(options.partitions()).isEqualTo(12);
    }

    @Test
    void aPartitionCountThatIsNotAPositiveNumberIsRefusedWithAnExample() {
        assertThatThrownBy(() -> BenchmarkOptions.parse("--partitions", "0"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--partitions 0 is not a positive whole number; e.g. --partitions 3");
        assertThatThrownBy(() -> BenchmarkOptions.parse("--workers", "many"))
                .hasMessageContaining("--workers many is not a positive whole number");
    }
}
