package vn.guardian.contracts.verdict;

import java.util.List;

/**
 * The moderation decision on one transcript segment.
 *
 * @param segmentId  the segment's deterministic id; the verdict's identity too
 * @param callId     the call, also the record key
 * @param tenant     the call center that owns the call
 * @param channel    channel number
 * @param channelRole the channel's role
 * @param startMs    audio time where the utterance starts
 * @param endMs      audio time where it ends
 * @param text       the transcript text the decision is about
 * @param language   language of the text
 * @param categories categories with a score above zero, highest first
 * @param severity   the highest severity among the matches
 * @param action     ALLOW, FLAG or ESCALATE
 * @param lexiconVersion version of the lexicon that decided
 * @param closingChunkIngestedAt epoch millis when ingest accepted the chunk that closed the utterance
 * @param decidedAt  epoch millis when moderation decided
 */
public record SegmentVerdict(String segmentId, String callId, String tenant, int channel, String channelRole,
                             long startMs, long endMs, String text, String language,
                             List<CategoryScore> categories, Severity severity, Action action,
                             String lexiconVersion, long closingChunkIngestedAt, long decidedAt) {

    public SegmentVerdict {
        categories = List.copyOf(categories);
    }
}
