package vn.guardian.ingest.recording;

import vn.guardian.contracts.audio.ModelFormat;
import org.springframework.stereotype.Component;
import vn.guardian.ingest.IngestProperties;
import vn.guardian.ingest.publish.AudioPublisher;

/** Starts recording uploads with the service's limits: each becomes one call on the audio topic. */
@Component
public class RecordingIngest {

    private final AudioPublisher publisher;
    private final int chunkSamples;
    private final long maxBytes;
    private final long bufferThreshold;

    public RecordingIngest(AudioPublisher publisher, IngestProperties properties) {
        this.publisher = publisher;
        this.chunkSamples = chunkSamples(properties);
        this.maxBytes = properties.maxRecordingSize().toBytes();
        this.bufferThreshold = properties.recordings().bufferThreshold().toBytes();
    }

    /** Model-rate samples per published chunk. */
    public static int chunkSamples(IngestProperties properties) {
        return (int) (properties.chunkDuration().toMillis() * ModelFormat.SAMPLE_RATE / 1000);
    }

    /**
     * A new upload; throws 413 at once when the body is announced larger than the limit.
     *
     * @param audioBasic    raw 8 kHz mu-law without a header
     * @param contentLength the announced body length, or -1 (chunked transfer)
     */
    public RecordingUpload upload(String tenant, String language, String rolesHeader, boolean audioBasic,
                                  long contentLength) {
        return new RecordingUpload(publisher, tenant, language, rolesHeader, audioBasic, contentLength, maxBytes,
                bufferThreshold, chunkSamples);
    }
}
