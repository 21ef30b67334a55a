package vn.guardian.contracts.audio;

/**
 * Last record of a call on the audio topic: every chunk before it is all the audio there is.
 *
 * @param callId  the call, also the record key
 * @param tenant  the call center that owns the call
 * @param reason  why it ended: {@code completed} (the feed said so) or {@code idle-timeout}
 * @param endedAt epoch millis when ingest ended the call
 */
public record CallEnded(String callId, String tenant, String reason, long endedAt) implements AudioEvent {
}
