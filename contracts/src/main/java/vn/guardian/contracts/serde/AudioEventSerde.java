package vn.guardian.contracts.serde;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import tools.jackson.core.JacksonException;
import vn.guardian.contracts.audio.AudioChunk;
import vn.guardian.contracts.audio.AudioEvent;
import vn.guardian.contracts.audio.CallEnded;
import vn.guardian.contracts.audio.CallStarted;

/**
 * The audio topic's wire format. The {@code guardian-event} header names the event. CallStarted and CallEnded
 * are JSON values; an AudioChunk's value is its raw PCM bytes, and its other fields travel as headers, so
 * audio is never base64 inside JSON.
 */
public final class AudioEventSerde implements Serde<AudioEvent>, Serializer<AudioEvent>, Deserializer<AudioEvent> {

    public static final String EVENT_HEADER = "guardian-event";
    public static final String CALL_ID_HEADER = "guardian-call-id";
    public static final String CHANNEL_HEADER = "guardian-channel";
    public static final String SEQ_HEADER = "guardian-seq";
    public static final String START_SAMPLE_HEADER = "guardian-start-sample";
    public static final String SAMPLE_RATE_HEADER = "guardian-sample-rate";
    public static final String INGESTED_AT_HEADER = "guardian-ingested-at";

    @Override
    public byte[] serialize(String topic, AudioEvent data) {
        throw new UnsupportedOperationException("Audio events need headers: call serialize(topic, headers, event)");
    }

    @Override
    public byte[] serialize(String topic, Headers headers, AudioEvent event) {
        if (event == null) {
            return null;
        }
        headers.remove(EVENT_HEADER);
        headers.add(EVENT_HEADER, utf8(event.getClass().getSimpleName()));
        if (event instanceof AudioChunk chunk) {
            put(headers, CALL_ID_HEADER, chunk.callId());
            put(headers, CHANNEL_HEADER, Integer.toString(chunk.channel()));
            put(headers, SEQ_HEADER, Long.toString(chunk.seq()));
            put(headers, START_SAMPLE_HEADER, Long.toString(chunk.startSample()));
            put(headers, SAMPLE_RATE_HEADER, Integer.toString(chunk.sampleRate()));
            put(headers, INGESTED_AT_HEADER, Long.toString(chunk.ingestedAt()));
            return chunk.pcm();
        }
        return Json.MAPPER.writeValueAsBytes(event);
    }

    @Override
    public AudioEvent deserialize(String topic, byte[] data) {
        throw new SerializationException("Audio events need headers: call deserialize(topic, headers, bytes)");
    }

    @Override
    public AudioEvent deserialize(String topic, Headers headers, byte[] data) {
        String event = text(headers, EVENT_HEADER);
        if (event == null) {
            throw new SerializationException("Record on " + topic + " has no '" + EVENT_HEADER
                    + "' header; expected CallStarted, AudioChunk or CallEnded");
        }
        if (data == null) {
            throw new SerializationException(event + " record on " + topic + " has no value");
        }
        try {
            return switch (event) {
                case "AudioChunk" -> chunk(topic, headers, data);
                case "CallStarted" -> Json.MAPPER.readValue(data, CallStarted.class);
                case "CallEnded" -> Json.MAPPER.readValue(data, CallEnded.class);
                default -> throw new SerializationException("Unknown " + EVENT_HEADER + " '" + event + "' on " + topic
                        + "; expected CallStarted, AudioChunk or CallEnded");
            };
        } catch (JacksonException e) {
            throw new SerializationException(event + " record on " + topic + " is not valid JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    private static AudioChunk chunk(String topic, Headers headers, byte[] pcm) {
        if (pcm.length % 2 != 0) {
            throw new SerializationException("AudioChunk on " + topic + " has " + pcm.length
                    + " bytes; PCM16 needs an even byte count");
        }
        return new AudioChunk(required(topic, headers, CALL_ID_HEADER),
                (int) number(topic, headers, CHANNEL_HEADER),
                number(topic, headers, SEQ_HEADER),
                number(topic, headers, START_SAMPLE_HEADER),
                (int) number(topic, headers, SAMPLE_RATE_HEADER),
                number(topic, headers, INGESTED_AT_HEADER),
                pcm);
    }

    private static long number(String topic, Headers headers, String name) {
        String value = required(topic, headers, name);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new SerializationException("AudioChunk on " + topic + " has header " + name + "='" + value
                    + "'; expected a whole number");
        }
    }

    private static String required(String topic, Headers headers, String name) {
        String value = text(headers, name);
        if (value == null) {
            throw new SerializationException("AudioChunk on " + topic + " lacks the '" + name + "' header");
        }
        return value;
    }

    private static String text(Headers headers, String name) {
        Header header = headers == null ? null : headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static void put(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, utf8(value));
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Serializer<AudioEvent> serializer() {
        return this;
    }

    @Override
    public Deserializer<AudioEvent> deserializer() {
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
