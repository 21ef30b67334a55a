package vn.guardian.contracts.transcript;

/**
 * A record on {@code guardian.transcripts}: a call's segments, then one CallClosed after its last segment, in the
 * same transaction. Everything downstream of the transcriber learns a call's lifecycle from this topic.
 */
public sealed interface TranscriptEvent permits TranscriptSegment, CallClosed {

    /** The call this event belongs to; also the record key. */
    String callId();
}
