package vn.guardian.contracts.audio;

import java.util.List;
import java.util.Map;

/**
 * First record of every call on the audio topic.
 *
 * @param callId       the call, also the record key
 * @param tenant       the call center that owns the call
 * @param language     BCP-47 language of the speech ({@code vi}, {@code en}); picks the Vosk model
 * @param sourceFormat the format the feed sent
 * @param channelRoles role of each channel, index = channel number ({@code agent}, {@code customer}, {@code mono})
 * @param sampleRate   sample rate of the normalized PCM in the chunks that follow (the model's rate)
 * @param metadata     free-form tags from the feed (agent id, queue, ...)
 * @param startedAt    epoch millis when ingest accepted the call
 */
public record CallStarted(String callId, String tenant, String language, SourceFormat sourceFormat,
                          List<String> channelRoles, int sampleRate, Map<String, String> metadata,
                          long startedAt) implements AudioEvent {

    public CallStarted {
        channelRoles = List.copyOf(channelRoles);
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }
}
