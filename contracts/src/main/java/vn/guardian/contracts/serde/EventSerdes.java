package vn.guardian.contracts.serde;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import vn.guardian.contracts.audio.AudioEvent;
import vn.guardian.contracts.transcriber.ModelReport;
import vn.guardian.contracts.transcript.PartialTranscript;
import vn.guardian.contracts.verdict.CallVerdict;
import vn.guardian.contracts.verdict.SegmentVerdict;

/** The serdes of every topic, in one place. Keys are UTF-8 strings: callIds, or instance ids on transcriber-models. */
public final class EventSerdes {

    public static Serde<String> callId() {
        return Serdes.String();
    }

    public static AudioEventSerde audio() {
        return new AudioEventSerde();
    }

    /** {@code guardian.transcripts}: TranscriptSegment and CallClosed, told apart by a header. */
    public static TranscriptEventSerde transcripts() {
        return new TranscriptEventSerde();
    }

    public static JsonSerde<PartialTranscript> partialTranscript() {
        return new JsonSerde<>(PartialTranscript.class);
    }

    public static JsonSerde<SegmentVerdict> segmentVerdict() {
        return new JsonSerde<>(SegmentVerdict.class);
    }

    public static JsonSerde<CallVerdict> callVerdict() {
        return new JsonSerde<>(CallVerdict.class);
    }

    /** {@code guardian.transcriber-models}: a replica's languages; a null value is its tombstone. */
    public static JsonSerde<ModelReport> modelReport() {
        return new JsonSerde<>(ModelReport.class);
    }

    private EventSerdes() {
    }
}
