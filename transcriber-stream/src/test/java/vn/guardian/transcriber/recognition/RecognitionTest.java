package vn.guardian.transcriber.recognition;

import vn.guardian.voskmodels.BundledModel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.guardian.contracts.audio.AudioChunk;
import vn.guardian.contracts.transcript.SegmentIds;
import vn.guardian.contracts.transcript.TranscriptSegment;
import vn.guardian.contracts.transcript.Word;
import vn.guardian.transcriber.Speech;
import vn.guardian.transcriber.TestModels;

class RecognitionTest {

    @Test
    void bundledModelIsExtractedOnceWithEveryPartVoskNeeds(@TempDir Path cache) throws Exception {
        Path dir = BundledModel.extract(cache);

        assertThat(dir.getFileName().toString()).isEqualTo("en-" + Files.readString(dir.resolve("uuid")).trim());
        for (String part : List.of("am/final.mdl", "conf/model.conf", "conf/mfcc.conf", "graph/HCLr.fst",
                "graph/Gr.fst", "ivector/final.ie")) {
            assertThat(dir.resolve(part)).isNotEmptyFile();
        }
        long modified = Files.getLastModifiedTime(dir.resolve("am/final.mdl")).toMillis();
        assertThat(BundledModel.extract(cache)).isEqualTo(dir);
        assertThat(Files.getLastModifiedTime(dir.resolve("am/final.mdl")).toMillis()).isEqualTo(modified);
        try (var entries = Files.list(cache)) {
            assertThat(entries).containsExactly(dir); // no staging folders left behind
        }
    }

