package vn.guardian.moderation.topology;

import java.time.Clock;
import java.time.Duration;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.guardian.contracts.DeadLetter;
import vn.guardian.contracts.Topics;
import vn.guardian.contracts.serde.EventSerdes;
import vn.guardian.contracts.serde.TranscriptEventSerde;
import vn.guardian.contracts.transcript.CallClosed;
import vn.guardian.contracts.transcript.TranscriptEvent;
import vn.guardian.contracts.transcript.TranscriptSegment;
import vn.guardian.contracts.verdict.SegmentVerdict;
import vn.guardian.moderation.classifier.SegmentClassifier;

/**
 * Reads transcript bytes, drops segmentIds already decided within the dedupe window, classifies the rest, passes
 * each call's CallClosed on to the call table, and sends what it cannot read or decide to the dead-letter topic
 * instead of failing the task.
 */
final class ModerationProcessor implements Processor<byte[], byte[], Object, Object> {

    private static final Logger log = LoggerFactory.getLogger(ModerationProcessor.class);

    static final String SERVICE = "moderation-stream";

    private final TranscriptEventSerde serde = EventSerdes.transcripts();
    private final SegmentClassifier classifier;
    private final Clock clock;
    private final long dedupeWindowMs;
    private final ModerationMetrics metrics;
    private ProcessorContext<Object, Object> context;
    private WindowStore<String, Long> seen;

    ModerationProcessor(SegmentClassifier classifier, Clock clock, Duration dedupeWindow, ModerationMetrics metrics) {
        this.classifier = classifier;
        this.clock = clock;
        this.dedupeWindowMs = dedupeWindow.toMillis();
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.seen = context.getStateStore(ModerationTopology.SEEN_SEGMENTS);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        TranscriptEvent event;
        try {
            event = serde.deserialize(Topics.TRANSCRIPTS, record.headers(), record.value());
        } catch (SerializationException e) {
            deadLetter(record, e.getMessage());
            return;
        }
        if (event instanceof CallClosed closed) {
            if (closed.callId() == null || closed.callId().isBlank()) {
                deadLetter(record, "CallClosed has no callId; the transcriber must set it to the record key");
                return;
            }
            context.forward(new Record<Object, Object>(closed.callId(), closed, record.timestamp()),
                    ModerationTopology.CALL_TABLE);
            return;
        }
        TranscriptSegment segment = (TranscriptSegment) event;
        String invalid = invalid(segment);
        if (invalid != null) {
            deadLetter(record, invalid);
            return;
        }
        if (alreadySeen(segment.segmentId(), record.timestamp())) {
            metrics.duplicate();
            return;
        }
        SegmentVerdict verdict;
        try {
            verdict = classifier.classify(segment, clock.millis());
        } catch (RuntimeException e) {
            log.error("Could not classify segment {} of call {}", segment.segmentId(), segment.callId(), e);
            deadLetter(record, "classification failed: " + e);
            return;
        }
        seen.put(segment.segmentId(), record.timestamp(), record.timestamp());
        metrics.verdict(verdict.action());
        Record<Object, Object> out = new Record<>(verdict.callId(), verdict, record.timestamp(), record.headers());
        context.forward(out, ModerationTopology.VERDICT_SINK);
        // the same verdict also moves its call's verdict
        context.forward(out, ModerationTopology.CALL_TABLE);
    }

    private static String invalid(TranscriptSegment segment) {
        if (segment == null) {
            return "TranscriptSegment value is null (tombstone); transcripts are never deleted";
        }
        if (segment.segmentId() == null || segment.segmentId().isBlank()) {
            return "TranscriptSegment has no segmentId; the transcriber must set SegmentIds.of(callId, channel, start)";
        }
        if (segment.callId() == null || segment.callId().isBlank()) {
            return "TranscriptSegment " + segment.segmentId() + " has no callId";
        }
        if (segment.text() == null) {
            return "TranscriptSegment " + segment.segmentId() + " has no text";
        }
        return null;
    }

    private boolean alreadySeen(String segmentId, long timestamp) {
        try (WindowStoreIterator<Long> hits = seen.fetch(segmentId, timestamp - dedupeWindowMs,
                timestamp + dedupeWindowMs)) {
            return hits.hasNext();
        }
    }

    private void deadLetter(Record<byte[], byte[]> record, String reason) {
        Record<Object, Object> dead = new Record<>(record.key(), record.value(), record.timestamp(),
                DeadLetter.headers(record.headers(), reason, SERVICE,
                        context.recordMetadata().map(m -> m.topic()).orElse(null),
                        context.recordMetadata().map(m -> m.partition()).orElse(-1),
                        context.recordMetadata().map(m -> m.offset()).orElse(-1L)));
        log.warn("Transcript record at {} sent to {}: {}", context.recordMetadata().orElse(null), Topics.DLQ, reason);
        metrics.deadLetter();
        context.forward(dead, ModerationTopology.DLQ_SINK);
    }
}
