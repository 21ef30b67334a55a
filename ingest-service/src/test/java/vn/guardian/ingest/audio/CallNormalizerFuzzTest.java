package vn.guardian.ingest.audio;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import vn.guardian.contracts.audio.AudioChunk;
import vn.guardian.contracts.audio.ModelFormat;
import vn.guardian.testsupport.Fuzzing;

/**
 * A call's audio path (decode, split channels, resample, cut into chunks) on random audio in random pieces, in
 * any accepted format: each channel's chunks run seq 0, 1, 2, ... without gaps, are full but for the last, and hold
 * exactly the resampled audio; where the feed cut its pieces leaves no trace.
 */
class CallNormalizerFuzzTest {

    static Stream<Fuzzing.Try> tries() {
        return Fuzzing.tries(30);
    }

    @ParameterizedTest
    @MethodSource("tries")
    void chunksCarryTheWholeResampledAudioInOrderWhateverThePieces(Fuzzing.Try example) {
        Random random = example.random();
        AudioFormat format = new AudioFormat(AudioFormat.Encoding.values()[random.nextInt(3)],
                ResamplerFuzzTest.rate(random), 1 + random.nextInt(AudioFormat.MAX_CHANNELS));
        int chunkSamples = 1 + random.nextInt(4000);
        byte[] audio = new byte[random.nextInt(6000)];
        random.nextBytes(audio);
        int frames = audio.length / format.frameBytes();

        CallNormalizer normalizer = new CallNormalizer("fuzz-call", format, ModelFormat.SAMPLE_RATE, chunkSamples);
        List<AudioChunk> chunks = new ArrayList<>();
        for (int from = 0; from < frames; ) {
            int count = Math.min(frames - from, 1 + random.nextInt(1000));
            chunks.addAll(normalizer.push(audio, from * format.frameBytes(), count, 1));
            from += count;
        }
        chunks.addAll(normalizer.flush(2));

        assertThat(normalizer.receivedMs()).isEqualTo(frames * 1000L / format.sampleRate());
        short[][] decoded = format.decode(audio, 0, frames);
        for (int channel = 0; channel < format.channels(); channel++) {
            int thisChannel = channel;
            List<AudioChunk> own = chunks.stream().filter(chunk -> chunk.channel() == thisChannel).toList();
            ByteArrayOutputStream pcm = new ByteArrayOutputStream();
            long startSample = 0;
            for (int i = 0; i < own.size(); i++) {
                AudioChunk chunk = own.get(i);
                assertThat(chunk.seq()).isEqualTo(i);
                assertThat(chunk.startSample()).isEqualTo(startSample);
                assertThat(chunk.sampleRate()).isEqualTo(ModelFormat.SAMPLE_RATE);
                assertThat(chunk.samples()).isBetween(1, chunkSamples);
                if (i < own.size() - 1) {
                    assertThat(chunk.samples()).isEqualTo(chunkSamples);
                }
                startSample += chunk.samples();
                pcm.writeBytes(chunk.pcm());
            }
            short[] expected = Resamplers.of(format.sampleRate(), ModelFormat.SAMPLE_RATE).resample(decoded[channel]);
            assertThat(pcm.toByteArray()).as("channel %d", channel).isEqualTo(pcm16le(expected));
        }
    }

    private static byte[] pcm16le(short[] samples) {
        byte[] out = new byte[2 * samples.length];
        for (int i = 0; i < samples.length; i++) {
            out[2 * i] = (byte) samples[i];
            out[2 * i + 1] = (byte) (samples[i] >> 8);
        }
        return out;
    }
}
