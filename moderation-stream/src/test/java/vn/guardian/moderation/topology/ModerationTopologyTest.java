package vn.guardian.moderation.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.Properties;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.guardian.contracts.Topics;
import vn.guardian.contracts.serde.EventSerdes;
import vn.guardian.contracts.serde.TranscriptEventSerde;
import vn.guardian.contracts.transcript.CallClosed;
import vn.guardian.contracts.transcript.TranscriptEvent;
import vn.guardian.contracts.transcript.TranscriptSegment;
import vn.guardian.contracts.verdict.Action;
import vn.guardian.contracts.verdict.CallVerdict;
import vn.guardian.contracts.verdict.Category;
import vn.guardian.contracts.verdict.CategoryScore;
import vn.guardian.contracts.verdict.Escalation;
import vn.guardian.contracts.verdict.SegmentVerdict;
import vn.guardian.contracts.verdict.Severity;
import vn.guardian.contracts.verdict.Span;
import vn.guardian.moderation.Segments;
import vn.guardian.moderation.calls.CallAggregator;
import vn.guardian.moderation.calls.EscalationRules;
import vn.guardian.moderation.classifier.Judges;
import vn.guardian.moderation.classifier.SegmentClassifier;
import vn.guardian.moderation.classifier.Thresholds;
import vn.guardian.moderation.lexicon.Lexicons;
import vn.guardian.moderation.model.ToxicityModels;

class ModerationTopologyTest {

    private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");

    @TempDir
    Path stateDir;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private TopologyTestDriver driver;
    private TestInputTopic<String, TranscriptEvent> transcripts;
    private TestInputTopic<String, byte[]> rawTranscripts;
    private TestOutputTopic<String, SegmentVerdict> verdicts;
    private TestOutputTopic<byte[], byte[]> deadLetters;
    private TestOutputTopic<String, CallVerdict> callVerdicts;

