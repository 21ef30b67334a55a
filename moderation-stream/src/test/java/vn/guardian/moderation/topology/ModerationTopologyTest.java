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
import java.util.Properties;
import org.apache.kafka.common.header.Header;
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
import vn.guardian.contracts.transcript.TranscriptSegment;
import vn.guardian.contracts.verdict.Action;
import vn.guardian.contracts.verdict.Category;
import vn.guardian.contracts.verdict.CategoryScore;
import vn.guardian.contracts.verdict.SegmentVerdict;
import vn.guardian.contracts.verdict.Span;
import vn.guardian.moderation.Segments;
import vn.guardian.moderation.lexicon.Lexicons;
import vn.guardian.moderation.lexicon.SegmentClassifier;
import vn.guardian.moderation.lexicon.Thresholds;

class ModerationTopologyTest {

    private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");

    @TempDir
    Path stateDir;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private TopologyTestDriver driver;
    private TestInputTopic<String, TranscriptSegment> transcripts;
    private TestInputTopic<String, byte[]> rawTranscripts;
    private TestOutputTopic<String, SegmentVerdict> verdicts;
    private TestOutputTopic<byte[], byte[]> deadLetters;

    @BeforeEach
    void start() {
        SegmentClassifier classifier = new SegmentClassifier(Lexicons.bundled(), new Thresholds(0.5, 0.9));
        Properties config = ModerationTopology.streamsConfig("moderation-test", "unused:9092", stateDir.toString(), 1);
        driver = new TopologyTestDriver(ModerationTopology.buildTopology(classifier, Clock.fixed(NOW, ZoneOffset.UTC),
                Duration.ofHours(1), new ModerationMetrics(registry)), config);
        transcripts = driver.createInputTopic(Topics.TRANSCRIPTS, new StringSerializer(),
                EventSerdes.transcript().serializer());
        rawTranscripts = driver.createInputTopic(Topics.TRANSCRIPTS, new StringSerializer(), new ByteArraySerializer());
        verdicts = driver.createOutputTopic(Topics.VERDICTS, EventSerdes.callId().deserializer(),
                EventSerdes.segmentVerdict().deserializer());
        deadLetters = driver.createOutputTopic(Topics.DLQ, new ByteArrayDeserializer(), new ByteArrayDeserializer());
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
    void configSetsExactlyOnceAndAShortCommitInterval() throws Exception {
        Properties config = ModerationTopology.streamsConfig("a", "b:9092", Files.createTempDirectory("s").toString(), 3);
        assertThat(config).containsEntry("processing.guarantee", "exactly_once_v2")
                .containsEntry("replication.factor", 3).containsEntry("commit.interval.ms", 100L);
    }
}
