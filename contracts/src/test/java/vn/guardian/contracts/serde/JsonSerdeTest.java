package vn.guardian.contracts.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import vn.guardian.contracts.transcript.SegmentIds;
import vn.guardian.contracts.transcript.TranscriptSegment;
import vn.guardian.contracts.transcript.Word;
import vn.guardian.contracts.verdict.Action;
import vn.guardian.contracts.verdict.Category;
import vn.guardian.contracts.verdict.CategoryScore;
import vn.guardian.contracts.verdict.CallVerdict;
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
        var call = new CallVerdict("c", "acme", 1, Map.of(Category.INSULT, 1L), Severity.MEDIUM, 0.4, Action.FLAG,
                true, 7);

        assertThat(EventSerdes.transcript().deserialize("t", EventSerdes.transcript().serialize("t", segment)))
                .isEqualTo(segment);
        assertThat(EventSerdes.segmentVerdict().deserialize("t", EventSerdes.segmentVerdict().serialize("t", verdict)))
                .isEqualTo(verdict);
        assertThat(EventSerdes.callVerdict().deserialize("t", EventSerdes.callVerdict().serialize("t", call)))
                .isEqualTo(call);
    }

    @Test
    void unreadableBytesNameTheExpectedType() {
        assertThatThrownBy(() -> EventSerdes.transcript().deserialize("guardian.transcripts", new byte[] {'x'}))
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
