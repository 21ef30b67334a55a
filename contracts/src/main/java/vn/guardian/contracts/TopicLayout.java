package vn.guardian.contracts;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates the product's topics with their partition counts and retention; the one place that knows them. */
public final class TopicLayout {

    private TopicLayout() {
    }

    /** The topics to create, for a cluster with {@code replication} brokers and {@code partitions} per topic. */
    public static List<NewTopic> topics(int partitions, short replication) {
        Map<String, String> common = replication > 1
                // with three brokers a write survives one broker's loss
                ? Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2")
                : Map.of();
        return List.of(
                topic(Topics.AUDIO, partitions, replication, common, Map.of(
                        // raw audio is large and replayable from the feed: keep one day
                        TopicConfig.RETENTION_MS_CONFIG, Long.toString(TimeUnit.DAYS.toMillis(1)))),
                topic(Topics.TRANSCRIPTS, partitions, replication, common, Map.of(
                        TopicConfig.RETENTION_MS_CONFIG, Long.toString(TimeUnit.DAYS.toMillis(7)))),
                topic(Topics.PARTIAL_TRANSCRIPTS, partitions, replication, common, Map.of(
                        // live-view hints only; nobody replays them
                        TopicConfig.RETENTION_MS_CONFIG, Long.toString(TimeUnit.HOURS.toMillis(1)))),
                topic(Topics.VERDICTS, partitions, replication, common, Map.of(
                        TopicConfig.RETENTION_MS_CONFIG, Long.toString(TimeUnit.DAYS.toMillis(30)))),
                topic(Topics.CALL_VERDICTS, partitions, replication, common, Map.of(
                        // the latest verdict per call is the state analysts read
                        TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)),
                topic(Topics.DLQ, 1, replication, common, Map.of(
                        TopicConfig.RETENTION_MS_CONFIG, Long.toString(TimeUnit.DAYS.toMillis(30)))),
                topic(Topics.TRANSCRIBER_MODELS, 1, replication, common, Map.of(
                        // one small record per replica, read whole by every ingest at start
                        TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)),
                topic(Topics.LIVE_CALLS, partitions, replication, common, Map.of(
                        // only each live call's latest state matters; every ingest reads it whole at start
                        TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
    }

    /** Creates every missing topic and waits until the cluster confirms them. */
    public static void createMissing(Admin admin, int partitions, short replication)
            throws InterruptedException, ExecutionException, TimeoutException {
        Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
        List<NewTopic> missing = topics(partitions, replication).stream()
                .filter(topic -> !existing.contains(topic.name()))
                .toList();
        if (missing.isEmpty()) {
            return;
        }
        for (var created : admin.createTopics(missing).values().entrySet()) {
            try {
                created.getValue().get(60, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                // a topic created moments ago may be missing from the listing; what matters is that it exists
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
    }

    private static NewTopic topic(String name, int partitions, short replication, Map<String, String> common,
                                  Map<String, String> own) {
        var configs = new java.util.HashMap<>(common);
        configs.putAll(own);
        return new NewTopic(name, partitions, replication).configs(configs);
    }
}
