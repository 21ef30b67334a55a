package vn.guardian.ingest.audio;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import vn.guardian.contracts.audio.ModelFormat;
import vn.guardian.testsupport.Fuzzing;

/**
 * The resampler at every rate a feed may declare (8000..48000 Hz, not only the usual ones): the output has the
 * length the rate ratio gives, pieces come out as the whole, amplitude stays bounded by the input's, and the
 * filter a rate needs costs bounded memory however odd the rate.
 */
class ResamplerFuzzTest {

    private static final int[] USUAL_RATES = {8000, 11025, 16000, 22050, 44100, 48000};

    static Stream<Fuzzing.Try> tries() {
        return Fuzzing.tries(60);
    }

    /** Half the time a usual rate, else any rate a WAV header or a call start may declare. */
    static int rate(Random random) {
        return random.nextBoolean() ? USUAL_RATES[random.nextInt(USUAL_RATES.length)]
                : AudioFormat.MIN_SAMPLE_RATE + random.nextInt(AudioFormat.MAX_SAMPLE_RATE - AudioFormat.MIN_SAMPLE_RATE + 1);
    }

    static short[] signal(Random random, int maxLength) {
        short[] signal = new short[random.nextInt(maxLength + 1)];
        int loudness = 1 + random.nextInt(32768);
        for (int i = 0; i < signal.length; i++) {
            signal[i] = (short) (random.nextInt(2 * loudness) - loudness);
        }
        return signal;
    }

    @ParameterizedTest
    @MethodSource("tries")
    void aSignalComesOutWithTheLengthOfTheRateRatioAndNoMuchLouderThanItWent(Fuzzing.Try example) {
        Random random = example.random();
        int rate = rate(random);
        short[] signal = signal(random, 3000);

        short[] out = Resamplers.of(rate, ModelFormat.SAMPLE_RATE).resample(signal);

        assertThat(out).hasSize((int) ((long) signal.length * ModelFormat.SAMPLE_RATE / rate));
        int loudestIn = 0;
        for (short sample : signal) {
            loudestIn = Math.max(loudestIn, Math.abs(sample));
        }
        // a windowed sinc rings a little past its input, never by more than its taps' total weight (< 2)
        for (short sample : out) {
            assertThat(Math.abs(sample)).isLessThanOrEqualTo(Math.min(32768, 2 * loudestIn + 1));
        }
    }

    @ParameterizedTest
    @MethodSource("tries")
    void aSignalFedInRandomPiecesComesOutExactlyAsWhole(Fuzzing.Try example) {
        Random random = example.random();
        Resampler resampler = Resamplers.of(rate(random), ModelFormat.SAMPLE_RATE);
        short[] signal = signal(random, 3000);
        ByteArrayOutputStream streamed = new ByteArrayOutputStream();
        Resampler.Stream stream = resampler.stream();
        for (int from = 0; from < signal.length; ) {
            int to = Math.min(signal.length, from + 1 + random.nextInt(800));
            write(streamed, stream.push(Arrays.copyOfRange(signal, from, to)));
            from = to;
        }
        write(streamed, stream.flush());

        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        write(whole, resampler.resample(signal));
        assertThat(streamed.toByteArray()).isEqualTo(whole.toByteArray());
    }

    @ParameterizedTest
    @MethodSource("tries")
    void theFilterForAnyDeclaredRateHasABoundedTableAndFewAreKept(Fuzzing.Try example) {
        Random random = example.random();
        Resampler resampler = Resamplers.of(rate(random), random.nextBoolean() ? ModelFormat.SAMPLE_RATE : rate(random));

        // 47999 Hz -> 16000 Hz once built a 16000-row table (10 MB, a second of CPU) and kept it forever
        assertThat(resampler.phases()).isBetween(0, Resampler.MAX_PHASES);
        assertThat(Resamplers.cached()).isLessThanOrEqualTo(Resamplers.MAX_CACHED);
    }

    private static void write(ByteArrayOutputStream out, short[] samples) {
        for (short sample : samples) {
            out.write(sample);
            out.write(sample >> 8);
        }
    }
}
