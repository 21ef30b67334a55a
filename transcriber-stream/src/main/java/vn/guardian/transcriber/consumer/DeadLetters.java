package vn.guardian.transcriber.consumer;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import vn.guardian.contracts.Topics;
import vn.guardian.transcriber.calls.Outcome.Rejection;

/** Builds DLQ records: the original key, value and headers, plus the reason and where the record came from. */
final class DeadLetters {

    static final String SERVICE = "transcriber-stream";

    private DeadLetters() {
    }

    static ProducerRecord<String, byte[]> of(ConsumerRecord<String, byte[]> source, Rejection rejection) {
        RecordHeaders headers = new RecordHeaders();
        for (Header header : source.headers()) {
            headers.add(header);
        }
        headers.add(Topics.DLQ_REASON_HEADER, utf8(rejection.header()));
        headers.add(Topics.DLQ_SOURCE_TOPIC_HEADER, utf8(source.topic()));
        headers.add(Topics.DLQ_SOURCE_PARTITION_HEADER, utf8(Integer.toString(source.partition())));
        headers.add(Topics.DLQ_SOURCE_OFFSET_HEADER, utf8(Long.toString(source.offset())));
        headers.add(Topics.DLQ_SERVICE_HEADER, utf8(SERVICE));
        return new ProducerRecord<>(Topics.DLQ, null, source.key(), source.value(), headers);
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
