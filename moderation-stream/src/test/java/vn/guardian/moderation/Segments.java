package vn.guardian.moderation;

import java.util.List;
import vn.guardian.contracts.transcript.SegmentIds;
import vn.guardian.contracts.transcript.TranscriptSegment;

/** Transcript segments for tests. */
public final class Segments {

    private Segments() {
    }

    public static TranscriptSegment segment(String callId, long startMs, String language, String text) {
        return new TranscriptSegment(SegmentIds.of(callId, 0, startMs * 16), callId, "tenant-a", 0, "customer",
                startMs, startMs + 2000, text, List.of(), language, System.currentTimeMillis() - 50,
                System.currentTimeMillis());
    }
}
