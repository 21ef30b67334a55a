package vn.guardian.transcriber.calls;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import vn.guardian.contracts.audio.AudioChunk;
import vn.guardian.contracts.audio.AudioEvent;
import vn.guardian.contracts.audio.CallEnded;
import vn.guardian.contracts.audio.CallStarted;
import vn.guardian.contracts.audio.SourceFormat;
import vn.guardian.contracts.transcript.SegmentIds;
import vn.guardian.contracts.transcript.TranscriptSegment;
import vn.guardian.transcriber.Speech;
import vn.guardian.transcriber.TestCalls;
import vn.guardian.transcriber.TestModels;
import vn.guardian.transcriber.recognition.RecognizerPool;
import vn.guardian.contracts.transcript.CallClosed;
import vn.guardian.transcriber.calls.Outcome.Rejection;
import vn.guardian.contracts.transcript.PartialTranscript;

/** The per-partition call rules, driven with the real model and no broker; offsets are list indexes. */
class PartitionCallsTest {

    private final RecognizerPool recognizers = new RecognizerPool(8);
    private final List<PartitionCalls> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(PartitionCalls::close);
        assertThat(recognizers.active()).as("every recognizer freed").isZero();
        recognizers.close();
    }

    @Test
    void chunksWithoutAUsableCallAreRejectedWithTheReason() {
        PartitionCalls calls = calls();
        AudioChunk ghost = Speech.chunks(Speech.NEED_HELP, "ghost", 0, 0).get(0);
        assertThat(calls.onChunk(ghost, 0).rejection().reason()).isEqualTo(Rejection.UNKNOWN_CALL);

        assertThat(calls.onCallStarted(TestCalls.started("vi-call", "vi"), 1).rejection().reason()).isEqualTo(Rejection.NO_MODEL);
        AudioChunk vietnamese = Speech.chunks(Speech.NEED_HELP, "vi-call", 0, 0).get(0);
        assertThat(calls.onChunk(vietnamese, 2).rejection().detail()).contains("'vi'", "guardian.transcriber.models.vi");

        calls.onCallStarted(TestCalls.started("call", "en"), 3);
        List<AudioChunk> chunks = Speech.chunks(Speech.NEED_HELP, "call", 0, 0);
        assertThat(calls.onChunk(chunks.get(1), 4).rejection().reason()).isEqualTo(Rejection.SEQ_GAP);
        assertThat(calls.onChunk(chunks.get(0), 5).rejection()).isNull();
        assertThat(calls.onChunk(chunks.get(0), 6).rejection().reason()).isEqualTo(Rejection.SEQ_REPEATED);
        AudioChunk channel5 = Speech.chunks(Speech.NEED_HELP, "call", 5, 0).get(0);
        assertThat(calls.onChunk(channel5, 6).rejection().reason()).isEqualTo(Rejection.UNKNOWN_CHANNEL);
        assertThat(recognizers.active()).isEqualTo(2);
    }

    @Test
    void aRefusedCallClosesOnceWithItsDeadLetteredRecordsCounted() {
        PartitionCalls calls = calls();
        Outcome refused = calls.onCallStarted(TestCalls.started("vi-call", "vi"), 0);
        calls.deadLettered("vi-call", refused.rejection().reason(), 0);
        Outcome chunk = calls.onChunk(Speech.chunks(Speech.NEED_HELP, "vi-call", 0, 0).get(0), 1);
        calls.deadLettered("vi-call", chunk.rejection().reason(), 1);

        CallClosed closed = calls.onCallEnded(new CallEnded("vi-call", "acme", "idle-timeout", 5)).closed();

        assertThat(closed.deadLettered()).containsExactly(Map.entry(Rejection.NO_MODEL, 2L));
        assertThat(closed.segmentsByChannel()).containsExactly(0L, 0L);
        assertThat(closed.reason()).isEqualTo("idle-timeout");
        assertThat(closed.tenant()).isEqualTo("acme");
        assertThat(calls.onCallEnded(new CallEnded("vi-call", "acme", "completed", 6)).closed())
                .as("CallClosed of a repeated CallEnded").isNull();
    }

    @Test
    void commitOffsetStaysAtTheFirstChunkOfTheOpenUtterance() {
        PartitionCalls calls = calls();
        List<AudioEvent> records = TestCalls.call("c", Speech.TWO_UTTERANCES, Speech.NEED_HELP);
        List<Long> commits = new ArrayList<>();
        for (int offset = 0; offset < records.size(); offset++) {
            handle(calls, records.get(offset), offset);
            commits.add(calls.commitOffset(offset + 1));
        }
        assertThat(commits.get(0)).isEqualTo(1); // only CallStarted: nothing open
        assertThat(commits.get(1)).isEqualTo(1); // the first chunk opened an utterance
        assertThat(commits).isSorted();
        assertThat(commits.get(records.size() - 1)).isEqualTo(records.size()); // call ended: nothing open
        assertThat(recognizers.active()).isZero();
    }

    @Test
    void aReplicaTakingOverMidCallEmitsTheSameSegmentsAsIfNothingHappened() {
        List<AudioEvent> records = TestCalls.call("c", Speech.TWO_UTTERANCES, Speech.NEED_HELP);
        List<TranscriptSegment> uninterrupted = new ArrayList<>();
        PartitionCalls reference = calls();
        CallClosed referenceClosed = null;
        for (int offset = 0; offset < records.size(); offset++) {
            Outcome outcome = handle(reference, records.get(offset), offset);
            uninterrupted.addAll(outcome.segments());
            referenceClosed = outcome.closed() != null ? outcome.closed() : referenceClosed;
        }

        // the first replica dies after handling the records up to the first segment plus a few chunks
        PartitionCalls first = calls();
        List<TranscriptSegment> emitted = new ArrayList<>();
        int offset = 0;
        while (emitted.isEmpty()) {
            emitted.addAll(handle(first, records.get(offset), offset).segments());
            offset++;
        }
        offset += 4;
        for (int i = offset - 4; i < offset; i++) {
            emitted.addAll(handle(first, records.get(i), i).segments());
        }
        long commit = first.commitOffset(offset);
        String metadata = first.commitMetadata(commit, offset);
        assertThat(commit).isGreaterThan(0).isLessThan(offset);
        first.close();

        PartitionCalls second = calls();
        PartitionCalls.Recovery recovery = PartitionCalls.parseMetadata(metadata);
        assertThat(recovery.position()).isEqualTo(offset);
        second.replayUntil(recovery.position());
        for (PartitionCalls.RecoveryPoint point : recovery.calls()) {
            second.recover((CallStarted) records.get((int) point.startedOffset()), point);
        }
        CallClosed closed = null;
        for (int i = (int) commit; i < records.size(); i++) {
            Outcome outcome = handle(second, records.get(i), i);
            assertThat(outcome.rejection()).isNull();
            assertThat(second.replayed(i)).isEqualTo(i < offset);
            emitted.addAll(outcome.segments());
            closed = outcome.closed() != null ? outcome.closed() : closed;
        }

        assertThat(emitted).extracting(TranscriptSegment::segmentId).containsExactlyInAnyOrderElementsOf(
                uninterrupted.stream().map(TranscriptSegment::segmentId).toList());
        // the call closes after its last segment, counting what the first replica published before the takeover
        assertThat(referenceClosed.segments()).isEqualTo(uninterrupted.size());
        assertThat(closed).as("CallClosed after the takeover").isNotNull();
        assertThat(closed.segmentsByChannel()).isEqualTo(referenceClosed.segmentsByChannel());
        assertThat(closed.audioMs()).isEqualTo(referenceClosed.audioMs()).isPositive();
        assertThat(closed.reason()).isEqualTo("completed");
        assertThat(closed.deadLettered()).isEmpty();
        // Vosk may hear a word differently on another run ("john"/"job"); the ids are what downstream dedupes by
        assertThat(String.join(" | ", emitted.stream().map(TranscriptSegment::text).toList()))
                .contains("good morning how are you today", "please tell me your account number",
                        "need help with my bill");
    }

    @Test
    void aTakeoverRepeatsChunksThatWereDecodedButNotYetPublished() {
        List<AudioEvent> records = TestCalls.call("c", Speech.TWO_UTTERANCES, Speech.NEED_HELP);
        List<TranscriptSegment> uninterrupted = new ArrayList<>();
        PartitionCalls reference = calls();
        for (int offset = 0; offset < records.size(); offset++) {
            uninterrupted.addAll(handle(reference, records.get(offset), offset).segments());
        }

        // the first replica publishes every chunk before the first segment's, decodes that one and four more,
        // and dies before publishing them (a commit carried them over)
        PartitionCalls first = calls();
        first.onCallStarted((CallStarted) records.get(0), 0);
        int firstUnpublished = -1;
        for (int offset = 1; firstUnpublished < 0 || offset <= firstUnpublished + 4; offset++) {
            AudioChunk chunk = (AudioChunk) records.get(offset);
            Outcome decoded = first.onChunk(chunk, offset, Runnable::run).join();
            if (firstUnpublished < 0 && !decoded.segments().isEmpty()) {
                firstUnpublished = offset;
            }
            if (firstUnpublished < 0) {
                first.published(chunk, decoded);
            }
        }
        long commit = first.commitOffset(firstUnpublished);
        String metadata = first.commitMetadata(commit, firstUnpublished);
        assertThat(commit).as("the commit stays below the unpublished segment's chunk").isLessThanOrEqualTo(firstUnpublished);
        first.close();

        PartitionCalls second = calls();
        PartitionCalls.Recovery recovery = PartitionCalls.parseMetadata(metadata);
        second.replayUntil(recovery.position());
        for (PartitionCalls.RecoveryPoint point : recovery.calls()) {
            second.recover((CallStarted) records.get((int) point.startedOffset()), point);
        }
        List<TranscriptSegment> replayed = new ArrayList<>();
        CallClosed closed = null;
        for (int i = (int) commit; i < records.size(); i++) {
            Outcome outcome = handle(second, records.get(i), i);
            replayed.addAll(outcome.segments());
            closed = outcome.closed() != null ? outcome.closed() : closed;
        }

        assertThat(replayed).extracting(TranscriptSegment::segmentId).as("every segment, once: none was published")
                .containsExactlyElementsOf(uninterrupted.stream().map(TranscriptSegment::segmentId).toList());
        assertThat(closed.segments()).isEqualTo(uninterrupted.size());
    }

    @Test
    void aCallBeyondTheRecognizerBoundWaitsInsteadOfBeingRejected() {
        try (RecognizerPool two = new RecognizerPool(2);
             PartitionCalls calls = new PartitionCalls(TestModels.get(), two, Duration.ZERO)) {
            assertThat(calls.onCallStarted(TestCalls.started("first", "en"), 0)).isEqualTo(Outcome.NOTHING);

            Outcome second = calls.onCallStarted(TestCalls.started("second", "en"), 1);
            assertThat(second.waitsForCapacity()).isTrue();
            assertThat(second.rejection()).isNull();
            assertThat(two.active()).isEqualTo(2);

            calls.onCallEnded(new CallEnded("first", "acme", "completed", 0));
            assertThat(two.warm()).as("the ended call's recognizers are kept warm").isEqualTo(2);
            assertThat(calls.onCallStarted(TestCalls.started("second", "en"), 1)).isEqualTo(Outcome.NOTHING);
            assertThat(two.warm()).as("and the waiting call took them").isZero();

            CallStarted conference = new CallStarted("conference", "acme", "en", new SourceFormat("pcm_s16le", 16000, 3),
                    List.of("agent", "customer", "supervisor"), 16000, Map.of(), 0);
            assertThat(calls.onCallStarted(conference, 2).rejection().detail())
                    .contains("needs 3 recognizers", "max-recognizers is 2");
            calls.close();
            assertThat(two.active()).isZero();
        }
    }

    @Test
    void aCallThatGoesQuietIsClosedWithItsLastWordsAndItsRecognizersFreed() {
        PartitionCalls calls = calls();
        calls.onCallStarted(TestCalls.started("quiet", "en"), 0);
        List<AudioChunk> chunks = Speech.chunks(Speech.NEED_HELP, "quiet", 0, 0);
        List<TranscriptSegment> heard = new ArrayList<>();
        for (int i = 0; i < 12; i++) { // 3 s: mid-sentence, the feed stops without CallEnded
            heard.addAll(calls.onChunk(chunks.get(i), 1 + i).segments());
        }
        Duration idle = Duration.ofMinutes(5);
        assertThat(calls.expireIdle(System.nanoTime(), idle, Set.of()).segments()).isEmpty();
        assertThat(calls.openCalls()).isOne();

        Outcome expired = calls.expireIdle(System.nanoTime() + idle.toNanos(), idle, Set.of());

        assertThat(expired.segments()).singleElement().satisfies(segment -> assertThat(segment.callId()).isEqualTo("quiet"));
        heard.addAll(expired.segments());
        assertThat(heard.get(0).segmentId()).isEqualTo(SegmentIds.of("quiet", 0, 0));
        assertThat(String.join(" ", heard.stream().map(TranscriptSegment::text).toList())).contains("hello my name");
        assertThat(calls.openCalls()).isZero();
        assertThat(recognizers.active()).isZero();
        assertThat(calls.onChunk(chunks.get(12), 13).rejection().reason()).isEqualTo(Rejection.IDLE_EXPIRED);
    }

    @Test
    void aRecognizerFailureClosesOnlyItsOwnCall() {
        PartitionCalls calls = calls();
        List<AudioEvent> healthy = TestCalls.call("healthy", Speech.TWO_UTTERANCES, Speech.NEED_HELP);
        calls.onCallStarted(TestCalls.started("broken", "en"), 0);
        calls.recognizer("broken", 0).close(); // stands in for a recognizer whose native side failed
        List<AudioChunk> broken = Speech.chunks(Speech.NEED_HELP, "broken", 0, 0);

        List<TranscriptSegment> segments = new ArrayList<>();
        List<Rejection> rejections = new ArrayList<>();
        for (int i = 0; i < healthy.size(); i++) {
            Outcome outcome = handle(calls, healthy.get(i), 1 + 2 * i);
            segments.addAll(outcome.segments());
            assertThat(outcome.rejection()).isNull();
            if (i < 3) {
                rejections.add(calls.onChunk(broken.get(i), 2 + 2 * i).rejection());
            }
        }

        assertThat(rejections).extracting(Rejection::reason).containsOnly(Rejection.RECOGNIZER_FAILED);
        assertThat(rejections.get(0).detail()).contains("call broken channel 0 seq 0", "closed");
        assertThat(segments).extracting(TranscriptSegment::text).contains("good morning how are you today");
        assertThat(recognizers.active()).isZero();
    }

    @Test
    void partialResultsAreThrottledAndNameTheUtteranceTheyBelongTo() throws InterruptedException {
        PartitionCalls calls = new PartitionCalls(TestModels.get(), recognizers, Duration.ofMillis(500));
        opened.add(calls);
        calls.onCallStarted(TestCalls.started("live", "en"), 0);
        List<AudioChunk> chunks = Speech.chunks(Speech.NEED_HELP, "live", 0, 0);
        List<PartialTranscript> partials = new ArrayList<>();
        List<TranscriptSegment> segments = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < chunks.size(); i++) {
            Outcome outcome = calls.onChunk(chunks.get(i), 1 + i);
            partials.addAll(outcome.partials());
            segments.addAll(outcome.segments());
            Thread.sleep(100); // paced like a live call (at 2.5x real time): a warm recognizer decodes far faster
        }
        segments.addAll(calls.onCallEnded(new CallEnded("live", "acme", "completed", 0)).segments());
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(partials).isNotEmpty();
        assertThat(partials.size()).as("at most one per 500 ms in %d ms", elapsedMs).isLessThanOrEqualTo((int) (elapsedMs / 500) + 1);
        assertThat(partials).anySatisfy(partial -> assertThat(partial.text()).contains("hello"));
        assertThat(partials).extracting(PartialTranscript::segmentId)
                .isSubsetOf(segments.stream().map(TranscriptSegment::segmentId).toList());
    }

    @Test
    void channelsDecodeInParallelOnTheDecodersEachInItsOwnOrder() {
        List<AudioEvent> interleaved = new ArrayList<>();
        List<AudioEvent> first = TestCalls.call("first", Speech.TWO_UTTERANCES, Speech.NEED_HELP);
        List<AudioEvent> second = TestCalls.call("second", Speech.NEED_HELP, Speech.TWO_UTTERANCES);
        for (int i = 0; i < Math.max(first.size(), second.size()); i++) {
            if (i < first.size()) {
                interleaved.add(first.get(i));
            }
            if (i < second.size()) {
                interleaved.add(second.get(i));
            }
        }
        List<TranscriptSegment> inline = new ArrayList<>();
        PartitionCalls oneThread = calls();
        for (int offset = 0; offset < interleaved.size(); offset++) {
            inline.addAll(handle(oneThread, interleaved.get(offset), offset).segments());
        }

        ExecutorService decoders = Executors.newFixedThreadPool(2);
        List<TranscriptSegment> parallel = new ArrayList<>();
        try {
            PartitionCalls twoDecoders = calls();
            List<CompletableFuture<Outcome>> inFlight = new ArrayList<>();
            for (int offset = 0; offset < interleaved.size(); offset++) {
                if (interleaved.get(offset) instanceof AudioChunk chunk) {
                    inFlight.add(twoDecoders.onChunk(chunk, offset, decoders));
                    continue;
                }
                inFlight.forEach(outcome -> parallel.addAll(outcome.join().segments()));
                inFlight.clear();
                twoDecoders.settle();
                parallel.addAll(handle(twoDecoders, interleaved.get(offset), offset).segments());
            }
        } finally {
            decoders.shutdown();
        }

        assertThat(parallel).hasSize(6).extracting(TranscriptSegment::segmentId)
                .containsExactlyElementsOf(inline.stream().map(TranscriptSegment::segmentId).toList());
    }

    private PartitionCalls calls() {
        PartitionCalls calls = new PartitionCalls(TestModels.get(), recognizers, java.time.Duration.ofMillis(100));
        opened.add(calls);
        return calls;
    }

    private static Outcome handle(PartitionCalls calls, AudioEvent event, long offset) {
        if (event instanceof CallStarted started) {
            return calls.onCallStarted(started, offset);
        }
        if (event instanceof AudioChunk chunk) {
            return calls.onChunk(chunk, offset);
        }
        return calls.onCallEnded((CallEnded) event);
    }
}
