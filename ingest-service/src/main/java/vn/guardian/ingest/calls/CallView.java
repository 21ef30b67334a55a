package vn.guardian.ingest.calls;

import java.time.Instant;
import java.util.List;

/** What an analyst reads about one call: its moderated segments in audio order and a summary. */
public record CallView(String callId, String tenant, String language, List<Segment> segments, Summary summary) {

    public record Segment(String segmentId, int channel, String channelRole, long startMs, long endMs, String text,
                          List<CategoryView> categories, String severity, String action, String lexiconVersion,
                          Instant decidedAt) {
    }

    /** Category names and actions stay strings: a newer moderation-stream may add values this reader does not know. */
    public record CategoryView(String category, double score, List<SpanView> spans) {
    }

    public record SpanView(int start, int end, String term) {
    }

    /**
     * @param flagged   segments whose action is FLAG
     * @param escalated segments whose action is ESCALATE
     * @param action    the strongest action of any segment
     */
    public record Summary(int segments, int flagged, int escalated, String action) {
    }
}
