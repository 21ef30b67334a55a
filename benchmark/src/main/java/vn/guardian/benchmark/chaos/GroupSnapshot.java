package vn.guardian.benchmark.chaos;

import java.util.Set;
import org.apache.kafka.common.GroupState;

/**
 * The transcriber's consumer group as one poll of {@code Admin.describeConsumerGroups} saw it.
 *
 * @param members            member ids: one consumer per worker of each replica, so a replica joining or leaving
 *                           changes the set by its workers
 * @param assignedPartitions partitions of guardian.audio some member owns
 * @param partitions         partitions guardian.audio has
 */
record GroupSnapshot(long atMs, GroupState state, Set<String> members, int assignedPartitions, int partitions) {

    /** Whole: Stable, and every audio partition has an owner (between cooperative-sticky's two rounds some have none). */
    boolean settled() {
        return state == GroupState.STABLE && partitions > 0 && assignedPartitions == partitions;
    }

    /** E.g. "Stable, 4 members, 12/12 partitions assigned". */
    String describe() {
        return state + ", " + members.size() + " members, " + assignedPartitions + "/" + partitions
                + " partitions assigned";
    }
}
