package vn.guardian.transcriber.recognition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vosk.Model;
import vn.guardian.contracts.audio.AudioChunk;
import vn.guardian.contracts.transcript.TranscriptSegment;
import vn.guardian.transcriber.Speech;
import vn.guardian.transcriber.TestModels;

/**
 * {@code recognizer-retire-after} in a live call: the channel's recognizer is replaced at utterance boundaries, with
 * the real English model, and the call's transcript does not notice.
 */
class RecognizerRetirementTest {

    private static final ChannelRecognizer.Identity CALL =
            new ChannelRecognizer.Identity("call", "acme", 1, "customer", "en");

    private final Model english = TestModels.get().forLanguage("en").orElseThrow();

    @Test
    void aChannelWhoseRecognizerIsReplacedAtEveryUtteranceBoundaryTranscribesTheSameUtterances() throws Exception {
        // 0.7 s between utterances: the next words start soon after the chunk that closed the last utterance
        List<AudioChunk> call = Speech.chunks(join(Speech.NEED_HELP, Speech.TWO_UTTERANCES, Speech.NEED_HELP,
                Speech.TWO_UTTERANCES), "call", 1, 0);

        List<TranscriptSegment> kept;
        try (RecognizerPool pool = new RecognizerPool(1)) {
            kept = transcribe(pool, call);
            assertThat(pool.retired()).isZero();
        }
        List<TranscriptSegment> replaced;
        long retired;
        try (RecognizerPool pool = new RecognizerPool(1, Duration.ofSeconds(1), false, Runnable::run)) {
            replaced = transcribe(pool, call);
            retired = pool.retired();
        }

        assertThat(kept).hasSize(6);
        assertThat(retired).as("a new recognizer after every utterance but the last").isGreaterThanOrEqualTo(5);
        for (int i = 0; i < kept.size(); i++) {
            // the same words: Vosk hears "john" or "job" in the first fixture either way, so count them
            assertThat(replaced.get(i).words()).as("words of utterance %d", i).hasSameSizeAs(kept.get(i).words());
        }
        assertThat(replaced).extracting(TranscriptSegment::text).contains("good morning how are you today",
                "please tell me your account number");
        // segment ids may differ: a new recognizer may close an utterance one 250 ms chunk earlier or later
        for (int i = 0; i < kept.size(); i++) {
            // no audio lost or doubled at a swap: every word sits where it sits without one (one 30 ms frame)
            assertThat(replaced.get(i).startMs()).as("start of utterance %d", i).isCloseTo(kept.get(i).startMs(), within(60L));
            assertThat(replaced.get(i).endMs()).as("end of utterance %d", i).isCloseTo(kept.get(i).endMs(), within(60L));
        }
        assertThat(replaced.get(5).endMs()).as("the last word is near the end of the audio")
                .isGreaterThan(call.size() * 250L - 2_000);
    }

    @Test
    void aDueRecognizersSuccessorIsMadeAndTheOldOneFreedOffTheDecodeThreadAndSwappedInOnceReady() throws Exception {
        List<AudioChunk> call = Speech.chunks(join(Speech.NEED_HELP, Speech.TWO_UTTERANCES), "call", 1, 0);
        Deque<Runnable> upkeep = new ArrayDeque<>();
        try (RecognizerPool pool = new RecognizerPool(1, Duration.ofSeconds(1), false, upkeep::add)) {
            ChannelRecognizer channel = pool.open(english, Speech.SAMPLE_RATE, CALL);
            int next = 0;
            while (channel.accept(call.get(next++)).isEmpty()) {
                assertThat(next).as("the first utterance closes").isLessThan(call.size());
            }
            assertThat(upkeep).as("its successor was asked for once, after 1 s of audio").hasSize(1);
            channel.accept(call.get(next++));
            assertThat(pool.retired()).as("not swapped: the successor was not ready when the utterance closed")
                    .isZero();

            upkeep.poll().run(); // the upkeep thread makes the successor
            while (channel.accept(call.get(next++)).isEmpty()) {
                assertThat(next).as("the second utterance closes").isLessThan(call.size());
            }
            assertThat(pool.retired()).as("the segment is handed out before the swap").isZero();
            channel.accept(call.get(next));
            assertThat(pool.retired()).as("swapped in when the next chunk comes").isEqualTo(1);
            assertThat(upkeep).as("the old recognizer is freed on the upkeep thread, not here").hasSize(1);
            upkeep.poll().run();
            channel.close();
            upkeep.forEach(Runnable::run);
        }
    }

    @Test
    void aRecognizerIsNotReplacedBeforeItHasDecodedItsShare() throws Exception {
        try (RecognizerPool pool = new RecognizerPool(1, Duration.ofSeconds(12), false, Runnable::run)) {
            List<TranscriptSegment> segments = transcribe(pool, Speech.chunks(join(Speech.NEED_HELP,
                    Speech.TWO_UTTERANCES), "call", 1, 0));
            assertThat(segments).hasSize(3);
            assertThat(pool.retired()).as("one replacement, after the utterance that passed 12 s").isEqualTo(1);
        }
    }

    private List<TranscriptSegment> transcribe(RecognizerPool pool, List<AudioChunk> call) throws Exception {
        List<TranscriptSegment> segments = new ArrayList<>();
        ChannelRecognizer recognizer = pool.open(english, Speech.SAMPLE_RATE, CALL);
        for (AudioChunk chunk : call) {
            recognizer.accept(chunk).ifPresent(segments::add);
        }
        recognizer.finish(0).ifPresent(segments::add);
        recognizer.close();
        return segments;
    }

    /** The fixtures one after another, 0.7 s of silence after each. */
    private static byte[] join(String... fixtures) {
        ByteArrayOutputStream pcm = new ByteArrayOutputStream();
        for (String fixture : fixtures) {
            pcm.writeBytes(Speech.pcm(fixture));
            pcm.writeBytes(new byte[Speech.SAMPLE_RATE * 7 / 10 * 2]);
        }
        return pcm.toByteArray();
    }
}
