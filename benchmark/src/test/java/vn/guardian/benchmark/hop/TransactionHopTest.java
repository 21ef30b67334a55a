package vn.guardian.benchmark.hop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import static org.assertj.core.groups.Tuple.tuple;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import vn.guardian.embedded.EmbeddedKafka;

class TransactionHopTest {

    @Test
    void everyRecordOfBothKindsReachesTheReadCommittedConsumerAndIsTimed() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(1)) {
            List<TransactionHop.Hop> hops = TransactionHop.measure(
                    new TransactionHop.Options(kafka.bootstrapServers(), 6, 1));

            // one broker leads every partition and coordinates every transaction; the topic is gone afterwards
            assertThat(hops).extracting(TransactionHop.Hop::kind, TransactionHop.Hop::sent).containsExactly(
                    tuple("transactional, partition led by broker 0 (the coordinator)", 6),
                    tuple("transactional, a record on every broker's partition", 6),
                    tuple("idempotent, no transaction", 6));
            for (TransactionHop.Hop hop : hops) {
                assertThat(hop.seen().count()).isEqualTo(6);
                assertThat(hop.acknowledged().p50()).isPositive();
            }
            TransactionHop.Hop transactional = hops.get(0);
            assertThat(transactional.committed().p50()).isGreaterThanOrEqualTo(transactional.acknowledged().p50());
            assertThat(hops.get(2).committed().count()).isZero();
            assertThat(TransactionHop.table(hops)).contains("idempotent, no transaction");
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    kafka.bootstrapServers()))) {
                assertThat(admin.listTopics().names().get()).noneMatch(name -> name.contains("transaction-hop"));
            }
        }
    }

    @Test
    void aClusterThatDoesNotAnswerIsNamedWithHowToStartOne() {
        assertThatThrownBy(() -> TransactionHop.measure(new TransactionHop.Options("127.0.0.1:9", 1, 1)))
                .hasMessageContaining("no Kafka broker answered at 127.0.0.1:9")
                .hasMessageContaining("infra/local-cluster.sh start --no-services");
    }

    @Test
    void anUnknownOptionIsRefusedWithTheUsage() {
        assertThatThrownBy(() -> TransactionHop.Options.parse(List.of("--recrods", "5")))
                .hasMessageContaining("Unknown option '--recrods'").hasMessageContaining("--records 100");
        assertThatThrownBy(() -> TransactionHop.Options.parse(List.of("--records", "0")))
                .hasMessageContaining("--records");
    }
}
