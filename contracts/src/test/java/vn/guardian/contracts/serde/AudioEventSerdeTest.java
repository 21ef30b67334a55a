package vn.guardian.contracts.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import vn.guardian.contracts.Topics;
import vn.guardian.contracts.audio.AudioChunk;
import vn.guardian.contracts.audio.AudioEvent;
import vn.guardian.contracts.audio.CallEnded;
import vn.guardian.contracts.audio.CallStarted;
import vn.guardian.contracts.audio.SourceFormat;

class AudioEventSerdeTest {

    private final AudioEventSerde serde = EventSerdes.audio();

    private AudioEvent roundTrip(AudioEvent event) {
        var headers = new RecordHeaders();
        byte[] value = serde.serialize(Topics.AUDIO, headers, event);
        return serde.deserialize(Topics.AUDIO, headers, value);
    }

    @Test
    void chunkTravelsAsRawPcmWithItsFieldsInHeaders() {
        byte[] pcm = {1, 0, -1, -1, 0, 127};
        var chunk = new AudioChunk("call-1", 1, 7, 28_000, 16_000, 1_700_000_000_000L, pcm);
        var headers = new RecordHeaders();

        byte[] value = serde.serialize(Topics.AUDIO, headers, chunk);

        assertThat(value).isEqualTo(pcm);
        assertThat(new String(headers.lastHeader(AudioEventSerde.EVENT_HEADER).value(), StandardCharsets.UTF_8))
                .isEqualTo("AudioChunk");
        assertThat(serde.deserialize(Topics.AUDIO, headers, value)).isEqualTo(chunk);
    }

    @Test
    void callLifecycleEventsRoundTripAsJson() {
        var started = new CallStarted("call-1", "acme", "vi", new SourceFormat("mulaw", 8000, 2),
                List.of("agent", "customer"), 16_000, Map.of("queue", "billing"), 42L);
        var ended = new CallEnded("call-1", "acme", "completed", 43L);

        assertThat(roundTrip(started)).isEqualTo(started);
        assertThat(roundTrip(ended)).isEqualTo(ended);
    }

    @Test
    void aRecordWithoutTheEventHeaderIsRejectedWithTheReason() {
        assertThatThrownBy(() -> serde.deserialize(Topics.AUDIO, new RecordHeaders(), new byte[] {1, 2}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("guardian-event");
    }

    @Test
    void aChunkWithAnOddByteCountIsRejected() {
        var headers = new RecordHeaders();
        serde.serialize(Topics.AUDIO, headers, new AudioChunk("c", 0, 0, 0, 16_000, 1, new byte[] {1, 2}));

        assertThatThrownBy(() -> serde.deserialize(Topics.AUDIO, headers, new byte[] {1, 2, 3}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("even byte count");
    }

    @Test
    void garbageJsonNamesTheEvent() {
        var headers = new RecordHeaders();
        headers.add(AudioEventSerde.EVENT_HEADER, "CallStarted".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> serde.deserialize(Topics.AUDIO, headers, "{nope".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("CallStarted");
    }
}
