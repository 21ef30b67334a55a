package vn.guardian.ingest.audio;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import vn.guardian.ingest.Wavs;

/** G.711 decoding over every code and every linear sample: bounded, sign-symmetric, and a close inverse of encoding. */
class G711FuzzTest {

    @Test
    void everyCodeDecodesToABoundedSampleAndItsSignTwinToTheNegative() {
        for (int code = 0; code < 256; code++) {
            assertThat(Math.abs(G711.mulaw(code))).as("mu-law %d", code).isLessThanOrEqualTo(32124);
            assertThat(G711.mulaw(code ^ 0x80)).as("mu-law %d", code).isEqualTo((short) -G711.mulaw(code));
            assertThat(Math.abs(G711.alaw(code))).as("A-law %d", code).isLessThanOrEqualTo(32256);
            assertThat(G711.alaw(code ^ 0x80)).as("A-law %d", code).isEqualTo((short) -G711.alaw(code));
        }
    }

    @Test
    void everyLinearSampleSurvivesMulawEncodingWithinOneQuantizationStep() {
        for (int sample = Short.MIN_VALUE; sample <= Short.MAX_VALUE; sample++) {
            int decoded = G711.mulaw(Wavs.mulaw((short) sample));

            // mu-law steps grow with the magnitude: 1/16 of it plus the bias; 32635 is its clipping level
            int expected = Math.max(-32635, Math.min(32635, sample));
            assertThat(Math.abs(decoded - expected)).as("sample %d", sample)
                    .isLessThanOrEqualTo(Math.abs(expected) / 16 + 8);
        }
    }
}
