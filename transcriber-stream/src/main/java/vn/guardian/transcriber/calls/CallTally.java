package vn.guardian.transcriber.calls;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import vn.guardian.contracts.audio.CallEnded;
import vn.guardian.contracts.transcript.CallClosed;

/**
 * What a call's CallClosed reports, counted while the call runs: segments per channel, audio time, and the call's
 * records that went to the DLQ. Owned by the partition's worker thread.
 */
final class CallTally {

    final String callId;
    final String tenant;
    final long[] segments;
    long audioMs;
    final Map<String, Long> deadLettered = new TreeMap<>();
    /** DLQ records before this offset were counted by the partition's previous owner (restored from the commit). */
    final long countedFrom;

    CallTally(String callId, String tenant, int channels, long countedFrom) {
        this.callId = callId;
        this.tenant = tenant;
        this.segments = new long[channels];
        this.countedFrom = countedFrom;
    }

    void deadLettered(String reason, long offset) {
        if (offset >= countedFrom) {
            deadLettered.merge(reason, 1L, Long::sum);
        }
    }

    void heard(long endMs) {
        audioMs = Math.max(audioMs, endMs);
    }

    CallClosed closed(CallEnded ended, long closedAt) {
        List<Long> perChannel = new ArrayList<>(segments.length);
        for (long count : segments) {
            perChannel.add(count);
        }
        return new CallClosed(callId, tenant, ended.reason(), audioMs, perChannel, deadLettered, ended.endedAt(),
                closedAt);
    }
}
