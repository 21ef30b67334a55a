package vn.guardian.transcriber.calls;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import vn.guardian.contracts.audio.AudioChunk;
import vn.guardian.contracts.audio.AudioEvent;
import vn.guardian.contracts.audio.CallEnded;
import vn.guardian.contracts.audio.CallStarted;
import vn.guardian.contracts.transcript.TranscriptSegment;
import vn.guardian.transcriber.Speech;
import vn.guardian.transcriber.TestCalls;
import vn.guardian.transcriber.TestModels;
import vn.guardian.transcriber.calls.Outcome.Rejection;

/** The per-partition call rules, driven with the real model and no broker; offsets are list indexes. */
class PartitionCallsTest {

    private final RecognizerBudget budget = new RecognizerBudget(8);
    private final List<PartitionCalls> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(PartitionCalls::close);
        assertThat(budget.active()).as("every recognizer freed").isZero();
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
        AudioChunk channel5 = Speech.chunks(Speech.NEED_HELP, "call", 5, 0).get(0);
        assertThat(calls.onChunk(channel5, 6).rejection().reason()).isEqualTo(Rejection.UNKNOWN_CHANNEL);
        assertThat(budget.active()).isEqualTo(2);
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
        assertThat(budget.active()).isZero();
    }

    @Test
    void aReplicaTakingOverMidCallEmitsTheSameSegmentsAsIfNothingHappened() {
        List<AudioEvent> records = TestCalls.call("c", Speech.TWO_UTTERANCES, Speech.NEED_HELP);
        List<TranscriptSegment> uninterrupted = new ArrayList<>();
        PartitionCalls reference = calls();
        for (int offset = 0; offset < records.size(); offset++) {
            uninterrupted.addAll(handle(reference, records.get(offset), offset).segments());
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
        String metadata = first.commitMetadata(commit);
        assertThat(commit).isGreaterThan(0).isLessThan(offset);
        first.close();

        PartitionCalls second = calls();
        for (PartitionCalls.RecoveryPoint point : PartitionCalls.parseMetadata(metadata)) {
            second.recover((CallStarted) records.get((int) point.startedOffset()), point);
        }
        for (int i = (int) commit; i < records.size(); i++) {
            Outcome outcome = handle(second, records.get(i), i);
            assertThat(outcome.rejection()).isNull();
            emitted.addAll(outcome.segments());
        }

        assertThat(emitted).extracting(TranscriptSegment::segmentId).containsExactlyInAnyOrderElementsOf(
                uninterrupted.stream().map(TranscriptSegment::segmentId).toList());
        // Vosk may hear a word differently on another run ("john"/"job"); the ids are what downstream dedupes by
        assertThat(String.join(" | ", emitted.stream().map(TranscriptSegment::text).toList()))
                .contains("good morning how are you today", "please tell me your account number",
                        "need help with my bill");
    }

    private PartitionCalls calls() {
        PartitionCalls calls = new PartitionCalls(TestModels.get(), budget);
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
