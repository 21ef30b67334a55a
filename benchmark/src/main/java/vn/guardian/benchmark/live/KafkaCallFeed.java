package vn.guardian.benchmark.live;

import vn.guardian.contracts.audio.ModelFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import vn.guardian.benchmark.audio.SampleCall;
import vn.guardian.standalone.StandaloneSettings;
import vn.guardian.contracts.Topics;
import vn.guardian.contracts.audio.AudioEvent;
import vn.guardian.contracts.audio.CallEnded;
import vn.guardian.contracts.audio.CallStarted;
import vn.guardian.contracts.audio.SourceFormat;
import vn.guardian.contracts.serde.AudioEventSerde;

/**
 * For an ingest without the live API: produces CallStarted, AudioChunk ({@code ingestedAt} = now) and CallEnded to
 * {@code guardian.audio} directly, with ingest's producer settings (idempotent, acks=all, linger 5 ms). Ingest's
 * HTTP handling is then not part of the latency.
 */
public final class KafkaCallFeed implements CallFeed, AutoCloseable {

    private final Producer<String, AudioEvent> producer;

    public KafkaCallFeed(String bootstrapServers) {
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.CLIENT_ID_CONFIG, "bench-live-feed",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AudioEventSerde.class));
    }

    @Override
    public String describe() {
        return "AudioChunks produced straight to guardian.audio at real-time pace (ingest's live API is not in the "
                + "installed ingest-service jar); ingestedAt = when the benchmark produced the chunk";
    }

    @Override
    public CompletableFuture<String> start(SampleCall sample) {
        String callId = UUID.randomUUID().toString();
        return send(callId, new CallStarted(callId, StandaloneSettings.LOCAL_TENANT, "en",
                new SourceFormat("pcm_s16le", ModelFormat.SAMPLE_RATE, 1), List.of("mono"), ModelFormat.SAMPLE_RATE,
                Map.of(), System.currentTimeMillis())).thenApply(ignored -> callId);
    }

    @Override
    public CompletableFuture<Void> chunk(String callId, SampleCall sample, int seq) {
        return send(callId, sample.chunk(callId, seq, System.currentTimeMillis()));
    }

    @Override
    public CompletableFuture<Void> end(String callId) {
        return send(callId, new CallEnded(callId, StandaloneSettings.LOCAL_TENANT, "completed", System.currentTimeMillis()));
    }

    private CompletableFuture<Void> send(String callId, AudioEvent event) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        producer.send(new ProducerRecord<>(Topics.AUDIO, callId, event), (metadata, error) -> {
            if (error == null) {
                acked.complete(null);
            } else {
                acked.completeExceptionally(error);
            }
        });
        return acked;
    }

    @Override
    public void close() {
        producer.close();
    }
}
