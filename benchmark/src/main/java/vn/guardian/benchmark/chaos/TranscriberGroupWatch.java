package vn.guardian.benchmark.chaos;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;
import vn.guardian.contracts.Topics;

/**
 * Polls the transcriber's consumer group every {@link #POLL_MS} with {@code Admin.describeConsumerGroups}: its state,
 * members and which partitions of guardian.audio they own, for the run's {@link RebalanceTimeline}.
 */
final class TranscriberGroupWatch implements AutoCloseable {

    /** transcriber-stream's {@code guardian.transcriber.group-id} (its default; the chaos cluster keeps it). */
    static final String GROUP = "guardian-transcriber";
    static final long POLL_MS = 200;

    private final Admin admin;
    private final int partitions;
    private final List<GroupSnapshot> snapshots = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "chaos-group-watch");
        thread.setDaemon(true);
        return thread;
    });
    private volatile String lastError = "";

    TranscriberGroupWatch(String bootstrapServers) throws Exception {
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.CLIENT_ID_CONFIG, "bench-chaos-group-watch"));
        try {
            // the first call also connects, which takes seconds on a busy machine
            partitions = admin.describeTopics(List.of(Topics.AUDIO), new DescribeTopicsOptions().timeoutMs(60_000))
                    .allTopicNames().get().get(Topics.AUDIO).partitions().size();
        } catch (Exception e) {
            admin.close(Duration.ofSeconds(5));
            throw e;
        }
        poller.scheduleAtFixedRate(this::poll, 0, POLL_MS, TimeUnit.MILLISECONDS);
    }

    private void poll() {
        long at = System.currentTimeMillis();
        try {
            // a poll that cannot answer soon says nothing about this moment: give up and take the next one
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(GROUP),
                    new DescribeConsumerGroupsOptions().timeoutMs(3_000)).describedGroups().get(GROUP).get();
            Set<String> members = group.members().stream().map(MemberDescription::consumerId)
                    .collect(Collectors.toSet());
            long assigned = group.members().stream().flatMap(member -> member.assignment().topicPartitions().stream())
                    .filter(partition -> partition.topic().equals(Topics.AUDIO)).map(TopicPartition::partition)
                    .distinct().count();
            snapshots.add(new GroupSnapshot(at, group.groupState(), members, (int) assigned, partitions));
        } catch (Exception e) {
            if (poller.isShutdown()) {
                return; // close() interrupted this poll: nothing to tell
            }
            // a coordinator moving or a broker coming back: this poll saw nothing, the next one tries again
            if (!e.toString().equals(lastError)) {
                lastError = e.toString();
                System.err.println("[chaos] group " + GROUP + " not described: " + lastError);
            }
        }
    }

    RebalanceTimeline timeline(long changeAtMs) {
        return RebalanceTimeline.of(List.copyOf(snapshots), changeAtMs);
    }

    /**
     * Waits, at most {@code maxWaitMs}, until the rebalance the change caused is over: the group whole again and no
     * further rebalance within {@link RebalanceTimeline#SAME_REBALANCE_GAP_MS}. Returns the timeline so far.
     */
    RebalanceTimeline awaitSettled(long changeAtMs, long maxWaitMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + maxWaitMs;
        while (true) {
            RebalanceTimeline timeline = timeline(changeAtMs);
            Optional<RebalanceTimeline.Rebalance> rebalance = timeline.ofChange();
            long now = System.currentTimeMillis();
            if (rebalance.isPresent() && rebalance.get().settled()
                    && now - rebalance.get().settledAtMs().getAsLong() >= RebalanceTimeline.SAME_REBALANCE_GAP_MS
                    || now >= deadline) {
                return timeline;
            }
            Thread.sleep(POLL_MS);
        }
    }

    @Override
    public void close() throws InterruptedException {
        poller.shutdownNow();
        poller.awaitTermination(5, TimeUnit.SECONDS);
        admin.close(Duration.ofSeconds(5));
    }
}
