package vn.guardian.ingest.audio;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import vn.guardian.ingest.BrokenWavs;
import vn.guardian.ingest.problem.ProblemException;
import vn.guardian.testsupport.Fuzzing;

/**
 * The WAV parser on mutated sample calls and random bytes: it either locates audio that lies inside the bytes it
 * was given, or refuses with a problem that names the field and the fix; nothing else escapes it.
 */
class WavParserFuzzTest {

    static Stream<Fuzzing.Try> tries() {
        return Fuzzing.tries(200);
    }

    @ParameterizedTest
    @MethodSource("tries")
    void aBrokenWavIsParsedWithinItsBytesOrRefusedWithAProblem(Fuzzing.Try example) {
        assertParsedWithinOrRefused(BrokenWavs.any(example.random()));
    }

    @ParameterizedTest
    @MethodSource("tries")
    void randomBytesAfterARiffHeaderAreParsedWithinOrRefused(Fuzzing.Try example) {
        Random random = example.random();
        byte[] bytes = new byte[random.nextInt(200)];
        random.nextBytes(bytes);
        if (random.nextBoolean()) {
            System.arraycopy("RIFF\0\0\0\0WAVE".getBytes(), 0, bytes, 0, Math.min(12, bytes.length));
        }
        assertParsedWithinOrRefused(bytes);
    }

    @ParameterizedTest
    @MethodSource("tries")
    void aWavArrivingInPiecesIsJudgedFromItsFirstBytesAsWhenWhole(Fuzzing.Try example) {
        Random random = example.random();
        byte[] wav = BrokenWavs.any(random);
        int piece = 1 + random.nextInt(700);
        Object whole = outcome(wav, wav.length, wav.length);
        Object streamed = null;
        // the upload's header buffer is larger than what arrived: bytes past the length must not be read
        byte[] buffer = new byte[wav.length + 64];
        Arrays.fill(buffer, (byte) 0x55);
        for (int arrived = 0, length = Math.min(piece, wav.length); streamed == null;
             arrived = length, length = Math.min(length + piece, wav.length)) {
            System.arraycopy(wav, arrived, buffer, arrived, length - arrived);
            streamed = outcome(buffer, length, -1);
            if (streamed == null && length == wav.length) {
                streamed = outcome(wav, wav.length, wav.length);
            }
        }

        if (streamed instanceof ProblemException) {
            assertThat(whole).as("a refusal seen in the first bytes holds for the whole file")
                    .isInstanceOf(ProblemException.class);
        } else if (whole instanceof WavHeader wholeHeader) {
            assertThat(streamed).isEqualTo(wholeHeader);
        }
    }

    /** The header, a refusal, or null (more bytes needed); anything else thrown fails the test. */
    private static Object outcome(byte[] head, int length, long bodyLength) {
        try {
            WavHeader header = WavParser.header(head, length, bodyLength);
            if (header != null) {
                assertThat(header.dataOffset()).isBetween(12, length);
                assertThat(header.dataBytes()).isPositive();
                if (bodyLength >= 0) {
                    assertThat(header.riffEnd()).isLessThanOrEqualTo(bodyLength);
                }
            }
            return header;
        } catch (ProblemException refused) {
            assertIsAProblemWithAFix(refused);
            return refused;
        }
    }

    private static void assertParsedWithinOrRefused(byte[] wav) {
        WavAudio audio;
        try {
            audio = WavParser.parse(wav);
        } catch (ProblemException refused) {
            assertIsAProblemWithAFix(refused);
            return;
        }
        long audioEnd = audio.dataOffset() + (long) audio.frames() * audio.format().frameBytes();
        assertThat(audioEnd).as("the audio lies inside the file").isLessThanOrEqualTo(wav.length);
        assertThat(audio.frames()).isPositive();
        for (int channel = 0; channel < audio.channels(); channel++) {
            assertThat(audio.channel(channel)).hasSize(audio.frames());
        }
    }

    private static void assertIsAProblemWithAFix(ProblemException refused) {
        assertThat(refused.getStatusCode().value()).isIn(400, 413, 415);
        assertThat(refused.getBody().getType().toString()).startsWith(ProblemException.TYPE_BASE);
        assertThat(refused.getBody().getTitle()).isNotBlank();
        assertThat(refused.getBody().getDetail()).isNotBlank();
        assertThat(refused.getBody().getProperties()).containsKeys("field", "fix");
    }
}
