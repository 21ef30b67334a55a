package vn.guardian.transcriber.consumer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import vn.guardian.contracts.transcript.TranscriptSegment;
import vn.guardian.transcriber.recognition.RecognizerPool;

/**
 * The transcriber's Micrometer meters, shared by all workers. Utterances per second is
 * {@code rate(guardian_transcriber_segments_total[1m])}.
 */
public final class TranscriberMetrics {

    private final MeterRegistry registry;
    private final Counter chunks;
    private final Counter segments;
    private final DistributionSummary realTimeFactor;
    private final Timer chunkProcessing;
    private final Map<TopicPartition, Lag> lags = new ConcurrentHashMap<>();
    private final Set<TopicPartition> paused = ConcurrentHashMap.newKeySet();

    private record Lag(AtomicLong records, Gauge gauge) {
    }

    public TranscriberMetrics(MeterRegistry registry, RecognizerPool recognizers) {
        this.registry = registry;
        Gauge.builder("guardian.transcriber.recognizers.active", recognizers, RecognizerPool::active)
                .description("Vosk recognizers open in this replica (one per live call channel)")
                .register(registry);
        Gauge.builder("guardian.transcriber.recognizers.warm", recognizers, RecognizerPool::warm)
                .description("Finished Vosk recognizers kept for the next calls (freed after the idle timeout)")
                .register(registry);
        FunctionCounter.builder("guardian.transcriber.recognizers.retired", recognizers, RecognizerPool::retired)
                .description("Vosk recognizers freed after decoding recognizer-retire-after of audio (replaced "
                        + "mid-call at an utterance boundary, or not kept warm after their call)")
                .register(registry);
        FunctionTimer.builder("guardian.transcriber.memory.trims", recognizers, RecognizerPool::memoryTrims,
                        RecognizerPool::memoryTrimNanos, TimeUnit.NANOSECONDS)
                .description("Hand-backs of freed recognizer memory to the system (malloc_trim), and their time")
                .register(registry);
        this.chunks = Counter.builder("guardian.transcriber.chunks")
                .description("Audio chunks fed to a recognizer").register(registry);
        this.segments = Counter.builder("guardian.transcriber.segments")
                .description("Transcript segments (utterances) published; its rate is utterances per second")
                .register(registry);
        this.realTimeFactor = DistributionSummary.builder("guardian.transcriber.realtime.factor")
                .description("Recognition time divided by audio duration, per chunk; above 1 the replica falls behind")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
        this.chunkProcessing = Timer.builder("guardian.transcriber.chunk.processing")
                .description("Time to feed one audio chunk to its recognizer")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
        Gauge.builder("guardian.transcriber.partitions.paused", paused, Set::size)
                .description("Audio partitions paused because every recognizer of this replica is in use")
                .register(registry);
    }

    void chunkProcessed(long processingNanos, int samples, int sampleRate) {
        chunks.increment();
        chunkProcessing.record(processingNanos, TimeUnit.NANOSECONDS);
        if (samples > 0) {
            double audioNanos = samples * 1_000_000_000.0 / sampleRate;
            realTimeFactor.record(processingNanos / audioNanos);
        }
    }

    /** Counts segments and how long after ingest accepted their closing chunk the worker emitted them. */
    void segmentsEmitted(String worker, List<TranscriptSegment> emitted) {
        segments.increment(emitted.size());
        if (emitted.isEmpty()) {
            return;
        }
        Timer latency = Timer.builder("guardian.transcriber.segment.latency")
                .description("From ingest accepting the chunk that closed an utterance to this worker emitting its "
                        + "segment (before the transaction commits); per worker, to find one that falls behind")
                .tag("worker", worker).publishPercentiles(0.5, 0.95, 0.99).register(registry);
        long now = System.currentTimeMillis();
        for (TranscriptSegment segment : emitted) {
            latency.record(Math.max(0, now - segment.closingChunkIngestedAt()), TimeUnit.MILLISECONDS);
        }
    }

    /** How long one transaction stayed open, and whether it committed; near transaction.timeout.ms it gets fenced. */
    void transactionEnded(long nanos, boolean committed) {
        Timer.builder("guardian.transcriber.transaction")
                .description("From a Kafka transaction's first record to its commit or abort; the broker fences a producer "
                        + "whose transaction outlives transaction.timeout.ms (5 s unless the operator set it)")
                .tag("outcome", committed ? "committed" : "aborted").publishPercentiles(0.5, 0.99)
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    void deadLettered(String reason) {
        Counter.builder("guardian.transcriber.dlq").description("Records sent to the DLQ, by reason")
                .tag("reason", reason).register(registry).increment();
    }

    /** Records not yet consumed in a partition this replica owns (read_committed: up to the last stable offset). */
    void lag(TopicPartition partition, long records) {
        lags.computeIfAbsent(partition, p -> {
            AtomicLong value = new AtomicLong();
            Gauge gauge = Gauge.builder("guardian.transcriber.consumer.lag", value, AtomicLong::get)
                    .description("Audio records behind the end of a partition this replica owns")
                    .tag("topic", p.topic()).tag("partition", Integer.toString(p.partition()))
                    .register(registry);
            return new Lag(value, gauge);
        }).records().set(records);
    }

    void partitionPaused(TopicPartition partition, boolean isPaused) {
        if (isPaused) {
            paused.add(partition);
        } else {
            paused.remove(partition);
        }
    }

    /** The partition moved to another replica: its lag is no longer ours to report. */
    void partitionGone(TopicPartition partition) {
        Lag lag = lags.remove(partition);
        if (lag != null) {
            registry.remove(lag.gauge());
        }
    }
}
