package vn.guardian.benchmark.chaos;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The transcriber group's rebalances during a run, from snapshots polled every ~200 ms. A rebalance is a span in
 * which the group is not settled (not Stable, or an audio partition without an owner) or its members change; it
 * starts at the last snapshot that still saw the group settled, so a duration is rounded up to the poll, and ends at
 * the first snapshot that sees it settled again.
 *
 * @param changeAtMs  when the suite changed the group (started a replica, stopped one, killed one)
 * @param rebalances  in time order
 * @param events      every change of state, members or assignment, as "+12.3 s Stable, 6 members, 12/12 partitions
 *                    assigned", timed from the change
 */
record RebalanceTimeline(long changeAtMs, List<Rebalance> rebalances, List<String> events) {

    /** Unsettled spans closer than this are one rebalance: a new replica's workers join one by one. */
    static final long SAME_REBALANCE_GAP_MS = 2_000;

    /** @param settledAtMs empty while the group has not settled again */
    record Rebalance(long startMs, OptionalLong settledAtMs, int membersBefore, int membersAfter) {

        boolean settled() {
            return settledAtMs.isPresent();
        }

        /** How long the group was not whole; -1 while it still is not. */
        long durationMs() {
            return settled() ? settledAtMs.getAsLong() - startMs : -1;
        }
    }

    static RebalanceTimeline of(List<GroupSnapshot> snapshots, long changeAtMs) {
        List<GroupSnapshot> sorted = snapshots.stream().sorted(Comparator.comparingLong(GroupSnapshot::atMs)).toList();
        List<Rebalance> rebalances = new ArrayList<>();
        List<String> events = new ArrayList<>();
        GroupSnapshot previous = null;
        boolean open = false;
        long openSince = 0;
        int openMembersBefore = 0;
        for (GroupSnapshot now : sorted) {
            if (previous == null || !now.describe().equals(previous.describe())) {
                events.add(since(changeAtMs, now.atMs()) + " " + now.describe());
            }
            boolean disturbed = !now.settled() || previous != null && !previous.members().equals(now.members());
            if (disturbed && !open) {
                open = true;
                openSince = previous == null ? now.atMs() : previous.atMs();
                openMembersBefore = (previous == null ? now : previous).members().size();
                Rebalance last = rebalances.isEmpty() ? null : rebalances.get(rebalances.size() - 1);
                if (last != null && openSince - last.settledAtMs().getAsLong() < SAME_REBALANCE_GAP_MS) {
                    rebalances.remove(rebalances.size() - 1);
                    openSince = last.startMs();
                    openMembersBefore = last.membersBefore();
                }
            }
            // a settled snapshot with other members than the last one: the whole rebalance fell between two polls
            if (open && now.settled()) {
                rebalances.add(new Rebalance(openSince, OptionalLong.of(now.atMs()), openMembersBefore,
                        now.members().size()));
                open = false;
            }
            previous = now;
        }
        if (open) {
            rebalances.add(new Rebalance(openSince, OptionalLong.empty(), openMembersBefore,
                    previous.members().size()));
        }
        return new RebalanceTimeline(changeAtMs, List.copyOf(rebalances), List.copyOf(events));
    }

    /** The rebalance the change caused: the first one not over before the change. */
    Optional<Rebalance> ofChange() {
        return rebalances.stream().filter(r -> !r.settled() || r.settledAtMs().getAsLong() > changeAtMs).findFirst();
    }

    /** From the change until the group was whole again after its rebalance; -1 when it was not (or none was seen). */
    long settledAfterChangeMs() {
        return ofChange().filter(Rebalance::settled).map(r -> r.settledAtMs().getAsLong() - changeAtMs).orElse(-1L);
    }

    private static String since(long changeAtMs, long atMs) {
        return String.format(Locale.ROOT, "%+.1f s", (atMs - changeAtMs) / 1000.0);
    }
}
