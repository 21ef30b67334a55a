package vn.guardian.contracts.transcript;

/**
 * A hypothesis for the utterance still being spoken, for live views on {@code guardian.transcripts.partial}.
 * Throttled and best effort: the final {@code TranscriptSegment} with the same segmentId replaces it.
 *
 * @param segmentId   the id the final segment of this utterance will have
 * @param callId      the call, also the record key
 * @param tenant      the call center that owns the call
 * @param channel     channel number
 * @param channelRole the channel's role
 * @param text        the words heard so far
 * @param language    language of the model
 * @param startMs     audio time where the utterance began
 * @param ingestedAt  ingest timestamp of the latest chunk heard
 * @param emittedAt   when the transcriber produced this hypothesis
 */
public record PartialTranscript(String segmentId, String callId, String tenant, int channel, String channelRole,
                                long startMs, String text, String language, long ingestedAt, long emittedAt) {
}
