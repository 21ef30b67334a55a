package vn.guardian.transcriber.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import vn.guardian.contracts.GroupFailover;

/**
 * The transaction timeout the worker judges its transactions by (it warns at half of it) is the one its producer
 * runs with: the operator's {@code transaction.timeout.ms} wins over GroupFailover's default.
 */
class WorkerClientsTest {

    @Test
    void withoutAnOperatorValueTheTimeoutIsGroupFailovers() {
        assertThat(WorkerClients.transactionTimeout(Map.of("bootstrap.servers", "localhost:9092")))
                .isEqualTo(Duration.ofMillis(GroupFailover.TRANSACTION_TIMEOUT_MS));
    }

    @Test
    void theOperatorsTimeoutFromSpringKafkaPropertiesWins() {
        // spring.kafka.producer.properties.transaction.timeout.ms=20000 arrives as a string
        assertThat(WorkerClients.transactionTimeout(Map.of("transaction.timeout.ms", "20000")))
                .isEqualTo(Duration.ofSeconds(20));
        assertThat(WorkerClients.transactionTimeout(Map.of("transaction.timeout.ms", 3_000)))
                .isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void anUnreadableTimeoutIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> WorkerClients.transactionTimeout(Map.of("transaction.timeout.ms", "20 s")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("transaction.timeout.ms");
    }
}