    @BeforeEach
    void start() {
        SegmentClassifier classifier = new SegmentClassifier(Lexicons.bundled(), ToxicityModels.bundled(),
                Judges.COMBINED, new Thresholds(0.5, 0.9), Map.of());
        Properties config = ModerationTopology.streamsConfig(Map.of("bootstrap.servers", "unused:9092"),
                "moderation-test", stateDir.toString(), 1);
        driver = new TopologyTestDriver(ModerationTopology.buildTopology(classifier,
                new CallAggregator(EscalationRules.defaults()), Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofHours(1),
                Duration.ofHours(6), new ModerationMetrics(registry)), config);
        transcripts = driver.createInputTopic(Topics.TRANSCRIPTS, new StringSerializer(),
                EventSerdes.transcripts().serializer());
        rawTranscripts = driver.createInputTopic(Topics.TRANSCRIPTS, new StringSerializer(), new ByteArraySerializer());
        verdicts = driver.createOutputTopic(Topics.VERDICTS, EventSerdes.callId().deserializer(),
                EventSerdes.segmentVerdict().deserializer());
        deadLetters = driver.createOutputTopic(Topics.DLQ, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        callVerdicts = driver.createOutputTopic(Topics.CALL_VERDICTS, EventSerdes.callId().deserializer(),
                EventSerdes.callVerdict().deserializer());
    }

    @AfterEach
    void close() {
        driver.close();
    }

    @Test
    void abusiveEnglishSegmentIsEscalatedWithSpansOnTheWords() {
        TranscriptSegment segment = Segments.segment("call-1", 1000, "en", "you are an idiot i will kill you");
        transcripts.pipeInput("call-1", segment);

        TestRecord<String, SegmentVerdict> out = verdicts.readRecord();
        SegmentVerdict verdict = out.value();
        assertThat(out.key()).isEqualTo("call-1");
        assertThat(verdict.segmentId()).isEqualTo(segment.segmentId());
        assertThat(verdict.action()).isIn(Action.FLAG, Action.ESCALATE);
        assertThat(verdict.decidedAt()).isEqualTo(NOW.toEpochMilli());
        assertThat(verdict.closingChunkIngestedAt()).isEqualTo(segment.closingChunkIngestedAt());
        assertThat(verdict.categories()).extracting(CategoryScore::category)
                .containsExactlyInAnyOrder(Category.INSULT, Category.VIOLENCE_OR_THREAT);
        List<String> said = verdict.categories().stream().flatMap(c -> c.spans().stream())
                .map((Span s) -> segment.text().substring(s.start(), s.end())).toList();
        assertThat(said).containsExactlyInAnyOrder("idiot", "kill");
        assertThat(verdicts.isEmpty()).isTrue();
    }

    @Test
    void cleanSegmentIsAllowed() {
        transcripts.pipeInput("call-2", Segments.segment("call-2", 0, "en", "please kill the process and restart"));

        SegmentVerdict verdict = verdicts.readValue();
        assertThat(verdict.action()).isEqualTo(Action.ALLOW);
        assertThat(verdict.categories()).isEmpty();
        assertThat(registry.counter("guardian.verdicts", "action", "ALLOW").count()).isEqualTo(1);
    }

    @Test
    void repeatedSegmentIdIsDecidedOnce() {
        TranscriptSegment segment = Segments.segment("call-3", 5000, "vi", "mày ngu quá");
        transcripts.pipeInput("call-3", segment, NOW);
        transcripts.pipeInput("call-3", segment, NOW.plusSeconds(30));
        transcripts.pipeInput("call-3", Segments.segment("call-3", 9000, "vi", "cảm ơn anh"), NOW.plusSeconds(31));

        List<SegmentVerdict> out = verdicts.readValuesToList();
        assertThat(out).extracting(SegmentVerdict::segmentId).doesNotHaveDuplicates().hasSize(2);
        assertThat(out.get(0).action()).isEqualTo(Action.FLAG);
        assertThat(registry.counter("guardian.transcripts.duplicates").count()).isEqualTo(1);
    }

    @Test
    void garbageGoesToTheDeadLetterTopicAndTheNextRecordIsStillDecided() {
        byte[] garbage = "{not json".getBytes(StandardCharsets.UTF_8);
        rawTranscripts.pipeInput("call-4", garbage);
        transcripts.pipeInput("call-4", Segments.segment("call-4", 0, "en", "fuck off"));

        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(dead.value()).isEqualTo(garbage);
        assertThat(new String(dead.key(), StandardCharsets.UTF_8)).isEqualTo("call-4");
        assertThat(header(dead, Topics.DLQ_REASON_HEADER)).contains("TranscriptSegment");
        assertThat(header(dead, Topics.DLQ_SOURCE_TOPIC_HEADER)).isEqualTo(Topics.TRANSCRIPTS);
        assertThat(header(dead, Topics.DLQ_SOURCE_OFFSET_HEADER)).isEqualTo("0");
        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(verdicts.readValue().action()).isEqualTo(Action.FLAG);
        assertThat(registry.counter("guardian.dlq", "service", "moderation-stream").count()).isEqualTo(1);
    }

    @Test
    void segmentWithoutIdIsADeadLetterNotAVerdict() {
        TranscriptSegment noId = new TranscriptSegment(null, "call-5", "t", 0, "agent", 0, 1, "hello", List.of(),
                "en", 1, 2);
        transcripts.pipeInput("call-5", noId);

        assertThat(header(deadLetters.readRecord(), Topics.DLQ_REASON_HEADER)).contains("segmentId");
        assertThat(verdicts.isEmpty()).isTrue();
    }

    private static String header(TestRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        assertThat(header).as("header " + name).isNotNull();
        return new String(header.value(), StandardCharsets.UTF_8);
    }

    @Test
    void configSetsExactlyOnceAndCommitsSoonAfterAVerdictEvenWhenTheStreamIsQuiet() throws Exception {
        Map<String, Object> fromSpringKafka = Map.of("bootstrap.servers", "b:9092", "security.protocol", "SSL");
        Properties config = ModerationTopology.streamsConfig(fromSpringKafka, "a",
                Files.createTempDirectory("s").toString(), 3);
        assertThat(config).containsEntry("processing.guarantee", "exactly_once_v2")
                .containsEntry("replication.factor", 3).containsEntry("commit.interval.ms", 0L)
                .containsEntry("poll.ms", 10L).containsEntry("producer.linger.ms", 0)
                .containsEntry("producer.retry.backoff.ms", 10)
                .containsEntry("security.protocol", "SSL").containsEntry("bootstrap.servers", "b:9092")
                .doesNotContainKey("max.task.idle.ms");
    }

    @Test
    void configMovesACrashedInstancesTasksWithinSecondsToAWarmStandbyUnlessTheOperatorSaysOtherwise() throws Exception {
        Properties config = ModerationTopology.streamsConfig(Map.of("bootstrap.servers", "b:9092"), "a",
                Files.createTempDirectory("s").toString(), 3);
        assertThat(config).containsEntry("num.standby.replicas", 1)
                .containsEntry("main.consumer.session.timeout.ms", 6_000)
                .containsEntry("main.consumer.heartbeat.interval.ms", 1_500)
                .containsEntry("producer.transaction.timeout.ms", 5_000);

        Properties operators = ModerationTopology.streamsConfig(Map.of("bootstrap.servers", "b:9092",
                "num.standby.replicas", 0, "main.consumer.session.timeout.ms", 45_000), "a",
                Files.createTempDirectory("s").toString(), 3);
        assertThat(operators).containsEntry("num.standby.replicas", 0)
                .containsEntry("main.consumer.session.timeout.ms", 45_000);
    }

    @Test
    void callVerdictCountsSegmentsPerCategoryAndRiskGrowsOnlyWithFlaggedSegments() {
        transcripts.pipeInput("call-6", Segments.segment("call-6", 0, "en", "fuck off"));
        transcripts.pipeInput("call-6", Segments.segment("call-6", 3000, "en", "thanks for your help"));
        transcripts.pipeInput("call-6", Segments.segment("call-6", 6000, "en", "you idiot you stupid moron"));

        List<SegmentVerdict> segments = verdicts.readValuesToList();
        List<CallVerdict> calls = callVerdicts.readValuesToList();
        assertThat(calls).hasSize(3).allMatch(c -> c.callId().equals("call-6") && c.tenant().equals("tenant-a")
                && c.open());
        Map<Category, Long> expected = segments.stream().flatMap(v -> v.categories().stream())
                .collect(Collectors.groupingBy(CategoryScore::category, Collectors.counting()));
        CallVerdict last = calls.get(2);
        assertThat(expected).containsKeys(Category.HARASSMENT_OR_ABUSE, Category.INSULT);
        assertThat(last.countsByCategory()).isEqualTo(expected);
        assertThat(last.segments()).isEqualTo(3);
        assertThat(last.maxSeverity()).isEqualTo(segments.stream().map(SegmentVerdict::severity)
                .reduce(Severity.NONE, Severity::max));
        assertThat(calls.get(0).riskScore()).isGreaterThan(0);
        assertThat(calls.get(1).riskScore()).as("a clean segment adds no risk").isEqualTo(calls.get(0).riskScore());
        assertThat(last.riskScore()).isGreaterThan(calls.get(1).riskScore()).isLessThan(1);
        assertThat(last.updatedAt()).isEqualTo(NOW.toEpochMilli());
    }

    @Test
    void threeInsultsWithinFiveMinutesOfAudioEscalateTheCall() {
        for (long minute : new long[] {0, 1, 2}) {
            transcripts.pipeInput("call-7", Segments.segment("call-7", minute * 60_000, "en", "you idiot"));
        }
        for (long minute : new long[] {0, 3, 6}) {
            transcripts.pipeInput("call-8", Segments.segment("call-8", minute * 60_000, "en", "you idiot"));
        }

        assertThat(verdicts.readValuesToList()).extracting(SegmentVerdict::action).containsOnly(Action.FLAG);
        var calls = callVerdicts.readKeyValuesToList();
        Map<String, List<Action>> actions = calls.stream().collect(Collectors.groupingBy(
                kv -> kv.key, Collectors.mapping(kv -> kv.value.action(), Collectors.toList())));
        assertThat(actions.get("call-7")).containsExactly(Action.FLAG, Action.FLAG, Action.ESCALATE);
        Escalation why = calls.stream().filter(kv -> kv.key.equals("call-7")).reduce((a, b) -> b).orElseThrow()
                .value.escalation();
        assertThat(why.rule()).isEqualTo(Escalation.REPEAT);
        assertThat(why.segmentIds()).containsExactly(Segments.segment("call-7", 0, "en", "x").segmentId(),
                Segments.segment("call-7", 60_000, "en", "x").segmentId(),
                Segments.segment("call-7", 120_000, "en", "x").segmentId());
        assertThat(why.detail()).contains("3 flagged", "INSULT", "PT5M");
        assertThat(actions.get("call-8")).as("spread over six minutes").containsExactly(Action.FLAG, Action.FLAG,
                Action.FLAG);
    }

    @Test
    void oneFlaggedThreatEscalatesTheCallThoughTheSegmentIsOnlyFlagged() {
        TranscriptSegment threat = Segments.segment("call-9", 0, "en", "i am going to punch you");
        transcripts.pipeInput("call-9", threat);

        assertThat(verdicts.readValue().action()).isEqualTo(Action.FLAG);
        CallVerdict call = callVerdicts.readValue();
        assertThat(call.action()).isEqualTo(Action.ESCALATE);
        assertThat(call.countsByCategory()).containsEntry(Category.VIOLENCE_OR_THREAT, 1L);
        assertThat(call.escalation().rule()).isEqualTo(Escalation.ESCALATE_ON);
        assertThat(call.escalation().segmentIds()).containsExactly(threat.segmentId());
        assertThat(call.escalation().detail()).contains("VIOLENCE_OR_THREAT");
    }

    @Test
    void callClosedAfterTheLastSegmentClosesTheCall() {
        transcripts.pipeInput("call-10", Segments.segment("call-10", 0, "en", "you idiot"));
        transcripts.pipeInput("call-10", closed("call-10", "tenant-a", "completed"));
        transcripts.pipeInput("call-11", closed("call-11", "tenant-b", "idle-timeout"));
        transcripts.pipeInput("call-10", closed("call-10", "tenant-a", "completed"));

        List<CallVerdict> calls = callVerdicts.readValuesToList();
        assertThat(calls).extracting(CallVerdict::callId).containsExactly("call-10", "call-10", "call-11", "call-10");
        assertThat(calls.get(0).open()).isTrue();
        CallVerdict closed = calls.get(1);
        assertThat(closed.open()).isFalse();
        assertThat(closed.closeReason()).isEqualTo("completed");
        assertThat(closed.segments()).isEqualTo(1);
        assertThat(closed.action()).isEqualTo(Action.FLAG);
        assertThat(closed.escalation()).isNull();
        assertThat(calls.get(2)).as("a call without segments still closes")
                .extracting(CallVerdict::tenant, CallVerdict::segments, CallVerdict::open, CallVerdict::closeReason)
                .containsExactly("tenant-b", 0L, false, "idle-timeout");
        assertThat(calls.get(3)).as("a repeated CallClosed changes nothing").isEqualTo(closed);
        assertThat(verdicts.readValuesToList()).hasSize(1);
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void unreadableCallClosedIsADeadLetter() {
        RecordHeaders headers = new RecordHeaders();
        headers.add(TranscriptEventSerde.EVENT_HEADER, "CallClosed".getBytes(StandardCharsets.UTF_8));
        rawTranscripts.pipeInput(new TestRecord<>("call-12", "{broken".getBytes(StandardCharsets.UTF_8), headers, NOW));

        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(header(dead, Topics.DLQ_REASON_HEADER)).contains("CallClosed");
        assertThat(header(dead, Topics.DLQ_SOURCE_TOPIC_HEADER)).isEqualTo(Topics.TRANSCRIPTS);
        assertThat(header(dead, Topics.DLQ_SERVICE_HEADER)).isEqualTo("moderation-stream");
        assertThat(callVerdicts.isEmpty()).isTrue();
    }

    private static CallClosed closed(String callId, String tenant, String reason) {
        return new CallClosed(callId, tenant, reason, 7000, List.of(1L), Map.of(), NOW.toEpochMilli(), NOW.toEpochMilli());
    }
}
