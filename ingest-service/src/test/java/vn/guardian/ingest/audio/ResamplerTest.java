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

    @Test
    void aSignalFedInUnevenPiecesComesOutExactlyAsIfConvertedWhole() {
        for (int rate : new int[]{8000, 44100, 48000}) {
            short[] in = Wavs.sine(700, rate, rate, 12000);
            short[] whole = new Resampler(rate, 16000).resample(in);

            Resampler.Stream stream = new Resampler(rate, 16000).stream();
            short[] pieces = new short[0];
            int[] sizes = {1, 7, 160, 2000, 333};
            for (int from = 0, i = 0; from < in.length; i++) {
                int to = Math.min(in.length, from + sizes[i % sizes.length]);
                pieces = concat(pieces, stream.push(java.util.Arrays.copyOfRange(in, from, to)));
                from = to;
            }
            pieces = concat(pieces, stream.flush());

            // no click, no lost or doubled sample at piece boundaries
            assertThat(pieces).as("%d Hz in pieces", rate).containsExactly(whole);
        }
    }

    @Test
    void aCopiedStreamContinuesIndependently() {
        short[] in = Wavs.sine(500, 8000, 4000, 9000);
        Resampler.Stream original = new Resampler(8000, 16000).stream();
        original.push(java.util.Arrays.copyOf(in, 1000));
        Resampler.Stream copy = original.copy();

        short[] fromCopy = copy.push(java.util.Arrays.copyOfRange(in, 1000, 4000));
        // a step that is abandoned (e.g. Kafka refused its chunks) leaves the original untouched
        assertThat(original.push(java.util.Arrays.copyOfRange(in, 1000, 4000))).containsExactly(fromCopy);
    }

    private static short[] concat(short[] a, short[] b) {
        short[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
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
