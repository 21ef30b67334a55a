package vn.guardian.contracts;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The one way to build a {@code guardian.dlq} record: the original key, value and headers, plus the reason (capped)
 * and where the record came from, so every service's dead letters read alike.
 */
public final class DeadLetter {

    /** Longest reason kept in the header; a deserializer's message can quote a whole document. */
    public static final int MAX_REASON_LENGTH = 1000;

    private DeadLetter() {
    }

    /**
     * The original headers plus the DLQ headers. {@code sourceTopic} may be null when the source is unknown (e.g. a
     * record produced by a punctuation); then the source headers are left out.
     */
    public static Headers headers(Headers original, String reason, String service, String sourceTopic,
                                  int sourcePartition, long sourceOffset) {
        RecordHeaders headers = new RecordHeaders();
        if (original != null) {
            for (Header header : original) {
                headers.add(header);
            }
        }
        headers.add(Topics.DLQ_REASON_HEADER, utf8(cap(reason)));
        headers.add(Topics.DLQ_SERVICE_HEADER, utf8(service));
        if (sourceTopic != null) {
            headers.add(Topics.DLQ_SOURCE_TOPIC_HEADER, utf8(sourceTopic));
            headers.add(Topics.DLQ_SOURCE_PARTITION_HEADER, utf8(Integer.toString(sourcePartition)));
            headers.add(Topics.DLQ_SOURCE_OFFSET_HEADER, utf8(Long.toString(sourceOffset)));
        }
        return headers;
    }

    /** A ready-to-send dead letter for a record read from {@code sourceTopic}-{@code sourcePartition}@{@code sourceOffset}. */
    public static <K, V> ProducerRecord<K, V> record(K key, V value, Headers original, String reason, String service,
                                                     String sourceTopic, int sourcePartition, long sourceOffset) {
        return new ProducerRecord<>(Topics.DLQ, null, key, value,
                headers(original, reason, service, sourceTopic, sourcePartition, sourceOffset));
    }

    /** The reason as stored: never null, at most {@link #MAX_REASON_LENGTH} characters. */
    public static String cap(String reason) {
        if (reason == null || reason.isBlank()) {
            return "unknown";
        }
        return reason.length() > MAX_REASON_LENGTH ? reason.substring(0, MAX_REASON_LENGTH) : reason;
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
