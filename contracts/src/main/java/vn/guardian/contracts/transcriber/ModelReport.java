package vn.guardian.contracts.transcriber;

import java.time.Duration;
import java.util.List;

/**
 * What one running transcriber replica can transcribe, on the compacted {@code guardian.transcriber-models} topic
 * keyed by its instance id. Published when the replica starts consuming and every {@link #INTERVAL} after, replaced
 * by a tombstone (null value) when it stops, so ingest can refuse a call in a language no replica has a model for.
 *
 * @param instanceId the replica ({@code guardian.transcriber.instance-id}), also the record key
 * @param languages  the languages with a loaded Vosk model, sorted ({@code en}, {@code vi}, ...)
 * @param reportedAt epoch millis when the replica published this report
 */
public record ModelReport(String instanceId, List<String> languages, long reportedAt) {

    /** How often a running replica repeats its report; a reader treats a much older one as a replica gone. */
    public static final Duration INTERVAL = Duration.ofMinutes(1);

    public ModelReport {
        languages = languages == null ? List.of() : languages.stream().sorted().toList();
    }
}
