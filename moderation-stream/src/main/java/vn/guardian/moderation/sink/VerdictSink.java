package vn.guardian.moderation.sink;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.errors.SerializationException;
import vn.guardian.contracts.Topics;
import vn.guardian.contracts.serde.EventSerdes;
import vn.guardian.contracts.serde.JsonSerde;
import vn.guardian.contracts.verdict.CallVerdict;
import vn.guardian.contracts.verdict.SegmentVerdict;

/**
 * The verdict sink's batches: committed segment verdicts ({@code guardian.verdicts}) and call verdicts
 * ({@code guardian.call-verdicts}) upserted into PostgreSQL, with the utterance-end latency measured at the commit.
 */
public final class VerdictSink implements SinkLoop.Batches {

    public static final String NAME = "verdict-sink";
    public static final List<String> TOPICS = List.of(Topics.VERDICTS, Topics.CALL_VERDICTS);

    private final VerdictWriter writer;
    private final JsonSerde<SegmentVerdict> serde = EventSerdes.segmentVerdict();
    private final JsonSerde<CallVerdict> callSerde = EventSerdes.callVerdict();
    private final Timer utteranceEndLatency;
    private final Timer batchLatency;
    private final DistributionSummary batchSizes;

    public VerdictSink(VerdictWriter writer, MeterRegistry registry) {
        this.writer = writer;
        this.utteranceEndLatency = Timer.builder("guardian.utterance.end.latency")
                .description("From ingest accepting the chunk that closed an utterance to its verdict committed in PostgreSQL")
                .publishPercentiles(0.5, 0.95, 0.99).publishPercentileHistogram().register(registry);
        this.batchLatency = Timer.builder("guardian.sink.batch.latency")
                .description("Time to upsert one batch of verdicts and commit it").register(registry);
        this.batchSizes = DistributionSummary.builder("guardian.sink.batch.size")
                .description("Verdicts per sink batch").register(registry);
    }

    @Override
    public void store(ConsumerRecords<byte[], byte[]> records, SinkLoop.DeadLetters deadLetters) {
        List<SegmentVerdict> verdicts = new ArrayList<>(records.count());
        Map<String, CallVerdict> calls = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            if (Topics.CALL_VERDICTS.equals(record.topic())) {
                if (record.value() == null) {
                    continue; // a tombstone: the call was erased, and the erasure already deleted its rows
                }
                try {
                    CallVerdict call = callSerde.deserialize(record.topic(), record.value());
                    // the writer binds these: a verdict without them would fail its batch forever
                    if (call == null || call.callId() == null || call.maxSeverity() == null || call.action() == null) {
                        deadLetters.send(record, "CallVerdict lacks callId, maxSeverity or action");
                    } else {
                        calls.remove(call.callId());
                        calls.put(call.callId(), call); // a batch may hold several updates of one call: the last wins
                    }
                } catch (SerializationException e) {
                    deadLetters.send(record, e.getMessage());
                }
                continue;
            }
            try {
                SegmentVerdict verdict = serde.deserialize(record.topic(), record.value());
                if (verdict == null || verdict.segmentId() == null || verdict.callId() == null
                        || verdict.severity() == null || verdict.action() == null) {
                    deadLetters.send(record, "SegmentVerdict is null or lacks segmentId, callId, severity or action");
                } else {
                    verdicts.add(verdict);
                }
            } catch (SerializationException e) {
                deadLetters.send(record, e.getMessage());
            }
        }
        long startNanos = System.nanoTime();
        if (!verdicts.isEmpty() || !calls.isEmpty()) {
            writer.upsert(verdicts, List.copyOf(calls.values()));
        }
        long committedAt = System.currentTimeMillis();
        batchLatency.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
        batchSizes.record(verdicts.size());
        for (SegmentVerdict verdict : verdicts) {
            long latency = committedAt - verdict.closingChunkIngestedAt();
            if (verdict.closingChunkIngestedAt() > 0 && latency >= 0) {
                utteranceEndLatency.record(latency, TimeUnit.MILLISECONDS);
            }
        }
    }
}
