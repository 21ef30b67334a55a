package vn.guardian.benchmark.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The recognizer-memory command line: a measured lever is named on it, and a wrong value says what to give. */
class RecognizerMemoryOptionsTest {

    @Test
    void freedMemoryIsLeftToTheAllocatorByDefaultAsInTheTranscriber() {
        assertThat(RecognizerMemory.Options.parse().returnFreedMemory()).isFalse();
        assertThat(RecognizerMemory.Options.parse("--return-freed-memory", "true").returnFreedMemory()).isTrue();
    }

    @Test
    void aRetirementPeriodIsGivenInSecondsOrMinutes() {
        assertThat(RecognizerMemory.Options.parse("--retire-after", "90s").retireAfter()).isEqualTo(Duration.ofSeconds(90));
        assertThat(RecognizerMemory.Options.parse("--retire-after", "2m").retireAfter()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void aValueThatIsNeitherTrueNorFalseIsRefusedWithAnExample() {
        assertThatThrownBy(() -> RecognizerMemory.Options.parse("--return-freed-memory", "yes"))
                .hasMessageContaining("--return-freed-memory yes is neither true nor false")
                .hasMessageContaining("--return-freed-memory false");
    }

    @Test
    void aRetirementPeriodWithoutAUnitIsRefused() {
        assertThatThrownBy(() -> RecognizerMemory.Options.parse("--retire-after", "120"))
                .hasMessageContaining("--retire-after 120 is not a positive duration");
    }
}