    @Test
    void replicasStartingTogetherShareOneExtractedModel(@TempDir Path cache) throws Exception {
        // two replicas on one host with one cache dir (found by standalone's TranscriberCrashIT): both must start
        var pool = java.util.concurrent.Executors.newFixedThreadPool(3);
        try {
            List<java.util.concurrent.Future<Path>> extracted = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                extracted.add(pool.submit(() -> BundledModel.extract(cache)));
            }
            Path first = extracted.get(0).get();
            for (var each : extracted) {
                assertThat(each.get()).isEqualTo(first);
            }
            assertThat(first.resolve("am/final.mdl")).isNotEmptyFile();
            try (var entries = Files.list(cache)) {
                assertThat(entries).containsExactly(first);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void bundledEnglishModelLoads() {
        assertThat(TestModels.get().languages()).containsExactly("en");
        assertThat(TestModels.get().forLanguage("vi")).isEmpty();
    }

    @Test
    void oneUtteranceBecomesOneSegmentWithTimedConfidentWords() throws Exception {
        long firstSample = 32000; // the channel had 2 s of audio before: times must count from the channel start
        List<TranscriptSegment> segments = transcribe(Speech.NEED_HELP, "call-1", firstSample);

        assertThat(segments).hasSize(1);
        TranscriptSegment segment = segments.get(0);
        assertThat(segment.text()).contains("hello my name is").contains("need help with my bill");
        assertThat(segment.segmentId()).isEqualTo(SegmentIds.of("call-1", 0, firstSample));
        assertThat(segment.channelRole()).isEqualTo("customer");
        assertThat(segment.tenant()).isEqualTo("acme");
        assertThat(segment.language()).isEqualTo("en");
        List<Word> words = segment.words();
        assertThat(words).extracting(Word::word).contains("hello", "help", "bill");
        assertThat(segment.startMs()).isEqualTo(words.get(0).startMs()).isGreaterThanOrEqualTo(2000);
        assertThat(segment.endMs()).isEqualTo(words.get(words.size() - 1).endMs())
                .isLessThanOrEqualTo(2000 + Speech.durationMs(Speech.NEED_HELP));
        for (int i = 0; i < words.size(); i++) {
            Word word = words.get(i);
            assertThat(word.endMs()).isGreaterThan(word.startMs());
            assertThat(word.confidence()).isBetween(0.0, 1.0);
            if (i > 0) {
                assertThat(word.startMs()).isGreaterThanOrEqualTo(words.get(i - 1).endMs());
            }
        }
        assertThat(segment.closingChunkIngestedAt()).isPositive();
    }

    @Test
    void eachUtteranceGetsTheDeterministicIdOfItsFirstChunk() throws Exception {
        List<TranscriptSegment> first = transcribe(Speech.TWO_UTTERANCES, "call-2", 0);
        List<TranscriptSegment> again = transcribe(Speech.TWO_UTTERANCES, "call-2", 0);

        assertThat(first).extracting(TranscriptSegment::text)
                .containsExactly("good morning how are you today", "please tell me your account number");
        assertThat(first.get(0).segmentId()).isEqualTo(SegmentIds.of("call-2", 0, 0));
        assertThat(first.get(1).segmentId()).isNotEqualTo(first.get(0).segmentId());
        // the second utterance starts at a 250 ms chunk boundary after the first one ended
        long secondStart = first.get(1).startMs() * Speech.SAMPLE_RATE / 1000;
        assertThat(List.of(first.get(1).segmentId())).containsAnyOf(
                candidates("call-2", secondStart).toArray(String[]::new));
        assertThat(first.get(1).startMs()).isGreaterThan(first.get(0).endMs());
        assertThat(again).extracting(TranscriptSegment::segmentId)
                .containsExactlyElementsOf(first.stream().map(TranscriptSegment::segmentId).toList());
    }

    @Test
    void aWarmRecognizerTranscribesTheNextCallLikeANewOneWithThatCallsOwnTimes() throws Exception {
        List<TranscriptSegment> byNewRecognizer = transcribe(Speech.TWO_UTTERANCES, "call-3", 0);
        List<TranscriptSegment> byWarmRecognizer;
        try (RecognizerPool pool = new RecognizerPool(1)) {
            transcribe(pool, Speech.NEED_HELP, "earlier-call", 0);
            assertThat(pool.warm()).isEqualTo(1);
            byWarmRecognizer = transcribe(pool, Speech.TWO_UTTERANCES, "call-3", 0);
            assertThat(pool.warm()).as("the same recognizer came back again").isEqualTo(1);
        }

        assertThat(byWarmRecognizer).extracting(TranscriptSegment::segmentId)
                .containsExactlyElementsOf(byNewRecognizer.stream().map(TranscriptSegment::segmentId).toList());
        assertThat(byWarmRecognizer).extracting(TranscriptSegment::text)
                .containsExactlyElementsOf(byNewRecognizer.stream().map(TranscriptSegment::text).toList());
        for (int i = 0; i < byNewRecognizer.size(); i++) {
            // Vosk decodes in 30 ms frames; a warm graph may place a word boundary one frame apart
            List<Word> expected = byNewRecognizer.get(i).words();
            List<Word> actual = byWarmRecognizer.get(i).words();
            for (int w = 0; w < expected.size(); w++) {
                assertThat(actual.get(w).startMs()).isCloseTo(expected.get(w).startMs(), within(60L));
                assertThat(actual.get(w).endMs()).isCloseTo(expected.get(w).endMs(), within(60L));
            }
        }
    }

    private static List<String> candidates(String callId, long beforeSample) {
        List<String> ids = new ArrayList<>();
        for (long start = 0; start <= beforeSample; start += Speech.CHUNK_SAMPLES) {
            ids.add(SegmentIds.of(callId, 0, start));
        }
        return ids;
    }

    private static List<TranscriptSegment> transcribe(String fixture, String callId, long firstSample)
            throws Exception {
        try (RecognizerPool pool = new RecognizerPool(1)) {
            return transcribe(pool, fixture, callId, firstSample);
        }
    }

    private static List<TranscriptSegment> transcribe(RecognizerPool pool, String fixture, String callId,
                                                      long firstSample) throws Exception {
        List<TranscriptSegment> segments = new ArrayList<>();
        try (ChannelRecognizer recognizer = pool.open(TestModels.get().forLanguage("en").orElseThrow(),
                Speech.SAMPLE_RATE, new ChannelRecognizer.Identity(callId, "acme", 0, "customer", "en"))) {
            for (AudioChunk chunk : Speech.chunks(fixture, callId, 0, firstSample)) {
                recognizer.accept(chunk).ifPresent(segments::add);
            }
            recognizer.finish(System.currentTimeMillis()).ifPresent(segments::add);
        }
        return segments;
    }
}
