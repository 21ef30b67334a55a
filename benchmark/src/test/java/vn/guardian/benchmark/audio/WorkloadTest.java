package vn.guardian.benchmark.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.guardian.contracts.audio.AudioChunk;

/** Which calls each run decodes, and the audio the raw run decodes for a telephony call. */
class WorkloadTest {

    @TempDir
    Path dir;

    @Test
    void aCorpusGivesEveryRunItsOwnCallsAndNeverOneTwiceInARun() throws Exception {
        StringBuilder manifest = new StringBuilder("{\"seed\": 17, \"calls\": [");
        for (int i = 0; i < 5; i++) {
            String name = "call-00" + i + ".wav";
            Files.write(dir.resolve(name), wav(7, 8000, 2, 8000)); // 1 s of mu-law stereo
            manifest.append(i == 0 ? "" : ",").append("{\"file\": \"").append(name).append("\"}");
        }
        Files.writeString(dir.resolve("manifest.json"), manifest.append("]}").toString());

        Workload corpus = Workload.load(dir, 2);

        assertThat(corpus.distinct()).isTrue();
        assertThat(corpus.run(0)).extracting(SampleCall::name).containsExactly("call-000.wav", "call-001.wav");
        assertThat(corpus.run(1)).extracting(SampleCall::name).containsExactly("call-002.wav", "call-003.wav");
        assertThat(corpus.run(2)).extracting(SampleCall::name).containsExactly("call-004.wav", "call-000.wav");
        assertThat(Workload.audioSeconds(corpus.run(0))).as("both channels count").isEqualTo(4.0);
    }

    @Test
    void aPlainFolderIsCopiesOfAllItsSamples() throws Exception {
        Files.write(dir.resolve("a.wav"), wav(1, 16000, 1, 16000));
        Files.write(dir.resolve("b.wav"), wav(1, 16000, 1, 16000));

        Workload samples = Workload.load(dir, 3);

        assertThat(samples.distinct()).isFalse();
        assertThat(samples.run(0)).hasSize(6);
        assertThat(samples.distinctCalls(0)).extracting(SampleCall::name).containsExactly("a.wav", "b.wav");
    }

    @Test
    void aTelephonyCallIsDecodedAsIngestNormalizesIt() throws Exception {
        Path file = dir.resolve("stereo.wav");
        Files.write(file, wav(6, 8000, 2, 8000)); // 1 s of A-law stereo

        List<AudioChunk> chunks = SampleCall.load(file).normalizedChunks("call");

        assertThat(chunks).extracting(AudioChunk::channel).containsExactly(0, 1, 0, 1, 0, 1, 0, 1);
        assertThat(chunks).allSatisfy(chunk -> assertThat(chunk.sampleRate()).isEqualTo(16000));
        assertThat(chunks.stream().filter(c -> c.channel() == 1).mapToInt(c -> c.pcm().length / 2).sum())
                .as("1 s per channel at 16 kHz").isEqualTo(16000);
    }

    @Test
    void aFileIngestWouldRefuseIsNamedWithTheReason() throws Exception {
        Path file = dir.resolve("float.wav");
        byte[] wav = wav(1, 16000, 1, 100);
        ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN).putShort(20, (short) 3); // IEEE float
        Files.write(file, wav);

        assertThatThrownBy(() -> SampleCall.load(file)).isInstanceOf(IOException.class)
                .hasMessageContaining("float.wav would be refused by ingest").hasMessageContaining("IEEE float");
    }

    @Test
    void aMissingCorpusSaysHowToMakeIt() {
        assertThatThrownBy(() -> Workload.load(dir.resolve("nowhere"), 1)).isInstanceOf(IOException.class)
                .hasMessageContaining("benchmark/corpus/make-corpus.py");
    }

    /** A WAV of {@code frames} silent frames: format tag 1 (PCM 16-bit), 6 (A-law) or 7 (mu-law). */
    private static byte[] wav(int formatTag, int rate, int channels, int frames) {
        int bytesPerSample = formatTag == 1 ? 2 : 1;
        int data = frames * channels * bytesPerSample;
        ByteBuffer wav = ByteBuffer.allocate(44 + data).order(ByteOrder.LITTLE_ENDIAN);
        wav.putInt(0x46464952).putInt(36 + data).putInt(0x45564157).putInt(0x20746d66).putInt(16)
                .putShort((short) formatTag).putShort((short) channels).putInt(rate)
                .putInt(rate * channels * bytesPerSample).putShort((short) (channels * bytesPerSample))
                .putShort((short) (8 * bytesPerSample)).putInt(0x61746164).putInt(data);
        byte silence = formatTag == 7 ? (byte) 0xff : formatTag == 6 ? (byte) 0xd5 : 0;
        for (int i = 0; i < data; i++) {
            wav.put(silence);
        }
        return wav.array();
    }
}
