package vn.guardian.transcriber.consumer;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.common.Configurable;

/**
 * Cooperative-sticky assignment that tells its worker when the consumer is rejoining the group. Offsets committed in a
 * transaction between the rejoin and the new assignment carry the old generation, and once the group has moved on
 * the broker refuses them: the transaction aborts and the worker replays every partition. A worker that waits out
 * the rejoin instead loses a second of decoding, not its open utterances.
 */
public final class RejoinAwareAssignor extends CooperativeStickyAssignor implements Configurable {

    /** Consumer config key whose value is the worker's {@link Rejoin}. */
    static final String REJOIN = "guardian.transcriber.rejoin";

    private Rejoin rejoin = new Rejoin();

    /** When the consumer last asked to join (System.nanoTime), or 0 once it has its assignment. */
    static final class Rejoin {
        private final AtomicLong since = new AtomicLong();

        /** Whether the consumer is rejoining, for at most {@code patienceNanos} (a join can fail and be retried). */
        boolean inProgress(long patienceNanos) {
            long at = since.get();
            return at != 0 && System.nanoTime() - at < patienceNanos;
        }
    }

    @Override
    public void configure(Map<String, ?> configs) {
        if (configs.get(REJOIN) instanceof Rejoin given) {
            rejoin = given;
        }
    }

    @Override
    public ByteBuffer subscriptionUserData(Set<String> topics) {
        rejoin.since.compareAndSet(0, System.nanoTime());
        return super.subscriptionUserData(topics);
    }

    @Override
    public void onAssignment(Assignment assignment, ConsumerGroupMetadata metadata) {
        super.onAssignment(assignment, metadata);
        rejoin.since.set(0);
    }
}
