package vn.guardian.ingest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import vn.guardian.contracts.Topics;
import vn.guardian.contracts.audio.AudioEvent;
import vn.guardian.contracts.serde.AudioEventSerde;
import vn.guardian.testsupport.TestKafka;

/** Reads what ingest published on the audio topic of a test broker. */
public final class AudioTopic {

    private final String bootstrapServers;

    public AudioTopic(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    /** Records ever written to the audio topic: the sum of its partitions' end offsets. */
    public long recordCount() {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config(), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < TestKafka.PARTITIONS; p++) {
                partitions.add(new TopicPartition(Topics.AUDIO, p));
            }
            return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** The call's records in topic order: waits for {@code expected}, then a little longer for any extra. */
    public List<ConsumerRecord<String, AudioEvent>> read(String callId, int expected) {
        List<ConsumerRecord<String, AudioEvent>> found = new ArrayList<>();
        try (KafkaConsumer<String, AudioEvent> consumer = new KafkaConsumer<>(config(), new StringDeserializer(),
                new AudioEventSerde())) {
            consumer.subscribe(List.of(Topics.AUDIO));
            long deadline = System.currentTimeMillis() + 20_000;
            while (found.size() < expected && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, AudioEvent> record : consumer.poll(Duration.ofMillis(200))) {
                    if (callId.equals(record.key())) {
                        found.add(record);
                    }
                }
            }
            // anything extra would show up now
            consumer.poll(Duration.ofMillis(300)).forEach(record -> {
                if (callId.equals(record.key())) {
                    found.add(record);
                }
            });
        }
        return found;
    }

    /** Just the events of {@link #read}. */
    public List<AudioEvent> events(String callId, int expected) {
        return read(callId, expected).stream().map(ConsumerRecord::value).toList();
    }

    private Map<String, Object> config() {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return config;
    }
}
