package vn.guardian.ingest.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import vn.guardian.ingest.Wavs;

class ResamplerTest {

    @Test
    void upsampling8kTo16kKeepsAToneItsFrequencyAndAmplitude() {
        short[] in = Wavs.sine(1000, 8000, 8000, 10000);

        short[] out = new Resampler(8000, 16000).resample(in);

        assertThat(out).hasSize(16000);
        short[] steady = java.util.Arrays.copyOfRange(out, 1000, 15000);
        assertThat(Wavs.amplitudeAt(steady, 1000, 16000)).isCloseTo(10000, within(300.0));
        // no energy moved to the mirror image at 8 kHz - 1 kHz
        assertThat(Wavs.amplitudeAt(steady, 7000, 16000)).isLessThan(100);
        assertThat(zeroCrossings(steady)).isCloseTo(2 * 1000 * steady.length / 16000, within(2));
    }

    @Test
    void downsampling48kTo16kRemovesAToneAboveTheNewNyquist() {
        short[] high = Wavs.sine(10000, 48000, 48000, 10000);
        short[] low = Wavs.sine(1000, 48000, 48000, 10000);

        short[] highOut = new Resampler(48000, 16000).resample(high);
        short[] lowOut = new Resampler(48000, 16000).resample(low);

        assertThat(highOut).hasSize(16000);
        short[] steadyHigh = java.util.Arrays.copyOfRange(highOut, 500, 15500);
        short[] steadyLow = java.util.Arrays.copyOfRange(lowOut, 500, 15500);
        // 10 kHz would alias to 6 kHz if samples were merely dropped
        assertThat(Wavs.amplitudeAt(steadyHigh, 6000, 16000)).isLessThan(10);
        assertThat(rms(steadyHigh)).isLessThan(10);
        assertThat(Wavs.amplitudeAt(steadyLow, 1000, 16000)).isCloseTo(10000, within(300.0));
    }

    @Test
    void samplingRateOf16kPassesThroughUnchanged() {
        short[] in = Wavs.sine(440, 16000, 1234, 5000);

        assertThat(new Resampler(16000, 16000).resample(in)).containsExactly(in);
    }

    @Test
    void oddRatio44100To16000KeepsDurationAndTone() {
        short[] in = Wavs.sine(1000, 44100, 44100, 8000);

        short[] out = new Resampler(44100, 16000).resample(in);

        assertThat(out).hasSize(16000);
        assertThat(Wavs.amplitudeAt(java.util.Arrays.copyOfRange(out, 500, 15500), 1000, 16000))
                .isCloseTo(8000, within(240.0));
    }

    private static int zeroCrossings(short[] samples) {
        int crossings = 0;
        for (int i = 1; i < samples.length; i++) {
            if ((samples[i - 1] < 0) != (samples[i] < 0)) {
                crossings++;
            }
        }
        return crossings;
    }

    private static double rms(short[] samples) {
        double sum = 0;
        for (short sample : samples) {
            sum += (double) sample * sample;
        }
        return Math.sqrt(sum / samples.length);
    }
}
