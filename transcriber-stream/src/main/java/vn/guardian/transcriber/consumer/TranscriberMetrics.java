package vn.guardian.transcriber.consumer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import vn.guardian.transcriber.calls.RecognizerBudget;

/** The transcriber's Micrometer meters, shared by all workers. */
public final class TranscriberMetrics {

    private final MeterRegistry registry;
    private final Counter chunks;
    private final Counter segments;
    private final DistributionSummary realTimeFactor;

    public TranscriberMetrics(MeterRegistry registry, RecognizerBudget budget) {
        this.registry = registry;
        Gauge.builder("guardian.transcriber.recognizers.active", budget, RecognizerBudget::active)
                .description("Vosk recognizers open in this replica (one per live call channel)")
                .register(registry);
        this.chunks = Counter.builder("guardian.transcriber.chunks")
                .description("Audio chunks fed to a recognizer").register(registry);
        this.segments = Counter.builder("guardian.transcriber.segments")
                .description("Transcript segments published").register(registry);
        this.realTimeFactor = DistributionSummary.builder("guardian.transcriber.realtime.factor")
                .description("Recognition time divided by audio duration, per chunk; above 1 the replica falls behind")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
    }

    void chunkProcessed(long processingNanos, int samples, int sampleRate) {
        chunks.increment();
        if (samples > 0) {
            double audioNanos = samples * 1_000_000_000.0 / sampleRate;
            realTimeFactor.record(processingNanos / audioNanos);
        }
    }

    void segmentsEmitted(int count) {
        segments.increment(count);
    }

    void deadLettered(String reason) {
        Counter.builder("guardian.transcriber.dlq").description("Records sent to the DLQ, by reason")
                .tag("reason", reason).register(registry).increment();
    }
}
