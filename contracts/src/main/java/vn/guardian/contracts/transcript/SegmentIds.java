package vn.guardian.contracts.transcript;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** Deterministic segment ids, so an utterance replayed after a crash is recognized as the same one. */
public final class SegmentIds {

    private SegmentIds() {
    }

    /**
     * The id of the utterance of {@code callId}/{@code channel} whose audio starts at {@code startSample}.
     * A name-based UUID (v3) of the three values.
     */
    public static String of(String callId, int channel, long startSample) {
        String name = callId + '/' + channel + '/' + startSample;
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
