package vn.guardian.benchmark.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import vn.guardian.contracts.Topics;
import vn.guardian.embedded.EmbeddedKafka;

/** Against a real (in-JVM KRaft) broker: committed offsets, committed and open transactions. */
class ConsumerLagTest {

    @Test
    void lagIsWhatAReadCommittedGroupStillHasToReadFromWhereItCommitted() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(1);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
             Producer<String, String> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                     ProducerConfig.TRANSACTIONAL_ID_CONFIG, "consumer-lag-test",
                     ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                     ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
             ConsumerLag lag = new ConsumerLag(kafka.bootstrapServers())) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(Topics.AUDIO, "call-1", "chunk " + i));
            }
            producer.commitTransaction(); // offsets 0-9, and the commit marker at 10
            TopicPartition audio = new TopicPartition(Topics.AUDIO, 0);
            admin.alterConsumerGroupOffsets("guardian-transcriber", Map.of(audio, new OffsetAndMetadata(4)))
                    .all().get();
            // 6 records and the marker after offset 4; the marker is what a reader passes on its way to the end
            assertThat(transcriberLagOnceMarkersLand(lag, 7)).isEqualTo(7);

            producer.beginTransaction();
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>(Topics.AUDIO, "call-1", "open " + i));
            }
            producer.flush();
            // an open transaction is not readable yet: it is not lag
            assertThat(lag.byGroup().get("guardian-transcriber")).isEqualTo(7);
            producer.commitTransaction();
            assertThat(transcriberLagOnceMarkersLand(lag, 13)).isEqualTo(13);

            admin.alterConsumerGroupOffsets("guardian-transcriber", Map.of(audio, new OffsetAndMetadata(17))).all().get();
            Map<String, Long> caughtUp = lag.byGroup();
            assertThat(caughtUp.get("guardian-transcriber")).isZero();
            // groups that never committed have nothing behind them, and every pipeline group is asked
            assertThat(caughtUp).containsOnlyKeys(ConsumerLag.GROUPS).containsEntry("guardian-verdict-sink", 0L);
        }
    }

    /**
     * The transcriber group's lag, asked again for up to 10 s until it is {@code expected}: commitTransaction returns
     * before the broker has written the commit markers that move the readable end.
     */
    private static long transcriberLagOnceMarkersLand(ConsumerLag lag, long expected) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        long seen = lag.byGroup().get("guardian-transcriber");
        while (seen != expected && System.nanoTime() < deadline) {
            Thread.sleep(50);
            seen = lag.byGroup().get("guardian-transcriber");
        }
        return seen;
    }
}
