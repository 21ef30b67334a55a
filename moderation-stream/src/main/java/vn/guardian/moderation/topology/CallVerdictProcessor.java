package vn.guardian.moderation.topology;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import vn.guardian.contracts.transcript.CallClosed;
import vn.guardian.contracts.verdict.SegmentVerdict;
import vn.guardian.moderation.calls.CallAggregator;
import vn.guardian.moderation.calls.CallState;

/**
 * The call table: folds each segment verdict into its call's verdict, closes the call on CallClosed, and emits the
 * new CallVerdict on every change. Calls untouched for the retention time are forgotten.
 */
final class CallVerdictProcessor implements Processor<Object, Object, Object, Object> {

    /** How often forgotten calls are swept out of the table. */
    private static final Duration SWEEP_INTERVAL = Duration.ofMinutes(1);

    private final CallAggregator aggregator;
    private final Clock clock;
    private final long retentionMs;
    private ProcessorContext<Object, Object> context;
    private KeyValueStore<String, CallState> calls;

    CallVerdictProcessor(CallAggregator aggregator, Clock clock, Duration retention) {
        this.aggregator = aggregator;
        this.clock = clock;
        this.retentionMs = retention.toMillis();
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.calls = context.getStateStore(ModerationTopology.CALL_VERDICTS_STORE);
        context.schedule(SWEEP_INTERVAL, PunctuationType.WALL_CLOCK_TIME, now -> sweep());
    }

    @Override
    public void process(Record<Object, Object> record) {
        String callId = (String) record.key();
        CallState previous = calls.get(callId);
        CallState next;
        if (record.value() instanceof SegmentVerdict verdict) {
            next = aggregator.add(previous, verdict, clock.millis());
        } else if (record.value() instanceof CallClosed closed) {
            next = aggregator.close(previous, closed, clock.millis());
        } else {
            throw new IllegalStateException("Call table got a " + record.value().getClass().getName()
                    + "; only SegmentVerdict and CallClosed are wired to it");
        }
        calls.put(callId, next);
        context.forward(new Record<Object, Object>(callId, next.verdict(), record.timestamp()),
                ModerationTopology.CALL_VERDICT_SINK);
    }

    private void sweep() {
        long oldest = clock.millis() - retentionMs;
        List<String> forgotten = new ArrayList<>();
        try (KeyValueIterator<String, CallState> all = calls.all()) {
            while (all.hasNext()) {
                KeyValue<String, CallState> entry = all.next();
                if (entry.value.verdict().updatedAt() < oldest) {
                    forgotten.add(entry.key);
                }
            }
        }
        forgotten.forEach(calls::delete);
    }
}
