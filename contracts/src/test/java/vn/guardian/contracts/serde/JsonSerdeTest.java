package vn.guardian.contracts.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import vn.guardian.contracts.DeadLetter;
import vn.guardian.contracts.Topics;
import vn.guardian.contracts.transcriber.ModelReport;
import vn.guardian.contracts.transcript.CallClosed;
import vn.guardian.contracts.transcript.SegmentIds;
import vn.guardian.contracts.transcript.TranscriptSegment;
import vn.guardian.contracts.transcript.Word;
import vn.guardian.contracts.verdict.Action;
import vn.guardian.contracts.verdict.Category;
import vn.guardian.contracts.verdict.CategoryScore;
import vn.guardian.contracts.verdict.CallVerdict;
import vn.guardian.contracts.verdict.Escalation;
import vn.guardian.contracts.verdict.ScoreSource;
import vn.guardian.contracts.verdict.SegmentVerdict;
import vn.guardian.contracts.verdict.Severity;
import vn.guardian.contracts.verdict.Span;

class JsonSerdeTest {

    @Test
    void transcriptsAndVerdictsRoundTrip() {
        var segment = new TranscriptSegment(SegmentIds.of("c", 0, 0), "c", "acme", 0, "agent", 120, 900,
                "you idiot", List.of(new Word("you", 120, 300, 1.0), new Word("idiot", 300, 900, 0.93)), "en", 5, 6);
        var verdict = new SegmentVerdict(segment.segmentId(), "c", "acme", 0, "agent", 120, 900, "you idiot", "en",
                List.of(new CategoryScore(Category.INSULT, 0.8, List.of(new Span(0, 9, "you idiot")), ScoreSource.LEXICON)),
                Severity.MEDIUM, Action.FLAG, "en-1", 5, 7);
        var call = new CallVerdict("c", "acme", 3, Map.of(Category.INSULT, 3L), Severity.MEDIUM, 0.4, Action.ESCALATE,
                new Escalation(Escalation.REPEAT, "3 flagged INSULT segments within 5m", List.of("a", "b", "c")),
                false, "completed", 7);

        assertThat(EventSerdes.transcripts().deserialize("t", EventSerdes.transcripts().serialize("t", segment)))
                .isEqualTo(segment);
        assertThat(EventSerdes.segmentVerdict().deserialize("t", EventSerdes.segmentVerdict().serialize("t", verdict)))
                .isEqualTo(verdict);
        assertThat(EventSerdes.callVerdict().deserialize("t", EventSerdes.callVerdict().serialize("t", call)))
                .isEqualTo(call);
    }

    @Test
    void aModelReportRoundTripsWithItsLanguagesSortedAndItsTombstoneStaysNull() {
        var report = new ModelReport("transcriber-1", List.of("vi", "en"), 42);

        assertThat(report.languages()).containsExactly("en", "vi");
        assertThat(EventSerdes.modelReport().deserialize(Topics.TRANSCRIBER_MODELS,
                EventSerdes.modelReport().serialize(Topics.TRANSCRIBER_MODELS, report))).isEqualTo(report);
        assertThat(EventSerdes.modelReport().deserialize(Topics.TRANSCRIBER_MODELS, null)).isNull();
    }

    @Test
    void callClosedIsToldApartFromSegmentsByItsHeader() {
        var closed = new CallClosed("c", "acme", "completed", 7040, List.of(3L, 2L), Map.of("seq-gap", 1L), 10, 11);
        var headers = new RecordHeaders();
        byte[] value = EventSerdes.transcripts().serialize(Topics.TRANSCRIPTS, headers, closed);

        assertThat(TranscriptEventSerde.isCallClosed(headers)).isTrue();
        assertThat(EventSerdes.transcripts().deserialize(Topics.TRANSCRIPTS, headers, value)).isEqualTo(closed);
        assertThat(closed.segments()).isEqualTo(5);
        assertThatThrownBy(() -> EventSerdes.transcripts().serialize(Topics.TRANSCRIPTS, closed))
                .isInstanceOf(SerializationException.class).hasMessageContaining("header");
    }

    @Test
    void deadLettersKeepTheRecordAndCapTheReason() {
        var original = new RecordHeaders().add("guardian-event", "AudioChunk".getBytes(StandardCharsets.UTF_8));
        var dead = DeadLetter.record("k", new byte[] {1}, original, "x".repeat(5000), "transcriber-stream",
                Topics.AUDIO, 3, 42);

        assertThat(dead.topic()).isEqualTo(Topics.DLQ);
        assertThat(dead.key()).isEqualTo("k");
        assertThat(text(dead.headers(), "guardian-event")).isEqualTo("AudioChunk");
        assertThat(text(dead.headers(), Topics.DLQ_REASON_HEADER)).hasSize(DeadLetter.MAX_REASON_LENGTH);
        assertThat(text(dead.headers(), Topics.DLQ_SOURCE_TOPIC_HEADER)).isEqualTo(Topics.AUDIO);
        assertThat(text(dead.headers(), Topics.DLQ_SOURCE_PARTITION_HEADER)).isEqualTo("3");
        assertThat(text(dead.headers(), Topics.DLQ_SOURCE_OFFSET_HEADER)).isEqualTo("42");
        assertThat(text(dead.headers(), Topics.DLQ_SERVICE_HEADER)).isEqualTo("transcriber-stream");
    }

    private static String text(org.apache.kafka.common.header.Headers headers, String name) {
        return new String(headers.lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Test
    void unreadableBytesNameTheExpectedType() {
        assertThatThrownBy(() -> EventSerdes.transcripts().deserialize("guardian.transcripts", new byte[] {'x'}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("TranscriptSegment");
    }

    @Test
    void segmentIdsAreDeterministicAndDistinct() {
        assertThat(SegmentIds.of("call", 0, 16_000)).isEqualTo(SegmentIds.of("call", 0, 16_000));
        assertThat(SegmentIds.of("call", 0, 16_000)).isNotEqualTo(SegmentIds.of("call", 1, 16_000));
        assertThat(SegmentIds.of("call", 0, 16_000)).isNotEqualTo(SegmentIds.of("call", 0, 20_000));
    }
}
