package vn.guardian.benchmark.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.GroupState;
import org.junit.jupiter.api.Test;

class RebalanceTimelineTest {

    private static final Set<String> TWO_REPLICAS = Set.of("a-0", "a-1", "b-0", "b-1");
    private static final Set<String> ONE_REPLICA = Set.of("a-0", "a-1");

    private final List<GroupSnapshot> polls = new ArrayList<>();

    @Test
    void aKilledReplicaIsNoticedAfterTheSessionTimeoutAndTheGroupIsWholeWhenEveryPartitionHasAnOwnerAgain() {
        stable(-1_000, 5_800, TWO_REPLICAS);
        poll(6_000, GroupState.PREPARING_REBALANCE, ONE_REPLICA, 6);
        poll(6_200, GroupState.COMPLETING_REBALANCE, ONE_REPLICA, 6);
        poll(6_400, GroupState.STABLE, ONE_REPLICA, 9); // Stable, but three partitions still without an owner
        stable(6_600, 12_000, ONE_REPLICA);

        RebalanceTimeline timeline = RebalanceTimeline.of(polls, 0);

        assertThat(timeline.rebalances()).hasSize(1);
        RebalanceTimeline.Rebalance kill = timeline.ofChange().orElseThrow();
        assertThat(kill.startMs()).as("last seen whole").isEqualTo(5_800);
        assertThat(kill.settledAtMs()).hasValue(6_600);
        assertThat(kill.durationMs()).isEqualTo(800);
        assertThat(kill.membersBefore()).isEqualTo(4);
        assertThat(kill.membersAfter()).isEqualTo(2);
        assertThat(timeline.settledAfterChangeMs()).isEqualTo(6_600);
    }

    @Test
    void aNewReplicasWorkersJoiningOneByOneAreOneRebalance() {
        stable(-1_000, 30_000, ONE_REPLICA);
        poll(30_200, GroupState.PREPARING_REBALANCE, Set.of("a-0", "a-1", "c-0"), 12);
        poll(30_400, GroupState.STABLE, Set.of("a-0", "a-1", "c-0"), 10); // cooperative: revoked, not yet moved
        stable(30_600, 31_200, Set.of("a-0", "a-1", "c-0"));
        poll(31_400, GroupState.PREPARING_REBALANCE, Set.of("a-0", "a-1", "c-0", "c-1"), 12);
        stable(31_600, 40_000, Set.of("a-0", "a-1", "c-0", "c-1"));

        RebalanceTimeline timeline = RebalanceTimeline.of(polls, 0);

        assertThat(timeline.rebalances()).hasSize(1);
        RebalanceTimeline.Rebalance scaleOut = timeline.ofChange().orElseThrow();
        assertThat(scaleOut.startMs()).isEqualTo(30_000);
        assertThat(scaleOut.settledAtMs()).hasValue(31_600);
        assertThat(scaleOut.membersBefore()).isEqualTo(2);
        assertThat(scaleOut.membersAfter()).isEqualTo(4);
        assertThat(timeline.settledAfterChangeMs()).isEqualTo(31_600);
    }

    @Test
    void theKilledReplicasReturnIsASecondRebalanceNotTheOneTheKillCaused() {
        stable(-1_000, 5_800, TWO_REPLICAS);
        poll(6_000, GroupState.PREPARING_REBALANCE, ONE_REPLICA, 6);
        stable(6_200, 50_000, ONE_REPLICA);
        poll(50_200, GroupState.PREPARING_REBALANCE, TWO_REPLICAS, 12);
        poll(50_400, GroupState.STABLE, TWO_REPLICAS, 6);
        stable(50_600, 60_000, TWO_REPLICAS);

        RebalanceTimeline timeline = RebalanceTimeline.of(polls, 0);

        assertThat(timeline.rebalances()).extracting(rebalance -> rebalance.settledAtMs().getAsLong())
                .containsExactly(6_200L, 50_600L);
        assertThat(timeline.settledAfterChangeMs()).isEqualTo(6_200);
    }

    @Test
    void aRebalanceQuickerThanThePollIsSeenInItsNewMembersAndLastsAtMostOnePoll() {
        stable(-1_000, 1_000, TWO_REPLICAS);
        stable(1_200, 5_000, ONE_REPLICA);

        RebalanceTimeline timeline = RebalanceTimeline.of(polls, 0);

        RebalanceTimeline.Rebalance stop = timeline.ofChange().orElseThrow();
        assertThat(stop.startMs()).isEqualTo(1_000);
        assertThat(stop.durationMs()).isEqualTo(200);
        assertThat(stop.membersAfter()).isEqualTo(2);
    }

    @Test
    void aGroupStillRebalancingWhenThePollsEndHasNotSettled() {
        stable(-1_000, 2_000, TWO_REPLICAS);
        poll(2_200, GroupState.PREPARING_REBALANCE, ONE_REPLICA, 6);
        poll(2_400, GroupState.COMPLETING_REBALANCE, ONE_REPLICA, 6);

        RebalanceTimeline timeline = RebalanceTimeline.of(polls, 0);

        assertThat(timeline.ofChange().orElseThrow().settled()).isFalse();
        assertThat(timeline.ofChange().orElseThrow().durationMs()).isEqualTo(-1);
        assertThat(timeline.settledAfterChangeMs()).isEqualTo(-1);
    }

    @Test
    void aRebalanceOverBeforeTheChangeIsNotTheOneItCaused() {
        poll(-5_000, GroupState.PREPARING_REBALANCE, ONE_REPLICA, 6);
        stable(-4_800, 3_000, ONE_REPLICA);

        RebalanceTimeline timeline = RebalanceTimeline.of(polls, 0);

        assertThat(timeline.rebalances()).hasSize(1);
        assertThat(timeline.ofChange()).isEmpty();
        assertThat(timeline.settledAfterChangeMs()).isEqualTo(-1);
    }

    @Test
    void theTimelineNamesEachStateTheGroupWentThroughTimedFromTheChange() {
        stable(-1_000, 5_800, TWO_REPLICAS);
        poll(6_000, GroupState.PREPARING_REBALANCE, ONE_REPLICA, 6);
        poll(6_200, GroupState.COMPLETING_REBALANCE, ONE_REPLICA, 6);
        stable(6_400, 8_000, ONE_REPLICA);

        assertThat(RebalanceTimeline.of(polls, 0).events()).containsExactly(
                "-1.0 s Stable, 4 members, 12/12 partitions assigned",
                "+6.0 s PreparingRebalance, 2 members, 6/12 partitions assigned",
                "+6.2 s CompletingRebalance, 2 members, 6/12 partitions assigned",
                "+6.4 s Stable, 2 members, 12/12 partitions assigned");
    }

    /** Polls every 200 ms from {@code fromMs} to {@code toMs}, both included, of a whole group. */
    private void stable(long fromMs, long toMs, Set<String> members) {
        for (long at = fromMs; at <= toMs; at += 200) {
            poll(at, GroupState.STABLE, members, 12);
        }
    }

    private void poll(long atMs, GroupState state, Set<String> members, int assigned) {
        polls.add(new GroupSnapshot(atMs, state, members, assigned, 12));
    }
}
