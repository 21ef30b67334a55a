package vn.guardian.ingest.recording;

import java.util.Map;

/**
 * The answer to an accepted recording: every record of the call is in Kafka.
 *
 * @param callId     the new call's id, the key of its records
 * @param channels   channels published (1 mono, 2 agent/customer)
 * @param durationMs audio time
 * @param chunks     audio chunks published, all channels together
 * @param links      where to read the call's verdicts
 */
public record Recording(String callId, int channels, long durationMs, int chunks, Map<String, String> links) {
}
