package vn.guardian.transcriber.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Assignment;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import vn.guardian.contracts.Topics;

/**
 * The worker waits out a rejoin instead of committing offsets the group will refuse: the assignor flags its
 * {@link RejoinAwareAssignor.Rejoin} from the moment the consumer asks to join (its subscription) until the
 * assignment arrives, driven here the way the consumer drives it.
 */
class RejoinAwareAssignorTest {

    private static final long FOREVER = Long.MAX_VALUE;
    private static final Set<String> AUDIO = Set.of(Topics.AUDIO);

    private final RejoinAwareAssignor.Rejoin rejoin = new RejoinAwareAssignor.Rejoin();
    private final RejoinAwareAssignor assignor = configured(Map.of(RejoinAwareAssignor.REJOIN, rejoin));

    @Test
    void aWorkerIsRejoiningFromItsJoinRequestUntilItsAssignmentArrives() {
        assertThat(rejoin.inProgress(FOREVER)).as("before the consumer asks to join").isFalse();

        assignor.subscriptionUserData(AUDIO);
        assertThat(rejoin.inProgress(FOREVER)).as("asked to join, no assignment yet").isTrue();

        assignor.onAssignment(assignment(0, 1), generation(2));
        assertThat(rejoin.inProgress(FOREVER)).as("assignment received").isFalse();

        assignor.subscriptionUserData(AUDIO);
        assertThat(rejoin.inProgress(FOREVER)).as("the next rejoin").isTrue();
    }

    @Test
    void aRetriedJoinDoesNotRestartThePatience() throws InterruptedException {
        assignor.subscriptionUserData(AUDIO);
        Thread.sleep(200);
        // the join failed and the consumer asks again: the rejoin still began at the first request
        assignor.subscriptionUserData(AUDIO);

        assertThat(rejoin.inProgress(Duration.ofMillis(100).toNanos())).as("patience of 100 ms, 200 ms after the first ask")
                .isFalse();
        assertThat(rejoin.inProgress(FOREVER)).isTrue();
    }

    @Test
    void theConsumerConfigKeyHandsTheWorkersFlagToTheAssignorKafkaCreates() {
        RejoinAwareAssignor.Rejoin workers = new RejoinAwareAssignor.Rejoin();
        RejoinAwareAssignor created = configured(Map.of("guardian.transcriber.rejoin", workers, "client.id", "worker-0"));

        created.subscriptionUserData(AUDIO);

        assertThat(workers.inProgress(FOREVER)).isTrue();
    }

    private static RejoinAwareAssignor configured(Map<String, ?> consumerConfig) {
        RejoinAwareAssignor assignor = new RejoinAwareAssignor();
        assignor.configure(consumerConfig);
        return assignor;
    }

    private static Assignment assignment(int... partitions) {
        return new Assignment(Arrays.stream(partitions).mapToObj(p -> new TopicPartition(Topics.AUDIO, p))
                .toList());
    }

    private static ConsumerGroupMetadata generation(int generationId) {
        return new ConsumerGroupMetadata("guardian-transcriber", generationId, "worker-0-member", Optional.empty());
    }
}
