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

        List<AudioChunk> chunks = Chunker.chunks("call-1", List.of(agent, customer), 16000, 4000, 123L);

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

        List<AudioChunk> chunks = Chunker.chunks("c", List.of(samples), 16000, 4000, 0L);

        short[] joined = new short[samples.length];
        for (AudioChunk chunk : chunks) {
            short[] part = Wavs.samples(chunk.pcm());
            System.arraycopy(part, 0, joined, (int) chunk.startSample(), part.length);
        }
        assertThat(joined).containsExactly(samples);
    }
}
