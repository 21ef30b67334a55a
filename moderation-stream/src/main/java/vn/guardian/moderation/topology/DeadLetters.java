package vn.guardian.moderation.topology;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import vn.guardian.contracts.Topics;

/** The dead letter for a record the topology cannot use: its bytes unchanged, the reason and source in headers. */
final class DeadLetters {

    private static final int MAX_REASON_LENGTH = 1000;

    private DeadLetters() {
    }

    static Record<Object, Object> of(Record<byte[], byte[]> record, String reason, Optional<RecordMetadata> source) {
        String why = reason == null ? "unknown" : reason.length() > MAX_REASON_LENGTH
                ? reason.substring(0, MAX_REASON_LENGTH) : reason;
        Headers headers = new RecordHeaders(record.headers().toArray());
        headers.add(Topics.DLQ_REASON_HEADER, bytes(why));
        headers.add(Topics.DLQ_SERVICE_HEADER, bytes("moderation-stream"));
        source.ifPresent(s -> {
            headers.add(Topics.DLQ_SOURCE_TOPIC_HEADER, bytes(s.topic()));
            headers.add(Topics.DLQ_SOURCE_PARTITION_HEADER, bytes(Integer.toString(s.partition())));
            headers.add(Topics.DLQ_SOURCE_OFFSET_HEADER, bytes(Long.toString(s.offset())));
        });
        return new Record<>(record.key(), record.value(), record.timestamp(), headers);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
