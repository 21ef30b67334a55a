package vn.guardian.benchmark.chaos;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import vn.guardian.benchmark.cluster.LocalCluster;

/**
 * The transcriber replicas the suite added ({@code scale-out}), newest last: {@code scale-in} stops those, and the
 * suite stops any left at its end, so it leaves the cluster with the replicas it found.
 */
final class AddedTranscribers {

    private final Deque<String> added = new ArrayDeque<>();

    /** {@code local-cluster.sh add transcriber}: starts one more replica, returns once it is ready; its name. */
    String add(LocalCluster cluster) throws Exception {
        List<String> before = cluster.names("transcriber-");
        cluster.run("add", "transcriber");
        String name = cluster.names("transcriber-").stream().filter(replica -> !before.contains(replica)).findFirst()
                .orElseThrow(() -> new IllegalStateException("local-cluster.sh add transcriber recorded no new "
                        + "transcriber in " + cluster.work().resolve("pids")
                        + "; see the [local-cluster] lines above"));
        added.addLast(name);
        return name;
    }

    boolean any() {
        return !added.isEmpty();
    }

    /** {@code local-cluster.sh stop-one}: SIGTERM to the newest added replica (it leaves its group at once). */
    String stopNewest(LocalCluster cluster) throws Exception {
        String name = added.peekLast();
        if (name == null) {
            throw new IllegalStateException("scale-in: no transcriber replica added by scale-out to stop; run "
                    + "--faults scale-out,scale-in (a scale-in alone adds one before its load)");
        }
        cluster.run("stop-one", name);
        added.removeLast();
        return name;
    }

    /** Stops every replica still added, newest first; returns their names. */
    List<String> stopAll(LocalCluster cluster) throws Exception {
        List<String> stopped = new ArrayList<>();
        while (any()) {
            stopped.add(stopNewest(cluster));
        }
        return stopped;
    }
}
