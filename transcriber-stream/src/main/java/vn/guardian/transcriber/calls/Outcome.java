package vn.guardian.transcriber.calls;

import java.util.List;
import vn.guardian.contracts.transcript.CallClosed;
import vn.guardian.contracts.transcript.PartialTranscript;
import vn.guardian.contracts.transcript.TranscriptSegment;

/**
 * What handling one audio record produced.
 *
 * @param segments          transcript segments to publish
 * @param partials          throttled partial hypotheses to publish
 * @param rejection         why the record goes to the DLQ; null when it was handled
 * @param decodeNanos       time the recognizer took on the chunk's PCM; 0 when no audio reached one
 * @param waitsForCapacity  the record needs recognizers the replica has not got free: not handled, retry it later
 * @param closed            the call's CallClosed, published after {@code segments} in the same transaction; or null
 * @param progress          where the chunk's channel stands once this is published; null when the record moved none
 */
public record Outcome(List<TranscriptSegment> segments, List<PartialTranscript> partials, Rejection rejection,
                      long decodeNanos, boolean waitsForCapacity, CallClosed closed, Progress progress) {

    static final Outcome NOTHING = new Outcome(List.of(), List.of(), null, 0, false, null, null);
    static final Outcome WAIT_FOR_CAPACITY = new Outcome(List.of(), List.of(), null, 0, true, null, null);

    static Outcome rejected(String reason, String detail) {
        return rejected(new Rejection(reason, detail));
    }

    public static Outcome rejected(Rejection rejection) {
        return new Outcome(List.of(), List.of(), rejection, 0, false, null, null);
    }

    static Outcome segments(List<TranscriptSegment> segments) {
        return new Outcome(segments, List.of(), null, 0, false, null, null);
    }

    /**
     * A call channel after a decoded chunk: the next seq it expects, where its open utterance began (-1 when none is
     * open) and the segments it produced. A commit may promise a takeover only what was published.
     */
    public record Progress(long nextSeq, long utteranceStartOffset, long utteranceStartSeq, long segments) {

        /** Where a replacement replica resumes the channel: its open utterance's first chunk, else the next chunk. */
        long resumeSeq() {
            return utteranceStartSeq >= 0 ? utteranceStartSeq : nextSeq;
        }
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
        public static final String SEQ_REPEATED = "seq-repeated";
        public static final String UNKNOWN_CHANNEL = "unknown-channel";
        public static final String SAMPLE_RATE = "sample-rate";
        public static final String NO_MODEL = "no-model";
        public static final String OVER_CAPACITY = "over-capacity";
        public static final String DUPLICATE_CALL = "duplicate-call";
        public static final String PROCESSING_FAILED = "processing-failed";
        public static final String RECOGNIZER_FAILED = "recognizer-failed";
        public static final String IDLE_EXPIRED = "idle-expired";

        /** The DLQ reason header's value: the code, then the detail. */
        public String header() {
            return reason + ": " + detail;
        }
    }
}
