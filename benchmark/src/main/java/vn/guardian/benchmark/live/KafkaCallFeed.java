package vn.guardian.benchmark.live;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import vn.guardian.benchmark.audio.SampleCall;
import vn.guardian.contracts.Topics;
import vn.guardian.contracts.audio.AudioEvent;
import vn.guardian.contracts.audio.CallEnded;
import vn.guardian.contracts.audio.CallStarted;
import vn.guardian.contracts.audio.ModelFormat;
import vn.guardian.ingest.audio.CallNormalizer;
import vn.guardian.standalone.StandaloneSettings;
import vn.guardian.contracts.serde.AudioEventSerde;

/**
 * For an ingest without the live API: produces CallStarted, AudioChunk ({@code ingestedAt} = now) and CallEnded to
 * {@code guardian.audio} directly, with ingest's producer settings (idempotent, acks=all, linger 5 ms), the audio
 * normalized by ingest's own {@link CallNormalizer}. Ingest's HTTP handling is then not part of the latency.
 */
public final class KafkaCallFeed implements CallFeed, AutoCloseable {

    private final Producer<String, AudioEvent> producer;
    /** Each open call's normalizer: its filters and chunker carry over from one live chunk to the next. */
    private final Map<String, CallNormalizer> normalizers = new ConcurrentHashMap<>();

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
        normalizers.put(callId, new CallNormalizer(callId, sample.format(), ModelFormat.SAMPLE_RATE,
                SampleCall.CHUNK_SAMPLES));
        List<String> roles = sample.channels() == 2 ? List.of("agent", "customer") : List.of("mono");
        return send(callId, List.of(new CallStarted(callId, StandaloneSettings.LOCAL_TENANT, "en",
                sample.format().sourceFormat(), roles, ModelFormat.SAMPLE_RATE, Map.of(), System.currentTimeMillis())))
                .thenApply(ignored -> callId);
    }

    @Override
    public CompletableFuture<Void> chunk(String callId, SampleCall sample, int seq) {
        byte[] audio = sample.chunkBytes(seq);
        long now = System.currentTimeMillis();
        CallNormalizer normalizer = normalizers.get(callId);
        List<AudioEvent> chunks = new ArrayList<>(normalizer.push(audio, 0, audio.length / sample.format().frameBytes(), now));
        if (seq == sample.chunkCount() - 1) {
            chunks.addAll(normalizer.flush(now)); // the call's last audio: the filters' tails and the short chunks
        }
        return send(callId, chunks);
    }

    @Override
    public CompletableFuture<Void> end(String callId) {
        normalizers.remove(callId);
        return send(callId, List.of(new CallEnded(callId, StandaloneSettings.LOCAL_TENANT, "completed",
                System.currentTimeMillis())));
    }

    private CompletableFuture<Void> send(String callId, List<? extends AudioEvent> events) {
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        for (AudioEvent event : events) {
            CompletableFuture<Void> acked = new CompletableFuture<>();
            producer.send(new ProducerRecord<>(Topics.AUDIO, callId, event), (metadata, error) -> {
                if (error == null) {
                    acked.complete(null);
                } else {
                    acked.completeExceptionally(error);
                }
            });
            acks.add(acked);
        }
        return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new));
    }

    @Override
    public void close() {
        producer.close();
    }
}
