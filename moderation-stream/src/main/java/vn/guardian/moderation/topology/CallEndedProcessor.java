package vn.guardian.moderation.topology;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.guardian.contracts.Topics;
import vn.guardian.contracts.audio.AudioEvent;
import vn.guardian.contracts.audio.CallEnded;
import vn.guardian.contracts.serde.AudioEventSerde;
import vn.guardian.contracts.serde.EventSerdes;

/**
 * Picks the CallEnded events out of the audio topic. Almost every audio record is a chunk of raw PCM: the
 * {@code guardian-event} header is compared as bytes, and only CallEnded values are ever parsed.
 */
final class CallEndedProcessor implements Processor<byte[], byte[], Object, Object> {

    private static final Logger log = LoggerFactory.getLogger(CallEndedProcessor.class);
    private static final byte[] CALL_ENDED = "CallEnded".getBytes(StandardCharsets.UTF_8);

    private final AudioEventSerde serde = EventSerdes.audio();
    private final ModerationMetrics metrics;
    private ProcessorContext<Object, Object> context;

    CallEndedProcessor(ModerationMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        Header event = record.headers().lastHeader(AudioEventSerde.EVENT_HEADER);
        if (event == null || !Arrays.equals(event.value(), CALL_ENDED)) {
            return; // chunks and CallStarted: the transcriber's business
        }
        String reason;
        try {
            AudioEvent parsed = serde.deserialize(Topics.AUDIO, record.headers(), record.value());
            CallEnded ended = (CallEnded) parsed;
            if (ended.callId() != null && !ended.callId().isBlank()) {
                context.forward(new Record<Object, Object>(ended.callId(), ended, record.timestamp()),
                        ModerationTopology.CALL_TABLE);
                return;
            }
            reason = "CallEnded has no callId; ingest must set it to the record key";
        } catch (SerializationException | ClassCastException e) {
            reason = e.getMessage();
        }
        log.warn("CallEnded record at {} sent to {}: {}", context.recordMetadata().orElse(null), Topics.DLQ, reason);
        metrics.deadLetter();
        context.forward(DeadLetters.of(record, reason, context.recordMetadata()), ModerationTopology.DLQ_SINK);
    }
}
