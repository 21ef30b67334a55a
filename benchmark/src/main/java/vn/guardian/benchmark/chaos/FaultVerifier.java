package vn.guardian.benchmark.chaos;

import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import vn.guardian.benchmark.audio.SampleCall;
import vn.guardian.benchmark.pipeline.VerdictRows;
import vn.guardian.contracts.Topics;
import vn.guardian.contracts.serde.EventSerdes;
import vn.guardian.contracts.transcript.TranscriptEvent;
import vn.guardian.contracts.transcript.TranscriptSegment;
import vn.guardian.contracts.verdict.SegmentVerdict;

/**
 * Reads what the pipeline stored for one run's calls (PostgreSQL rows, and guardian.transcripts and
 * guardian.verdicts read_committed) and sets it against what the client sent and what Vosk alone yields.
 */
final class FaultVerifier {

    /** How long the calls of a run may take to close after the load stopped. */
    private static final long DRAIN_MS = 180_000;
    /** Rows whose closing chunk came this soon after the load started are left out of the baseline (warm-up). */
    private static final long BASELINE_SKIP_MS = 5_000;

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final String bootstrapServers;
    private final Map<String, Integer> expectedBySample;

    FaultVerifier(String jdbcUrl, String user, String password, String bootstrapServers,
                  Map<String, Integer> expectedBySample) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.bootstrapServers = bootstrapServers;
        this.expectedBySample = expectedBySample;
    }

    /** One call's registry row: closed (or failed) by the transcriber, and how much audio it transcribed. */
    private record Registry(String status, long audioMs) {
    }

    /**
     * Waits until every ended call is closed in the registry (at most {@link #DRAIN_MS}), then measures.
     *
     * @param loadStartMs when the callers began, faultAtMs when the fault was injected (or would have been)
     * @param group       the transcriber group's rebalances around the fault, or null when it was not watched
     * @param loadEndMs   when the callers were told to stop (the rebalance window's end if the group never settled)
     */
    FaultResult verify(Fault fault, String target, List<CallLoad.Call> calls, List<String> startFailures,
                       long loadStartMs, long faultAtMs, long faultDoneMs, long failovers, RebalanceTimeline group,
                       long loadEndMs) throws Exception {
        List<CallLoad.Call> ended = calls.stream().filter(call -> call.ended).toList();
        List<CallLoad.Call> abandoned = calls.stream().filter(call -> !call.ended).toList();
        Map<String, Registry> registry = awaitClosed(ended.stream().map(call -> call.callId).toList());

        int expected = 0;
        int pending = 0;
        int lost = 0;
        int extra = 0;
        int storedOnce = 0;
        long ackedNotTranscribed = 0;
        int notClosed = 0;
        List<VerdictRows.Row> rows;
        try (VerdictRows verdictRows = new VerdictRows(jdbcUrl, user, password)) {
            rows = verdictRows.ofCalls(calls.stream().map(call -> call.callId).toList());
        }
        Map<String, Long> rowsByCall = rows.stream().collect(Collectors.groupingBy(VerdictRows.Row::callId,
                Collectors.counting()));
        for (CallLoad.Call call : ended) {
            int wanted = expectedBySample.get(call.sample.name());
            int got = rowsByCall.getOrDefault(call.callId, 0L).intValue();
            expected += wanted;
            storedOnce += Math.min(wanted, got);
            extra += Math.max(0, got - wanted);
            Registry row = registry.get(call.callId);
            if (row == null || row.status().equals("live") || row.status().equals("ended")) {
                // not closed when the drain ran out: its missing utterances may still come (a backlog), or not
                pending += Math.max(0, wanted - got);
                notClosed++;
                ackedNotTranscribed += call.chunksAcknowledged.get();
            } else {
                lost += Math.max(0, wanted - got);
                long transcribedChunks = (row.audioMs() + SampleCall.CHUNK_MS - 1) / SampleCall.CHUNK_MS;
                ackedNotTranscribed += Math.max(0, call.chunksAcknowledged.get() - transcribedChunks);
            }
        }
        Set<String> callIds = calls.stream().map(call -> call.callId).collect(Collectors.toSet());
        int doubledTranscripts = doubled(Topics.TRANSCRIPTS, callIds, (record, ids) -> {
            TranscriptEvent event = EventSerdes.transcripts().deserialize(record.topic(), record.headers(), record.value());
            if (event instanceof TranscriptSegment segment) {
                ids.add(segment.segmentId());
            }
        });
        int doubledVerdicts = doubled(Topics.VERDICTS, callIds, (record, ids) -> {
            SegmentVerdict verdict = EventSerdes.segmentVerdict().deserializer().deserialize(record.topic(), record.value());
            ids.add(verdict.segmentId());
        });

        FaultLatency latency = FaultLatency.of(rows, loadStartMs + BASELINE_SKIP_MS, faultAtMs,
                faultAtMs + fault.downMs());
        long abandonedChunks = abandoned.stream().mapToLong(call -> call.chunksAcknowledged.get()).sum();
        return new FaultResult(fault.id(), target, ended.size(), abandoned.size(), startFailures.size(),
                abandoned.stream().map(call -> call.abandoned).distinct().limit(3).toList(), abandonedChunks,
                expected, storedOnce, lost, pending, extra, doubledTranscripts, doubledVerdicts, ackedNotTranscribed,
                notClosed, latency.baselineP50Ms(), latency.baselineP95Ms(), latency.baselineP99Ms(),
                latency.maxAfterMs(), latency.addedDelayMs(), latency.addedWhileDownMs(), latency.addedOnReturnMs(),
                latency.recoveryMs(), faultDoneMs - faultAtMs, failovers,
                group == null ? null : RebalanceCost.of(group, rows, loadEndMs));
    }

    private Map<String, Registry> awaitClosed(Collection<String> callIds) throws Exception {
        long deadline = System.currentTimeMillis() + DRAIN_MS;
        Map<String, Registry> rows = Map.of();
        try (Connection connection = DriverManager.getConnection(jdbcUrl, user, password)) {
            while (System.currentTimeMillis() < deadline) {
                Map<String, Registry> read = registry(connection, callIds);
                rows = read;
                long open = callIds.stream().filter(id -> !read.containsKey(id)
                        || read.get(id).status().equals("live") || read.get(id).status().equals("ended")).count();
                if (open == 0) {
                    break;
                }
                Thread.sleep(1000);
            }
        } catch (SQLException e) {
            // PostgreSQL still coming back: what was read so far stands, and the open calls count as not closed
            System.err.println("[chaos] could not read the calls registry: " + e.getMessage());
        }
        // the last verdict rows of a closed call are committed with or just after its CallClosed
        Thread.sleep(2000);
        return rows;
    }

    private static Map<String, Registry> registry(Connection connection, Collection<String> callIds) throws SQLException {
        Map<String, Registry> rows = new HashMap<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT call_id, status, audio_ms FROM calls WHERE call_id = ANY(?)")) {
            Array ids = connection.createArrayOf("text", callIds.toArray());
            query.setArray(1, ids);
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    rows.put(result.getString(1), new Registry(result.getString(2), result.getLong(3)));
                }
            }
        }
        return rows;
    }

    /** Segment ids of these calls that appear more than once among the committed records of {@code topic}. */
    private int doubled(String topic, Set<String> callIds,
                        BiConsumer<ConsumerRecord<String, byte[]>, List<String>> segmentIds) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        Map<String, Integer> seen = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // read_committed: the end offsets are the last stable offsets, so this reads every committed record
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.currentTimeMillis() + 120_000;
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))
                    && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.value() != null && callIds.contains(record.key())) {
                        List<String> ids = new ArrayList<>(1);
                        segmentIds.accept(record, ids);
                        ids.forEach(id -> seen.merge(id, 1, Integer::sum));
                    }
                }
            }
        }
        return seen.values().stream().mapToInt(count -> count - 1).sum();
    }
}
