package vn.guardian.ingest.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import vn.guardian.ingest.Wavs;
import vn.guardian.ingest.problem.ProblemException;

class WavParserTest {

    @Test
    void readsStereoPcmAndDeinterleavesChannels() {
        short[] left = {1, 2, 3, -4};
        short[] right = {10, 20, 30, -40};
        WavAudio wav = WavParser.parse(Wavs.pcm16(8000, left, right));

        assertThat(wav.sampleRate()).isEqualTo(8000);
        assertThat(wav.channels()).isEqualTo(2);
        assertThat(wav.frames()).isEqualTo(4);
        assertThat(wav.channel(0)).containsExactly(left);
        assertThat(wav.channel(1)).containsExactly(right);
    }

    @Test
    void skipsListAndOddSizedChunksBeforeAndAfterFormat() {
        byte[] fmt = Arrays.copyOfRange(Wavs.pcm16(16000, new short[]{7}), 12, 12 + 24);
        byte[] data = Wavs.chunk("data", new byte[]{7, 0, -1, -1});
        byte[] wav = Wavs.riff(Wavs.chunk("LIST", "INFOISFT\3\0\0\0ab\0".getBytes()), Wavs.chunk("junk", new byte[3]),
                fmt, data);

        WavAudio parsed = WavParser.parse(wav);

        assertThat(parsed.channel(0)).containsExactly((short) 7, (short) -1);
    }

    @Test
    void acceptsWaveFormatExtensibleWithPcmSubformat() {
        WavAudio parsed = WavParser.parse(extensible(1, 16));

        assertThat(parsed.channels()).isEqualTo(1);
        assertThat(parsed.channel(0)).containsExactly((short) 5, (short) 6);
    }

    @Test
    void rejectsWaveFormatExtensibleWithFloatSubformat() {
        assertProblem(extensible(3, 32), HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-encoding", "encoding");
    }

    @Test
    void rejectsRandomBytesAsNotWav() {
        byte[] noise = new byte[1000];
        new Random(42).nextBytes(noise);
        noise[0] = 'X';
        assertProblem(noise, HttpStatus.UNSUPPORTED_MEDIA_TYPE, "not-wav", "body");
    }

    @Test
    void rejectsEmptyBody() {
        assertProblem(new byte[0], HttpStatus.BAD_REQUEST, "empty-recording", "body");
    }

    @Test
    void rejectsHeaderCutShort() {
        byte[] wav = Wavs.pcm16(8000, new short[100]);
        assertProblem(Arrays.copyOf(wav, 8), HttpStatus.BAD_REQUEST, "truncated-wav", "RIFF header");
    }

    @Test
    void rejectsRiffSizeLongerThanTheBody() {
        byte[] wav = Wavs.pcm16(8000, new short[100]);
        assertProblem(Arrays.copyOf(wav, wav.length - 10), HttpStatus.BAD_REQUEST, "truncated-wav", "RIFF chunk size");
    }

    @Test
    void rejectsDataChunkLyingAboutItsLength() {
        byte[] wav = Wavs.pcm16(8000, new short[100]);
        // data size field sits right after the 'data' id, at 12 + 24 + 4
        ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN).putInt(40, 1_000_000);
        assertProblem(wav, HttpStatus.BAD_REQUEST, "truncated-wav", "'data' chunk size");
    }

    @Test
    void rejectsFloatEightBitAndMuLawNamingTheSupportedEncoding() {
        assertThat(problem(Wavs.wav(3, 1, 8000, 32, new byte[8])).getBody().getDetail())
                .contains("IEEE float 32-bit").contains("supported: PCM 16-bit");
        assertProblem(Wavs.wav(1, 1, 8000, 8, new byte[8]), HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                "unsupported-encoding", "encoding");
        assertThat(problem(Wavs.wav(7, 1, 8000, 16, new byte[8])).getBody().getProperties())
                .containsEntry("value", "mu-law 16-bit");
    }

    @Test
    void readsMuLawAndALawWavsAsLinearSamples() {
        // mu-law 0x00 -> -32124, 0xFF -> 0; A-law 0xD5 -> 8, 0x2A -> -32256 (ITU-T G.711 tables)
        WavAudio mulaw = WavParser.parse(Wavs.wav(7, 2, 8000, 8, new byte[]{0x00, (byte) 0xFF, (byte) 0x80, 0x7F}));
        WavAudio alaw = WavParser.parse(Wavs.wav(6, 1, 8000, 8, new byte[]{(byte) 0xD5, 0x2A}));

        assertThat(mulaw.format().encoding()).isEqualTo(AudioFormat.Encoding.MULAW);
        assertThat(mulaw.channel(0)).containsExactly((short) -32124, (short) 32124);
        assertThat(mulaw.channel(1)).containsExactly((short) 0, (short) 0);
        assertThat(alaw.format().encoding()).isEqualTo(AudioFormat.Encoding.ALAW);
        assertThat(alaw.channel(0)).containsExactly((short) 8, (short) -32256);
    }

