package vn.guardian.contracts.serde;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import tools.jackson.core.JacksonException;
import vn.guardian.contracts.transcript.CallClosed;
import vn.guardian.contracts.transcript.TranscriptEvent;
import vn.guardian.contracts.transcript.TranscriptSegment;

/**
 * The transcript topic's wire format: JSON values, the {@code guardian-event} header naming the event
 * ({@code TranscriptSegment} or {@code CallClosed}). A record without the header is a TranscriptSegment, as every
 * record was before CallClosed existed.
 */
public final class TranscriptEventSerde implements Serde<TranscriptEvent>, Serializer<TranscriptEvent>,
        Deserializer<TranscriptEvent> {

    public static final String EVENT_HEADER = AudioEventSerde.EVENT_HEADER;
    private static final byte[] CALL_CLOSED = utf8(CallClosed.class.getSimpleName());

    @Override
    public byte[] serialize(String topic, TranscriptEvent event) {
        if (event instanceof CallClosed) {
            throw new SerializationException("CallClosed needs the " + EVENT_HEADER
                    + " header: call serialize(topic, headers, event)");
        }
        return event == null ? null : Json.MAPPER.writeValueAsBytes(event);
    }

    @Override
    public byte[] serialize(String topic, Headers headers, TranscriptEvent event) {
        if (event == null) {
            return null;
        }
        headers.remove(EVENT_HEADER);
        headers.add(EVENT_HEADER, utf8(event.getClass().getSimpleName()));
        return Json.MAPPER.writeValueAsBytes(event);
    }

    @Override
    public TranscriptEvent deserialize(String topic, byte[] data) {
        return deserialize(topic, null, data);
    }

    @Override
    public TranscriptEvent deserialize(String topic, Headers headers, byte[] data) {
        if (data == null) {
            return null;
        }
        boolean closed = isCallClosed(headers);
        Class<? extends TranscriptEvent> type = closed ? CallClosed.class : TranscriptSegment.class;
        try {
            return Json.MAPPER.readValue(data, type);
        } catch (JacksonException e) {
            throw new SerializationException("Record on " + topic + " is not a valid " + type.getSimpleName()
                    + " JSON document: " + e.getOriginalMessage(), e);
        }
    }

    /** Whether the headers name a CallClosed, compared as bytes so segments are told apart without parsing. */
    public static boolean isCallClosed(Headers headers) {
        Header event = headers == null ? null : headers.lastHeader(EVENT_HEADER);
        return event != null && java.util.Arrays.equals(event.value(), CALL_CLOSED);
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Serializer<TranscriptEvent> serializer() {
        return this;
    }

    @Override
    public Deserializer<TranscriptEvent> deserializer() {
        return this;
    }

    @Override
    public void close() {
        // stateless: nothing to release
    }

    @Override
    public void configure(java.util.Map<String, ?> configs, boolean isKey) {
        // nothing to configure: the format is fixed
    }
}
