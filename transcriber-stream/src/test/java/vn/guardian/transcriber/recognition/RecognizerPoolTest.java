package vn.guardian.transcriber.recognition;

import vn.guardian.voskmodels.BundledModel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vosk.Model;
import vn.guardian.contracts.audio.AudioChunk;
import vn.guardian.contracts.transcript.TranscriptSegment;
import vn.guardian.transcriber.Speech;
import vn.guardian.transcriber.TestModels;

/** Warm recognizers: kept after a call, taken by the next, freed when idle or when the cap needs the room. */
class RecognizerPoolTest {

    private static final ChannelRecognizer.Identity CALL =
            new ChannelRecognizer.Identity("call", "acme", 0, "agent", "en");

    private final Model english = TestModels.get().forLanguage("en").orElseThrow();

    @Test
    void aFinishedRecognizerIsKeptForTheNextCallOfTheSameModel() throws Exception {
        try (RecognizerPool pool = new RecognizerPool(2)) {
            assertThat(pool.tryAcquire(1)).isTrue();
            talk(pool.open(english, Speech.SAMPLE_RATE, CALL));
            pool.release(1);
            assertThat(pool.warm()).isEqualTo(1);

            assertThat(pool.tryAcquire(1)).isTrue();
            ChannelRecognizer next = pool.open(english, Speech.SAMPLE_RATE, CALL);
            assertThat(pool.warm()).isZero();
            next.close();
            pool.release(1);
            assertThat(pool.warm()).isEqualTo(1);
        }
    }

    @Test
    void aRecognizerClosedMidUtteranceIsFinalizedBeforeTheNextCallGetsIt() throws Exception {
        try (RecognizerPool pool = new RecognizerPool(1)) {
            ChannelRecognizer revoked = pool.open(english, Speech.SAMPLE_RATE, CALL);
            List<AudioChunk> speech = Speech.chunks(Speech.NEED_HELP, "call", 0, 0);
            speech.subList(0, 8).forEach(revoked::accept); // 2 s into the utterance, e.g. the partition moved away
            revoked.close();
            assertThat(pool.warm()).isEqualTo(1);

            List<TranscriptSegment> byWarmRecognizer = segments(pool.open(english, Speech.SAMPLE_RATE, CALL));
            List<TranscriptSegment> byNewRecognizer;
            try (RecognizerPool fresh = new RecognizerPool(1)) {
                byNewRecognizer = segments(fresh.open(english, Speech.SAMPLE_RATE, CALL));
            }
            // no words of the revoked call leak into the next (Vosk may hear "john" or "job" either way)
            assertThat(byWarmRecognizer).hasSameSizeAs(byNewRecognizer).hasSize(1);
            assertThat(byWarmRecognizer.get(0).words()).hasSameSizeAs(byNewRecognizer.get(0).words());
            assertThat(byWarmRecognizer.get(0).startMs()).isCloseTo(byNewRecognizer.get(0).startMs(), within(60L));
            assertThat(byWarmRecognizer.get(0).text()).startsWith("hello my name is");
        }
    }

    @Test
    void aRecognizerThatDecodedItsShareOfAudioIsRetiredInsteadOfKept() throws Exception {
        try (RecognizerPool pool = new RecognizerPool(2, Duration.ofSeconds(8))) {
            ChannelRecognizer recognizer = pool.open(english, Speech.SAMPLE_RATE, CALL);
            talk(recognizer); // 5.4 s of speech
            assertThat(pool.warm()).isEqualTo(1);

            ChannelRecognizer again = pool.open(english, Speech.SAMPLE_RATE, CALL);
            // 3 s into an utterance, 8.4 s in its life: no utterance boundary came to replace it during the call
            Speech.chunks(Speech.NEED_HELP, "call", 0, 0).subList(0, 12).forEach(again::accept);
            again.close();
            assertThat(pool.warm()).as("its growing graph cache is freed").isZero();
            assertThat(pool.retired()).isEqualTo(1);
        }
    }

    @Test
    void theMemoryOfARetiredRecognizerIsHandedBackToTheSystemOffTheDecodeThread() throws Exception {
        RecognizerPool pool = new RecognizerPool(2, Duration.ofSeconds(8), true);
        try (pool) {
            talk(pool.open(english, Speech.SAMPLE_RATE, CALL));
            talk(pool.open(english, Speech.SAMPLE_RATE, CALL)); // 10.8 s in its life: retired, in the call or after
            assertThat(pool.retired()).isEqualTo(1);
        } // closing waits for the upkeep thread
        assertThat(pool.memoryTrims()).isPositive();
    }

    @Test
    void freedMemoryStaysWithTheAllocatorWhenTurnedOff() throws Exception {
        RecognizerPool pool = new RecognizerPool(2, Duration.ofSeconds(8), false);
        try (pool) {
            talk(pool.open(english, Speech.SAMPLE_RATE, CALL));
            talk(pool.open(english, Speech.SAMPLE_RATE, CALL));
            assertThat(pool.retired()).isEqualTo(1);
        }
        assertThat(pool.memoryTrims()).isZero();
    }

    @Test
    void warmRecognizersUnusedForTheIdleTimeoutAreFreed() throws Exception {
        try (RecognizerPool pool = new RecognizerPool(2)) {
            talk(pool.open(english, Speech.SAMPLE_RATE, CALL));
            long later = System.nanoTime() + Duration.ofMinutes(5).toNanos();

            assertThat(pool.expireIdle(System.nanoTime(), Duration.ofMinutes(5))).isZero();
            assertThat(pool.expireIdle(later, Duration.ofMinutes(5))).isEqualTo(1);
            assertThat(pool.warm()).isZero();
        }
    }

    @Test
    void aWarmRecognizerOfAnotherModelMakesRoomWhenTheCapIsReached() throws Exception {
        Model other = new Model(BundledModel.extract(java.nio.file.Path.of(TestModels.CACHE_DIR)).toString());
        try (RecognizerPool pool = new RecognizerPool(1)) {
            talk(pool.open(english, Speech.SAMPLE_RATE, CALL));
            assertThat(pool.warm()).isEqualTo(1);

            assertThat(pool.tryAcquire(1)).isTrue();
            ChannelRecognizer ofOtherModel = pool.open(other, Speech.SAMPLE_RATE, CALL);
            assertThat(pool.warm()).as("the idle one was freed, never more than max-recognizers natives").isZero();
            ofOtherModel.close();
            pool.release(1);
        } finally {
            other.close();
        }
    }

    /** The segments of a whole short call on the recognizer, which is then handed back. */
    private static List<TranscriptSegment> segments(ChannelRecognizer recognizer) {
        List<TranscriptSegment> segments = new ArrayList<>();
        for (AudioChunk chunk : Speech.chunks(Speech.NEED_HELP, "call", 0, 0)) {
            recognizer.accept(chunk).ifPresent(segments::add);
        }
        recognizer.finish(0).ifPresent(segments::add);
        recognizer.close();
        return segments;
    }

    /** A short call on the recognizer, ended and handed back. */
    private static void talk(ChannelRecognizer recognizer) {
        Speech.chunks(Speech.NEED_HELP, "call", 0, 0).forEach(recognizer::accept);
        recognizer.finish(0);
        recognizer.close();
    }
}