    @Test
    void rejectsSampleRatesOutside8kTo48k() {
        assertProblem(Wavs.pcm16(96000, new short[10]), HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-sample-rate",
                "sampleRate");
        assertProblem(Wavs.pcm16(4000, new short[10]), HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-sample-rate",
                "sampleRate");
        assertThat(WavParser.parse(Wavs.pcm16(48000, new short[10])).sampleRate()).isEqualTo(48000);
    }

    @Test
    void rejectsMoreThanTwoChannels() {
        assertProblem(Wavs.pcm16(8000, new short[4], new short[4], new short[4]), HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                "unsupported-channels", "channels");
    }

    @Test
    void rejectsWavWithoutAudio() {
        assertProblem(Wavs.pcm16(8000, new short[0]), HttpStatus.BAD_REQUEST, "empty-recording", "data chunk size");
        byte[] fmtOnly = Wavs.riff(Arrays.copyOfRange(Wavs.pcm16(8000, new short[1]), 12, 36));
        assertProblem(fmtOnly, HttpStatus.BAD_REQUEST, "missing-data-chunk", "data chunk");
    }

    @Test
    void headerIsReadFromTheFirstBytesAsTheyArrive() {
        byte[] wav = Wavs.riff(Wavs.chunk("LIST", new byte[30]),
                Arrays.copyOfRange(Wavs.pcm16(8000, new short[1]), 12, 36), Wavs.chunk("data", new byte[2000]));
        int dataAt = 12 + 38 + 24 + 8;
        for (int length = 0; length < dataAt; length++) {
            assertThat(WavParser.header(wav, length, -1)).as("header from %d bytes", length).isNull();
        }

        WavHeader header = WavParser.header(wav, dataAt, -1);

        assertThat(header.format()).isEqualTo(new AudioFormat(AudioFormat.Encoding.PCM_S16LE, 8000, 1));
        assertThat(header.dataOffset()).isEqualTo(dataAt);
        assertThat(header.frames()).isEqualTo(1000);
        assertThat(header.riffEnd()).isEqualTo(wav.length);
    }

    @Test
    void firstBytesAreEnoughToRefuseNoiseAndBadFormats() {
        assertThatThrownBy(() -> WavParser.header("ID3\3".getBytes(), 4, -1))
                .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.slug()).isEqualTo("not-wav"));
        byte[] floatWav = Wavs.wav(3, 1, 16000, 32, new byte[40_000]);
        assertThatThrownBy(() -> WavParser.header(floatWav, 44, -1))
                .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.slug()).isEqualTo("unsupported-encoding"));
    }

    @Test
    void knownBodyLengthShorterThanTheRiffSizeIsRefusedFromTheHeader() {
        byte[] wav = Wavs.pcm16(8000, new short[10_000]);
        assertThatThrownBy(() -> WavParser.header(wav, 44, wav.length - 2))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.slug()).isEqualTo("truncated-wav");
                    assertThat(e.getBody().getProperties()).containsEntry("field", "RIFF chunk size");
                });
        assertThat(WavParser.header(wav, 44, wav.length)).isNotNull();
    }

    private static byte[] extensible(int subformat, int bits) {
        ByteBuffer fmt = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
        fmt.putShort((short) 0xFFFE).putShort((short) 1).putInt(16000).putInt(16000 * bits / 8)
                .putShort((short) (bits / 8)).putShort((short) bits)
                .putShort((short) 22).putShort((short) bits).putInt(4)
                // KSDATAFORMAT_SUBTYPE_*: tag, then the fixed GUID tail
                .putShort((short) subformat).put(new byte[]{0, 0, 0, 0, 0x10, 0, (byte) 0x80, 0, 0, (byte) 0xAA, 0,
                        0x38, (byte) 0x9B, 0x71});
        byte[] data = bits == 16 ? new byte[]{5, 0, 6, 0} : new byte[8];
        return Wavs.riff(Wavs.chunk("fmt ", fmt.array()), Wavs.chunk("data", data));
    }

    private static ProblemException problem(byte[] wav) {
        try {
            WavParser.parse(wav);
        } catch (ProblemException e) {
            return e;
        }
        throw new AssertionError("expected the WAV to be rejected");
    }

    private static void assertProblem(byte[] wav, HttpStatus status, String slug, String field) {
        assertThatThrownBy(() -> WavParser.parse(wav))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(status);
                    assertThat(e.slug()).isEqualTo(slug);
                    assertThat(e.getBody().getProperties()).containsEntry("field", field).containsKey("fix");
                });
    }
}
