package vn.guardian.ingest.calls;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What an analyst reads about one call: its moderated segments in audio order, and its summary, which is the call
 * verdict moderation-stream computed (call rules included), as stored.
 */
public record CallView(String callId, String tenant, String language, List<Segment> segments, Summary summary) {

    public record Segment(String segmentId, int channel, String channelRole, long startMs, long endMs, String text,
                          List<CategoryView> categories, String severity, String action, String lexiconVersion,
                          Instant decidedAt) {
    }

    /**
     * Category names and actions stay strings: a newer moderation-stream may add values this reader does not know.
     *
     * @param source {@code LEXICON}, {@code MODEL} (the learned model alone: no spans) or {@code LEXICON_AND_MODEL};
     *               verdicts stored before the model read as {@code LEXICON}
     */
    public record CategoryView(String category, double score, List<SpanView> spans, String source) {

        public CategoryView {
            source = source == null ? "LEXICON" : source;
        }
    }

    public record SpanView(int start, int end, String term) {
    }

    /**
     * The call verdict.
     *
     * @param segments         segments decided
     * @param countsByCategory segments that matched each category
     * @param maxSeverity      the highest segment severity
     * @param riskScore        0..1
     * @param action           ALLOW, FLAG or ESCALATE for the whole call, call rules included
     * @param escalation       which rule escalated the call and on which segments; null unless ESCALATE
     * @param open             false once the call closed: no segment follows
     * @param closeReason      why it closed ({@code completed}, {@code idle-timeout}, {@code truncated}); null while open
     * @param updatedAt        when moderation last changed it
     */
    public record Summary(long segments, Map<String, Long> countsByCategory, String maxSeverity, double riskScore,
                          String action, EscalationView escalation, boolean open, String closeReason,
                          Instant updatedAt) {
    }

    /**
     * @param rule       {@code segment}, {@code escalate-on} or {@code repeat}
     * @param detail     the rule in words
     * @param segmentIds the segments that fired it
     */
    public record EscalationView(String rule, String detail, List<String> segmentIds) {
    }
}
