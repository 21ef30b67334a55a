package vn.guardian.ingest.audio;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import vn.guardian.contracts.audio.AudioChunk;
import vn.guardian.ingest.Wavs;

class ChunkerTest {

    @Test
    void cutsEachChannelInto4000SampleChunksWithGaplessSeqAndStartSample() {
        short[] agent = Wavs.sine(300, 16000, 10000, 1000);
        short[] customer = Wavs.sine(500, 16000, 10000, 1000);

        CallNormalizer normalizer = new CallNormalizer("call-1",
                new AudioFormat(AudioFormat.Encoding.PCM_S16LE, 16000, 2), 16000, 4000);
        byte[] stereo = Wavs.samplesToBytes(agent, customer);
        List<AudioChunk> chunks = new java.util.ArrayList<>(normalizer.push(stereo, 0, 10000, 123L));
        chunks.addAll(normalizer.flush(123L));

        assertThat(chunks).extracting(AudioChunk::channel).containsExactly(0, 1, 0, 1, 0, 1);
        assertThat(chunks).extracting(AudioChunk::seq).containsExactly(0L, 0L, 1L, 1L, 2L, 2L);
        assertThat(chunks).extracting(AudioChunk::startSample).containsExactly(0L, 0L, 4000L, 4000L, 8000L, 8000L);
        assertThat(chunks).extracting(AudioChunk::samples).containsExactly(4000, 4000, 4000, 4000, 2000, 2000);
        assertThat(chunks).allSatisfy(chunk -> {
            assertThat(chunk.callId()).isEqualTo("call-1");
            assertThat(chunk.sampleRate()).isEqualTo(16000);
            assertThat(chunk.ingestedAt()).isEqualTo(123L);
        });
    }

    @Test
    void chunksCarryTheSamplesAsLittleEndianPcmInOrder() {
        short[] samples = Wavs.sine(700, 16000, 9000, 20000);

        Chunker chunker = new Chunker("c", 0, 16000, 4000);
        List<AudioChunk> chunks = new java.util.ArrayList<>();
        // pieces that do not line up with chunk boundaries: seq and startSample run on regardless
        for (int from = 0; from < samples.length; from += 1500) {
            chunks.addAll(chunker.push(java.util.Arrays.copyOfRange(samples, from, Math.min(samples.length, from + 1500)), from));
        }
        chunks.addAll(chunker.flush(9));

        assertThat(chunks).extracting(AudioChunk::seq).containsExactly(0L, 1L, 2L);
        assertThat(chunks).extracting(AudioChunk::startSample).containsExactly(0L, 4000L, 8000L);
        // stamped with the arrival of the piece that completed each chunk
        assertThat(chunks).extracting(AudioChunk::ingestedAt).containsExactly(3000L, 7500L, 9L);

        short[] joined = new short[samples.length];
        for (AudioChunk chunk : chunks) {
            short[] part = Wavs.samples(chunk.pcm());
            System.arraycopy(part, 0, joined, (int) chunk.startSample(), part.length);
        }
        assertThat(joined).containsExactly(samples);
    }
}
