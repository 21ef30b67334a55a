package vn.guardian.ingest.calls;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What an analyst reads about one call: where it stands in its lifecycle (from the calls registry), its moderated
 * segments in audio order with their reviews, and its summary, which is the call verdict moderation-stream computed
 * (call rules included), as stored.
 *
 * @param status       {@code live}, {@code ended} (audio complete, transcription finishing), {@code closed} or
 *                     {@code failed}
 * @param failure      why the call failed, with the fix (e.g. the configuration key of a missing model); null unless
 *                     failed
 * @param format       what the feed sent; null for a call the registry has not seen start
 * @param audioMs      audio time of the longest channel as transcribed, once closed
 * @param chunks       audio chunks received, all channels
 * @param deadLetters  the call's records that went to the DLQ, by reason code
 */
public record CallView(String callId, String tenant, String status, String failure, String language,
                       FormatView format, List<String> channelRoles, Map<String, String> metadata, Instant startedAt,
                       Instant endedAt, String endReason, Instant closedAt, long audioMs, long chunks,
                       DeadLetters deadLetters, List<Segment> segments, Summary summary) {

    /** @param review the analyst's judgement of the segment; null until reviewed */
    public record Segment(String segmentId, int channel, String channelRole, long startMs, long endMs, String text,
                          List<CategoryView> categories, String severity, String action, String lexiconVersion,
                          Instant decidedAt, ReviewView review) {
    }

    public record FormatView(String encoding, int sampleRate, int channels) {
    }

    /** @param byReason count per reason code ({@code no-model}, {@code seq-gap}, ...) */
    public record DeadLetters(long total, Map<String, Long> byReason) {
    }

    /**
     * @param label    {@code clean} or a category in lower case
     * @param reviewer who reviewed, as the {@code X-Reviewer} header named them
     */
    public record ReviewView(String label, String note, String reviewer, Instant reviewedAt) {
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
