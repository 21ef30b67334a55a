package vn.guardian.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class GroupFailoverTest {

    @Test
    void aGroupMemberIsDeclaredDeadAfterSixSecondsAndWaitsEightSecondsForABrokerAtMost() {
        Map<String, Object> consumer = GroupFailover.consumer(new HashMap<>());

        assertThat(consumer).containsEntry(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6_000)
                .containsEntry(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1_500)
                .containsEntry(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 8_000);
    }

    @Test
    void aCrashedProducersTransactionIsAbortedAfterFiveSeconds() {
        Map<String, Object> producer = GroupFailover.transactionalProducer(new HashMap<>());

        assertThat(producer).containsEntry(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 5_000)
                .containsEntry(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 8_000);
    }

    @Test
    void whatTheOperatorSetWins() {
        Map<String, Object> consumer = new HashMap<>(Map.of(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 45_000,
                ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 30_000));
        Map<String, Object> producer = new HashMap<>(Map.of(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 60_000));

        assertThat(GroupFailover.consumer(consumer)).containsEntry(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 45_000)
                .containsEntry(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 30_000);
        assertThat(GroupFailover.transactionalProducer(producer))
                .containsEntry(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 60_000);
    }
}
