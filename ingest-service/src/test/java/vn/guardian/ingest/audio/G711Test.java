package vn.guardian.ingest.audio;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import vn.guardian.ingest.Wavs;

/** Code-to-sample values from the ITU-T G.711 expansion tables (as in G.191's ulaw2linear / alaw2linear). */
class G711Test {

    @Test
    void muLawCodesDecodeToTheTableValues() {
        assertThat(G711.mulaw(0x00)).isEqualTo((short) -32124);
        assertThat(G711.mulaw(0x80)).isEqualTo((short) 32124);
        assertThat(G711.mulaw(0x7F)).isEqualTo((short) 0);
        assertThat(G711.mulaw(0xFF)).isEqualTo((short) 0);
        assertThat(G711.mulaw(0x7E)).isEqualTo((short) -8);
        assertThat(G711.mulaw(0xFE)).isEqualTo((short) 8);
        assertThat(G711.mulaw(0x70)).isEqualTo((short) -120);
        assertThat(G711.mulaw(0x0F)).isEqualTo((short) -16764);
    }

    @Test
    void aLawCodesDecodeToTheTableValues() {
        assertThat(G711.alaw(0xD5)).isEqualTo((short) 8);
        assertThat(G711.alaw(0x55)).isEqualTo((short) -8);
        assertThat(G711.alaw(0xAA)).isEqualTo((short) 32256);
        assertThat(G711.alaw(0x2A)).isEqualTo((short) -32256);
        assertThat(G711.alaw(0x80)).isEqualTo((short) 5504);
        assertThat(G711.alaw(0x00)).isEqualTo((short) -5504);
        assertThat(G711.alaw(0xD4)).isEqualTo((short) 24);
    }

    @Test
    void decodingIsMonotonicWithinEachSignAndOddSymmetric() {
        for (int code = 0; code < 128; code++) {
            assertThat(G711.mulaw(code)).isEqualTo((short) -G711.mulaw(code | 0x80));
            assertThat(G711.alaw(code)).isEqualTo((short) -G711.alaw(code | 0x80));
        }
        // mu-law positive codes 0xFF (0) down to 0x80 (max) grow
        for (int code = 0xFF; code > 0x80; code--) {
            assertThat(G711.mulaw(code - 1)).isGreaterThan(G711.mulaw(code));
        }
    }

    @Test
    void aMuLawEncodedSineDecodesCloseToTheOriginal() {
        short[] sine = Wavs.sine(1000, 8000, 800, 10000);
        for (short sample : sine) {
            short decoded = G711.mulaw(Wavs.mulaw(sample));
            // mu-law's step at 10000 is 512: error at most half a step plus rounding
            assertThat(Math.abs(decoded - sample)).isLessThanOrEqualTo(Math.max(8, Math.abs(sample) / 16));
        }
    }
}
