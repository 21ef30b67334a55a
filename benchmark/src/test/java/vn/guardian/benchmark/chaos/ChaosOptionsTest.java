package vn.guardian.benchmark.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ChaosOptionsTest {

    @Test
    void byDefaultEveryFaultOfTheSuiteRunsOnTheClusterOfTheEnvironment() {
        ChaosCommand.Options options = ChaosCommand.Options.parse(new String[0], "/tmp/cluster");

        assertThat(options.work()).isEqualTo(Path.of("/tmp/cluster"));
        assertThat(options.faults()).containsExactlyElementsOf(Fault.SUITE);
        assertThat(options.calls()).isEqualTo(3);
        assertThat(options.warmUpSeconds()).isEqualTo(120);
    }

    @Test
    void faultsAreChosenByNameAndAnUnknownOneIsRefusedWithTheKnownOnes() {
        ChaosCommand.Options options = ChaosCommand.Options.parse(
                new String[]{"--faults", "transcriber, postgres", "--calls", "4", "--seed", "7"}, null);

        assertThat(options.faults()).containsExactly(Fault.TRANSCRIBER, Fault.POSTGRES);
        assertThat(options.calls()).isEqualTo(4);
        assertThat(options.seed()).isEqualTo(7);
        assertThatThrownBy(() -> ChaosCommand.Options.parse(new String[]{"--faults", "zookeeper"}, null))
                .hasMessageContaining("unknown fault 'zookeeper'").hasMessageContaining("broker-leader");
        assertThatThrownBy(() -> ChaosCommand.Options.parse(new String[]{"--calls", "0"}, null))
                .hasMessageContaining("--calls must be a whole number of at least 1, got '0'");
    }

    @Test
    void theIssuesScalingSequenceIsThreeFaultsInARowAndNotPartOfTheDefaultSuite() {
        ChaosCommand.Options options = ChaosCommand.Options.parse(
                new String[]{"--faults", "scale-out,scale-in,transcriber"}, null);

        assertThat(options.faults()).containsExactly(Fault.SCALE_OUT, Fault.SCALE_IN, Fault.TRANSCRIBER);
        assertThat(options.faults()).allMatch(Fault::changesTranscriberGroup);
        assertThat(Fault.SUITE).doesNotContain(Fault.SCALE_OUT, Fault.SCALE_IN);
        assertThat(Fault.MODERATION.changesTranscriberGroup()).isFalse();
        assertThat(ChaosCommand.USAGE).contains("also none, rolling-restart, scale-out, scale-in");
    }

    @Test
    void theUsageNamesEveryOptionWithItsDefault() {
        assertThat(ChaosCommand.USAGE).contains("--calls N", "default 3", "--warm-up S", "default 120", "broker-leader");
    }
}
