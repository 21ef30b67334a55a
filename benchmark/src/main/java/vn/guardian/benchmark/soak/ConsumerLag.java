package vn.guardian.benchmark.soak;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * Records behind per consumer group: for every partition the group committed, the last stable offset
 * ({@code read_committed} end, the most a transactional reader can reach) minus the committed offset, summed.
 * The transcriber commits the first chunk of its oldest open utterance, so its lag includes the chunks of the
 * utterances in progress and stays above zero under load.
 */
final class ConsumerLag implements AutoCloseable {

    /** The pipeline's groups: transcriber, moderation's Streams app, the PostgreSQL sink, the call registry. */
    static final List<String> GROUPS = List.of("guardian-transcriber", "guardian-moderation", "guardian-verdict-sink",
            "guardian-call-registry");

    private final Admin admin;

    ConsumerLag(String bootstrapServers) {
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.CLIENT_ID_CONFIG, "bench-soak-lag"));
    }

    /** Lag in records by group; -1 for a group that could not be read (it is named in the log). */
    Map<String, Long> byGroup() {
        Map<String, Long> lag = new LinkedHashMap<>();
        for (String group : GROUPS) {
            try {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                committed.keySet().forEach(partition -> latest.put(partition, OffsetSpec.latest()));
                var ends = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                        .all().get(10, TimeUnit.SECONDS);
                long behind = 0;
                for (Map.Entry<TopicPartition, OffsetAndMetadata> entry : committed.entrySet()) {
                    if (entry.getValue() != null && ends.containsKey(entry.getKey())) {
                        behind += Math.max(0, ends.get(entry.getKey()).offset() - entry.getValue().offset());
                    }
                }
                lag.put(group, behind);
            } catch (Exception e) {
                System.err.println("[soak] lag of group " + group + " not read: " + e);
                lag.put(group, -1L);
            } 
        }
        return lag;
    }

    @Override
    public void close() {
        admin.close();
    }
}
