package vn.guardian.ingest.publish;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import vn.guardian.contracts.Topics;
import vn.guardian.contracts.audio.AudioChunk;
import vn.guardian.contracts.audio.AudioEvent;
import vn.guardian.ingest.IngestProperties;
import vn.guardian.ingest.problem.ProblemException;

/** Publishes one call's events to the audio topic, keyed by callId, and returns only once Kafka acknowledged all. */
@Component
public class AudioPublisher implements AutoCloseable {

    private final Producer<String, AudioEvent> producer;
    private final IngestProperties.Publish limits;
    private final Counter chunksPublished;
    private final Counter bytesPublished;
    private final Timer publishLatency;

    public AudioPublisher(KafkaProperties kafka, IngestProperties properties, MeterRegistry meters) {
        this.producer = new KafkaProducer<>(PublishClients.producerConfig(kafka, properties.publish()));
        this.limits = properties.publish();
        this.chunksPublished = Counter.builder("guardian.ingest.chunks.published")
                .description("Audio chunks acknowledged by Kafka").register(meters);
        this.bytesPublished = Counter.builder("guardian.ingest.pcm.published").baseUnit("bytes")
                .description("PCM bytes acknowledged by Kafka").register(meters);
        this.publishLatency = Timer.builder("guardian.ingest.publish.latency")
                .description("From the first send of a call to Kafka's acknowledgement of its last record")
                .publishPercentileHistogram().register(meters);
    }

    /**
     * Sends the events in order and blocks until every one is acknowledged; call it off the event loop.
     *
     * @param retryAdvice what a client should resend after a 503, e.g. "the same chunk (same seq)"
     * @throws ProblemException 503 when Kafka cannot take or acknowledge the records in bounded time
     */
    public void publish(String callId, List<AudioEvent> events, String retryAdvice) {
        long started = System.nanoTime();
        List<CompletableFuture<Void>> acks = new ArrayList<>(events.size());
        try {
            for (AudioEvent event : events) {
                CompletableFuture<Void> ack = new CompletableFuture<>();
                producer.send(new ProducerRecord<>(Topics.AUDIO, callId, event), (metadata, error) -> {
                    if (error == null) {
                        ack.complete(null);
                    } else {
                        ack.completeExceptionally(error);
                    }
                });
                acks.add(ack);
            }
            long waitMs = limits.deliveryTimeout().toMillis() + limits.maxBlock().toMillis();
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(waitMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(callId, e, retryAdvice);
        } catch (ExecutionException e) {
            throw unavailable(callId, e.getCause(), retryAdvice);
        } catch (TimeoutException | org.apache.kafka.common.KafkaException e) {
            throw unavailable(callId, e, retryAdvice);
        }
        publishLatency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        for (AudioEvent event : events) {
            if (event instanceof AudioChunk) {
                chunksPublished.increment();
                bytesPublished.increment(((AudioChunk) event).pcm().length);
            }
        }
    }

    /** Flushes what is in flight, but never hangs shutdown on a dead broker. */
    @Override
    public void close() {
        producer.close(limits.deliveryTimeout());
    }

    private ProblemException unavailable(String callId, Throwable cause, String retryAdvice) {
        return unavailable("Audio could not be stored", "Kafka did not acknowledge call " + callId, cause, retryAdvice,
                limits.retryAfter());
    }

    /** The 503 of every ingest write that Kafka did not acknowledge: nothing of the request counts, resend it. */
    public static ProblemException unavailable(String title, String what, Throwable cause, String retryAdvice,
                                               java.time.Duration retryAfter) {
        long seconds = Math.max(1, retryAfter.toSeconds());
        ProblemException problem = new ProblemException(HttpStatus.SERVICE_UNAVAILABLE, "kafka-unavailable", title,
                what + " (" + cause.getClass().getSimpleName() + ": " + cause.getMessage()
                        + "); nothing of this request was accepted.", cause);
        problem.fix("resend " + retryAdvice + " after " + seconds + " s");
        problem.getHeaders().set("Retry-After", Long.toString(seconds));
        return problem;
    }
}
