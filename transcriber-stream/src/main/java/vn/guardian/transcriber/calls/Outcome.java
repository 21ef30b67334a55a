package vn.guardian.transcriber.calls;

import java.util.List;
import vn.guardian.contracts.transcript.TranscriptSegment;

/**
 * What handling one audio record produced.
 *
 * @param segments  transcript segments to publish
 * @param rejection why the record goes to the DLQ; null when it was handled
 * @param fedAudio  whether PCM reached a recognizer (for the real-time-factor metric)
 */
public record Outcome(List<TranscriptSegment> segments, Rejection rejection, boolean fedAudio) {

    static final Outcome NOTHING = new Outcome(List.of(), null, false);

    static Outcome rejected(String reason, String detail) {
        return new Outcome(List.of(), new Rejection(reason, detail), false);
    }

    /**
     * A record the transcriber cannot handle.
     *
     * @param reason short stable code, also the DLQ metric tag
     * @param detail what was wrong and what to do, for the DLQ header
     */
    public record Rejection(String reason, String detail) {

        public static final String UNDESERIALIZABLE = "undeserializable";
        public static final String UNKNOWN_CALL = "unknown-call";
        public static final String SEQ_GAP = "seq-gap";
        public static final String UNKNOWN_CHANNEL = "unknown-channel";
        public static final String SAMPLE_RATE = "sample-rate";
        public static final String NO_MODEL = "no-model";
        public static final String OVER_CAPACITY = "over-capacity";
        public static final String DUPLICATE_CALL = "duplicate-call";
        public static final String PROCESSING_FAILED = "processing-failed";

        /** The DLQ reason header's value: the code, then the detail. */
        public String header() {
            return reason + ": " + detail;
        }
    }
}
