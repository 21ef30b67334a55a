package vn.guardian.transcriber;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TranscriberPropertiesTest {

    @Test
    void aTransactionCommitsAfterOneSecondOfDecodingByDefault() {
        assertThat(withMaxTransactionTime(null).maxTransactionTime()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aZeroOrNegativeMaxTransactionTimeIsRefusedNamingTheSettingAndAValidValue() {
        for (Duration bad : new Duration[] {Duration.ZERO, Duration.ofMillis(-5)}) {
            assertThatThrownBy(() -> withMaxTransactionTime(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("guardian.transcriber.max-transaction-time=" + bad)
                    .hasMessageContaining("such as 1s");
        }
    }

    @Test
    void decodersDefaultToTheCoresAndZeroIsRefusedNamingTheSetting() {
        assertThat(withDecodeThreads(null).decodeThreads()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThatThrownBy(() -> withDecodeThreads(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("guardian.transcriber.decode-threads=0")
                .hasMessageContaining("1 or more");
    }

    private static TranscriberProperties withMaxTransactionTime(Duration maxTransactionTime) {
        return new TranscriberProperties(null, 1, null, "test", null, null, null, null, maxTransactionTime, null, null, null);
    }

    private static TranscriberProperties withDecodeThreads(Integer decodeThreads) {
        return new TranscriberProperties(null, 1, null, "test", null, null, null, null, null, decodeThreads, null, null);
    }
}
