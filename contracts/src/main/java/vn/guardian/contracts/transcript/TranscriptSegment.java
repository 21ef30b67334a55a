package vn.guardian.contracts.transcript;

import java.util.List;

/**
 * One utterance of one channel, as the recognizer finalized it.
 *
 * @param segmentId  deterministic: see {@link SegmentIds}; a replayed utterance gets the same id
 * @param callId     the call, also the record key
 * @param tenant     the call center that owns the call
 * @param channel    channel number, 0-based
 * @param channelRole the channel's role ({@code agent}, {@code customer}, {@code mono})
 * @param startMs    audio time of the first word (ms since the channel started)
 * @param endMs      audio time of the last word's end
 * @param text       the words joined by spaces
 * @param words      each word with its times and confidence
 * @param language   language of the model that produced the text
 * @param closingChunkIngestedAt epoch millis when ingest accepted the chunk that closed the utterance
 * @param transcribedAt epoch millis when the recognizer emitted the segment
 */
public record TranscriptSegment(String segmentId, String callId, String tenant, int channel, String channelRole,
                                long startMs, long endMs, String text, List<Word> words, String language,
                                long closingChunkIngestedAt, long transcribedAt) implements TranscriptEvent {

    public TranscriptSegment {
        words = List.copyOf(words);
    }
}
