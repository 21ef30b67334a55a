package vn.guardian.testsupport;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import vn.guardian.contracts.Topics;

/**
 * The test's side of a test broker's topics: a producer that writes as the services' upstream does (keyed by
 * callId, acknowledged by all replicas), and reads of what the service under test wrote, from the beginning and
 * read_committed, the way the services downstream of it see it.
 */
public final class TestTopics {

    private final String bootstrapServers;
    private final Duration wait;

    /** @param wait how long a read waits for what it expects before it fails the test */
    public TestTopics(String bootstrapServers, Duration wait) {
        this.bootstrapServers = bootstrapServers;
        this.wait = wait;
    }

    /** A producer of String keys and {@code values}; the caller closes it. */
    public <V> KafkaProducer<String, V> producer(Serializer<V> values) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), values);
    }

    /**
     * Reads every partition of {@code topic} from the start, read_committed, until {@code done} holds for what was
     * read so far.
     *
     * @throws AssertionError when it does not hold within the wait
     */
    public List<ConsumerRecord<String, byte[]>> readUntil(String topic,
                                                          Predicate<List<ConsumerRecord<String, byte[]>>> done) {
        return fromTheStart(topic, (consumer, partitions) -> {
            List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + wait.toNanos();
            while (!done.test(records)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("waited " + wait + " for records on " + topic + ", got "
                            + records.size() + " that do not satisfy the test");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        });
    }

    /**
     * Every committed record of {@code topic} up to its end now, for checking what is not there: a read that stops
     * at once would find nothing missing.
     */
    public List<ConsumerRecord<String, byte[]>> readAll(String topic) {
        return fromTheStart(topic, (consumer, partitions) -> {
            // read_committed: the last stable offsets, behind any transaction still open
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + wait.toNanos();
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < ends.get(partition))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("waited " + wait + " to read " + topic + " up to " + ends);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        });
    }

    private <T> T fromTheStart(String topic,
                               BiFunction<KafkaConsumer<String, byte[]>, List<TopicPartition>, T> read) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            return read.apply(consumer, partitions);
        }
    }

    /** The record the service wrote to {@code guardian.dlq} for the record at {@code sent}. */
    public ConsumerRecord<String, byte[]> deadLetterOf(RecordMetadata sent) {
        Predicate<ConsumerRecord<String, byte[]>> isIt = record ->
                sent.topic().equals(header(record, Topics.DLQ_SOURCE_TOPIC_HEADER))
                        && Integer.toString(sent.partition()).equals(header(record, Topics.DLQ_SOURCE_PARTITION_HEADER))
                        && Long.toString(sent.offset()).equals(header(record, Topics.DLQ_SOURCE_OFFSET_HEADER));
        return readUntil(Topics.DLQ, records -> records.stream().anyMatch(isIt)).stream().filter(isIt).findFirst()
                .orElseThrow();
    }

    /** The last value of header {@code name} as text, or null when the record has none. */
    public static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
