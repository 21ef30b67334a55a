package vn.guardian.contracts;

/**
 * Kafka topic names. Every call topic is keyed by callId so one call stays ordered in one partition;
 * {@link #TRANSCRIBER_MODELS} is keyed by transcriber replica.
 */
public final class Topics {

    /** CallStarted, AudioChunk and CallEnded, told apart by the {@code guardian-event} header. */
    public static final String AUDIO = "guardian.audio";
    /** One TranscriptSegment per finished utterance. */
    public static final String TRANSCRIPTS = "guardian.transcripts";
    /** Throttled partial hypotheses for live views. */
    public static final String PARTIAL_TRANSCRIPTS = "guardian.transcripts.partial";
    /** One SegmentVerdict per transcript segment. */
    public static final String VERDICTS = "guardian.verdicts";
    /** Compacted: the latest CallVerdict per call. */
    public static final String CALL_VERDICTS = "guardian.call-verdicts";
    /** Records that could not be processed, with the reason in headers. */
    public static final String DLQ = "guardian.dlq";
    /**
     * Compacted: the latest ModelReport per transcriber replica (key = its instance id), the languages it has a model
     * for; a tombstone when it stops. Ingest reads it to refuse calls in a language no replica serves.
     */
    public static final String TRANSCRIBER_MODELS = "guardian.transcriber-models";
    /**
     * Compacted: the latest recoverable state of each live call (key = callId), written by the ingest replica that
     * served its last step, so any replica can continue the call; a tombstone once an ended call is forgotten.
     */
    public static final String LIVE_CALLS = "guardian.live-calls";

    /** Header names used on the DLQ. */
    public static final String DLQ_REASON_HEADER = "guardian-dlq-reason";
    public static final String DLQ_SOURCE_TOPIC_HEADER = "guardian-dlq-source-topic";
    public static final String DLQ_SOURCE_PARTITION_HEADER = "guardian-dlq-source-partition";
    public static final String DLQ_SOURCE_OFFSET_HEADER = "guardian-dlq-source-offset";
    public static final String DLQ_SERVICE_HEADER = "guardian-dlq-service";

    public static final String[] ALL = {AUDIO, TRANSCRIPTS, PARTIAL_TRANSCRIPTS, VERDICTS, CALL_VERDICTS, DLQ,
            TRANSCRIBER_MODELS, LIVE_CALLS};

    private Topics() {
    }
}
