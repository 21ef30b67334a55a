package vn.guardian.contracts.transcript;

import java.util.List;
import java.util.Map;

/**
 * Last record of a call on {@code guardian.transcripts}, written by the transcriber in the same Kafka transaction as
 * the call's final segments: every segment of the call comes before it.
 *
 * @param callId            the call, also the record key
 * @param tenant            the call center that owns the call
 * @param reason            the CallEnded reason: {@code completed}, {@code idle-timeout} or {@code truncated}
 * @param audioMs           audio time of the longest channel, ms, as far as the transcriber received it
 * @param segmentsByChannel segments published per channel, index = channel number
 * @param deadLettered      chunks of the call that went to {@code guardian.dlq}, by reason code ({@code seq-gap}, ...)
 * @param endedAt           epoch millis when ingest ended the call (from CallEnded)
 * @param closedAt          epoch millis when the transcriber closed it
 */
public record CallClosed(String callId, String tenant, String reason, long audioMs, List<Long> segmentsByChannel,
                         Map<String, Long> deadLettered, long endedAt, long closedAt) implements TranscriptEvent {

    public CallClosed {
        segmentsByChannel = segmentsByChannel == null ? List.of() : List.copyOf(segmentsByChannel);
        deadLettered = deadLettered == null ? Map.of() : Map.copyOf(deadLettered);
    }

    /** Segments over all channels. */
    public long segments() {
        return segmentsByChannel.stream().mapToLong(Long::longValue).sum();
    }
}
