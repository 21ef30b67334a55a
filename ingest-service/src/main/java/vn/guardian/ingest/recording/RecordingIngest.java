package vn.guardian.ingest.recording;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;
import vn.guardian.contracts.audio.AudioChunk;
import vn.guardian.contracts.audio.AudioEvent;
import vn.guardian.contracts.audio.CallEnded;
import vn.guardian.contracts.audio.CallStarted;
import vn.guardian.ingest.IngestProperties;
import vn.guardian.ingest.audio.CallNormalizer;
import vn.guardian.ingest.audio.WavAudio;
import vn.guardian.ingest.publish.AudioPublisher;

/** Turns one validated WAV recording into a call on the audio topic: started, chunks, ended. */
@Component
public class RecordingIngest {

    /** Small Vosk models expect 16 kHz. */
    public static final int MODEL_SAMPLE_RATE = 16_000;

    private static final Logger log = LoggerFactory.getLogger(RecordingIngest.class);

    private final AudioPublisher publisher;
    private final int chunkSamples;

    public RecordingIngest(AudioPublisher publisher, IngestProperties properties) {
        this.publisher = publisher;
        this.chunkSamples = chunkSamples(properties);
    }

    /** Model-rate samples per published chunk. */
    public static int chunkSamples(IngestProperties properties) {
        return (int) (properties.chunkDuration().toMillis() * MODEL_SAMPLE_RATE / 1000);
    }

    /** Blocking: resamples and publishes; returns once Kafka acknowledged every record. */
    public Recording ingest(String tenant, String language, List<String> roles, WavAudio wav, long acceptedAt) {
        String callId = UUID.randomUUID().toString();
        CallNormalizer normalizer = new CallNormalizer(callId, wav.format(), MODEL_SAMPLE_RATE, chunkSamples);
        List<AudioChunk> chunks = new ArrayList<>(normalizer.push(wav.bytes(), wav.dataOffset(), wav.frames(), acceptedAt));
        chunks.addAll(normalizer.flush(acceptedAt));
        List<AudioEvent> events = new ArrayList<>(chunks.size() + 2);
        events.add(new CallStarted(callId, tenant, language, wav.format().sourceFormat(), roles, MODEL_SAMPLE_RATE,
                Map.of(), acceptedAt));
        events.addAll(chunks);
        events.add(new CallEnded(callId, tenant, "completed", System.currentTimeMillis()));
        publisher.publish(callId, events, "the same recording (a retry gets a new call id)");
        try (MDC.MDCCloseable ignored = MDC.putCloseable("callId", callId)) {
            log.info("Accepted call {} for tenant {}: {} channel(s) {} at {} Hz, {} ms, {} chunks", callId, tenant,
                    wav.channels(), wav.format().encoding().apiName(), wav.sampleRate(), wav.durationMs(), chunks.size());
        }
        return new Recording(callId, wav.channels(), wav.durationMs(), chunks.size(),
                Map.of("call", "/v1/calls/" + callId));
    }
}
