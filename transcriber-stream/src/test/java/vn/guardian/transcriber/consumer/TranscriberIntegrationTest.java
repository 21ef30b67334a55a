package vn.guardian.transcriber.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static vn.guardian.testsupport.TestTopics.header;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.context.ConfigurableApplicationContext;
import vn.guardian.contracts.Topics;
import vn.guardian.contracts.audio.AudioChunk;
import vn.guardian.contracts.audio.AudioEvent;
import vn.guardian.contracts.serde.AudioEventSerde;
import vn.guardian.contracts.serde.EventSerdes;
import vn.guardian.contracts.transcriber.ModelReport;
import vn.guardian.contracts.transcript.SegmentIds;
import vn.guardian.contracts.transcript.CallClosed;
import vn.guardian.contracts.transcript.TranscriptEvent;
import vn.guardian.contracts.transcript.TranscriptSegment;
import vn.guardian.testsupport.TestKafka;
import vn.guardian.testsupport.TestTopics;
import vn.guardian.transcriber.Speech;
import vn.guardian.transcriber.TestCalls;
import vn.guardian.transcriber.TestModels;
import vn.guardian.transcriber.TranscriberApplication;
import vn.guardian.transcriber.calls.PartitionCalls;

/** The service as deployed: real broker with the product's topics, the real bundled model, audio in, segments out. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TranscriberIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static TestKafka kafka;
    private static TestTopics topics;
    private static ConfigurableApplicationContext app;
    private static KafkaProducer<String, AudioEvent> producer;

    @BeforeAll
    static void start() {
        kafka = TestKafka.start();
        app = startApp("it-a");
        topics = new TestTopics(kafka.bootstrapServers(), WAIT);
        producer = topics.producer(new AudioEventSerde());
    }

    static ConfigurableApplicationContext startApp(String instanceId, String... more) {
        // as arguments, like the standalone module: they win over transcriber-stream.yml
        List<String> args = new ArrayList<>(List.of(
                "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "--server.port=0",
                "--guardian.transcriber.workers=2",
                // a transaction per chunk: every poll's rest is fetched again, which must neither skip nor repeat audio
                "--guardian.transcriber.max-transaction-time=1ms",
                "--guardian.transcriber.instance-id=" + instanceId,
                // static members do not leave on close: the next replica gets the partitions after this timeout
                "--spring.kafka.consumer.properties.session.timeout.ms=6000",
                "--spring.kafka.consumer.properties.heartbeat.interval.ms=1000",
                "--guardian.transcriber.model-cache-dir=" + TestModels.CACHE_DIR));
        args.addAll(List.of(more));
        return TranscriberApplication.application().run(args.toArray(String[]::new));
    }

    @AfterAll
    static void stop() throws Exception {
        if (producer != null) {
            producer.close();
        }
        if (app != null) {
            app.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    @Order(1)
    void transcribesBothChannelsAndDeadLettersPoisonRecordsWithoutBlockingThePartition() throws Exception {
        // all on partition 0, so the poison chunk sits right before the good call in the same partition
        AudioChunk ghost = Speech.chunks(Speech.NEED_HELP, "ghost-call", 0, 0).get(0);
        send(0, ghost);
        try (KafkaProducer<String, byte[]> raw = topics.producer(new ByteArraySerializer())) {
            raw.send(new ProducerRecord<>(Topics.AUDIO, 0, "garbage-call", new byte[] {1, 2, 3})).get();
        }
        List<AudioEvent> call = TestCalls.call("call-it-1", Speech.TWO_UTTERANCES, Speech.NEED_HELP);
        for (AudioEvent event : call) {
            send(0, event);
        }
        producer.flush();

        List<ConsumerRecord<String, byte[]>> dead = topics.readUntil(Topics.DLQ,
                records -> records.stream().filter(r -> r.key() != null && r.key().endsWith("-call")).count() >= 2);
        assertThat(dead.stream().filter(r -> "garbage-call".equals(r.key())).findFirst().orElseThrow())
                .satisfies(r -> assertThat(header(r, Topics.DLQ_REASON_HEADER)).startsWith("undeserializable: "));
        ConsumerRecord<String, byte[]> ghostRecord = dead.stream().filter(r -> "ghost-call".equals(r.key()))
                .findFirst().orElseThrow();
        assertThat(header(ghostRecord, Topics.DLQ_REASON_HEADER)).startsWith("unknown-call: ");
        assertThat(header(ghostRecord, Topics.DLQ_SOURCE_TOPIC_HEADER)).isEqualTo(Topics.AUDIO);
        assertThat(header(ghostRecord, Topics.DLQ_SOURCE_PARTITION_HEADER)).isEqualTo("0");
        assertThat(header(ghostRecord, Topics.DLQ_SOURCE_OFFSET_HEADER)).isNotBlank();
        assertThat(ghostRecord.value()).isEqualTo(ghost.pcm());

        List<TranscriptSegment> segments = segments("call-it-1", 3);
        assertThat(segments).allSatisfy(segment -> {
            assertThat(segment.closingChunkIngestedAt()).isPositive();
            assertThat(segment.tenant()).isEqualTo("acme");
            assertThat(segment.language()).isEqualTo("en");
            assertThat(segment.startMs()).isGreaterThanOrEqualTo(0).isLessThan(segment.endMs());
        });
        List<TranscriptSegment> agent = segments.stream().filter(s -> s.channel() == 0).toList();
        List<TranscriptSegment> customer = segments.stream().filter(s -> s.channel() == 1).toList();
        assertThat(agent).extracting(TranscriptSegment::text)
                .containsExactly("good morning how are you today", "please tell me your account number");
        assertThat(agent).extracting(TranscriptSegment::channelRole).containsOnly("agent");
        assertThat(agent.get(0).segmentId()).isEqualTo(SegmentIds.of("call-it-1", 0, 0));
        assertThat(agent.get(1).endMs()).isLessThanOrEqualTo(Speech.durationMs(Speech.TWO_UTTERANCES));
        assertThat(customer).hasSize(1);
        assertThat(customer.get(0).channelRole()).isEqualTo("customer");
        assertThat(customer.get(0).segmentId()).isEqualTo(SegmentIds.of("call-it-1", 1, 0));
        assertThat(customer.get(0).text()).contains("need help with my bill");
        assertThat(customer.get(0).endMs()).isLessThanOrEqualTo(Speech.durationMs(Speech.NEED_HELP));

        int port = Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
        assertThat(get(port, "/actuator/health/readiness")).contains("\"UP\"");
        assertThat(get(port, "/actuator/prometheus"))
                .contains("guardian_transcriber_chunks_total", "guardian_transcriber_segments_total",
                        "guardian_transcriber_dlq_total{reason=\"unknown-call\"}",
                        "guardian_transcriber_recognizers_active", "guardian_transcriber_realtime_factor",
                        "guardian_transcriber_consumer_lag{partition=\"0\",topic=\"guardian.audio\"}",
                        "guardian_transcriber_chunk_processing_seconds", "guardian_transcriber_partitions_paused",
                        "guardian_transcriber_segment_latency_seconds{worker=\"worker-", "quantile=\"0.95\"}");
        List<ConsumerRecord<String, byte[]>> partials = topics.readUntil(Topics.PARTIAL_TRANSCRIPTS,
                records -> records.stream().anyMatch(r -> "call-it-1".equals(r.key())));
        assertThat(partials).filteredOn(r -> "call-it-1".equals(r.key())).allSatisfy(r -> assertThat(
                new String(r.value(), StandardCharsets.UTF_8)).contains("\"callId\":\"call-it-1\"", "\"text\":\""));

        CallClosed closed = closedAfterLastSegment("call-it-1");
        assertThat(closed.segmentsByChannel()).containsExactly(2L, 1L);
        assertThat(closed.reason()).isEqualTo("completed");
        assertThat(closed.tenant()).isEqualTo("acme");
        assertThat(closed.audioMs()).isEqualTo(Math.max(Speech.durationMs(Speech.TWO_UTTERANCES),
                Speech.durationMs(Speech.NEED_HELP)));
        assertThat(closed.deadLettered()).as("the ghost chunk belongs to another call").isEmpty();
    }

    @Test
    @Order(2)
    void aReplicaTakingOverMidCallReplaysTheOpenUtterancesAndEmitsEachSegmentOnce() throws Exception {
        List<AudioEvent> call = TestCalls.call("call-it-2", Speech.TWO_UTTERANCES, Speech.NEED_HELP);
        int firstHalf = 1 + 2 * 14; // CallStarted and 3.5 s of both channels: the agent's first utterance is done
        for (AudioEvent event : call.subList(0, firstHalf)) {
            send(1, event);
        }
        producer.flush();
        assertThat(segments("call-it-2", 1)).extracting(TranscriptSegment::text)
                .containsExactly("good morning how are you today");

        app.close(); // the replica goes away mid-call; the customer's utterance is still open
        app = startApp("it-b");
        for (AudioEvent event : call.subList(firstHalf, call.size())) {
            send(1, event);
        }
        producer.flush();

        List<TranscriptSegment> segments = segments("call-it-2", 3);
        assertThat(segments).extracting(TranscriptSegment::segmentId).doesNotHaveDuplicates();
        assertThat(segments).extracting(TranscriptSegment::text).containsExactlyInAnyOrder(
                "good morning how are you today", "please tell me your account number",
                segments.stream().filter(s -> s.channel() == 1).findFirst().orElseThrow().text());
        TranscriptSegment customer = segments.stream().filter(s -> s.channel() == 1).findFirst().orElseThrow();
        assertThat(customer.segmentId()).isEqualTo(SegmentIds.of("call-it-2", 1, 0));
        assertThat(customer.text()).contains("need help with my bill");
        assertThat(topics.readAll(Topics.DLQ)).noneMatch(r -> "call-it-2".equals(r.key()));
        // the takeover counted what the first replica had published before it went away
        assertThat(closedAfterLastSegment("call-it-2").segmentsByChannel()).containsExactly(2L, 1L);
    }

    @Test
    @Order(3)
    void aCallBeyondTheRecognizerBoundWaitsForAFreeRecognizerInsteadOfBeingDropped() throws Exception {
        app.close();
        app = startApp("it-c", "--guardian.transcriber.max-recognizers=2");
        List<AudioEvent> first = TestCalls.call("call-it-3a", Speech.TWO_UTTERANCES, Speech.NEED_HELP);
        List<AudioEvent> second = TestCalls.call("call-it-3b", Speech.NEED_HELP, Speech.TWO_UTTERANCES);
        int firstHalf = 1 + 2 * 14;
        first.subList(0, firstHalf).forEach(event -> send(0, event));
        producer.flush();
        assertThat(segments("call-it-3a", 1)).isNotEmpty(); // holds both recognizers now
        second.forEach(event -> send(2, event)); // another partition: it pauses until the first call ends
        producer.flush();
        Thread.sleep(2000);
        assertThat(topics.readAll(Topics.TRANSCRIPTS)).noneMatch(r -> "call-it-3b".equals(r.key()));

        first.subList(firstHalf, first.size()).forEach(event -> send(0, event));
        producer.flush();

        assertThat(segments("call-it-3b", 3)).extracting(TranscriptSegment::text)
                .contains("good morning how are you today", "please tell me your account number");
        assertThat(topics.readAll(Topics.DLQ)).noneMatch(r -> r.key() != null && r.key().startsWith("call-it-3"));
    }

    @Test
    @Order(4)
    void quietAudioMovesTheCommittedOffsetsAboutOnceASecondRatherThanInATransactionPerChunk() throws Exception {
        String callId = "call-it-4";
        int partition = 3;
        send(partition, TestCalls.started(callId, "en"));
        producer.flush();
        Thread.sleep(1500); // whatever the CallStarted left to commit is committed by now
        int port = Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
        long before = transactions(port);

        List<AudioChunk> silence = Speech.chunks(new byte[Speech.CHUNK_SAMPLES * 2 * 24], callId, 0, 0);
        long last = -1;
        for (AudioChunk chunk : silence) { // one at a time, as a live call sends them: each its own poll
            last = producer.send(new ProducerRecord<>(Topics.AUDIO, partition, callId, chunk)).get().offset();
            Thread.sleep(100);
        }

        // the commit's position: every record below it handled (the offset itself stays at the open utterance)
        TopicPartition audio = new TopicPartition(Topics.AUDIO, partition);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        long handled = -1;
        try (Admin admin = kafka.admin()) {
            while (System.nanoTime() < deadline && handled <= last) {
                Thread.sleep(100);
                OffsetAndMetadata committed = admin.listConsumerGroupOffsets("guardian-transcriber")
                        .partitionsToOffsetAndMetadata().get().get(audio);
                handled = committed == null ? -1 : PartitionCalls.parseMetadata(committed.metadata()).position();
            }
        }
        assertThat(handled).as("the committed position of %s after its last chunk at %d", audio, last)
                .isEqualTo(last + 1);
        assertThat(transactions(port) - before).as("transactions for %d silent chunks sent over %.1f s",
                silence.size(), silence.size() * 0.1).isBetween(1L, 8L);
    }

    @Test
    @Order(5)
    void aRunningReplicaReportsItsLanguagesAndWithdrawsTheReportWhenItStops() {
        String instance = app.getEnvironment().getProperty("guardian.transcriber.instance-id");
        var serde = EventSerdes.modelReport();

        ConsumerRecord<String, byte[]> report = last(topics.readUntil(Topics.TRANSCRIBER_MODELS,
                records -> last(records, instance) != null), instance);
        assertThat(report.value()).as("a report, not a tombstone").isNotNull();
        ModelReport published = serde.deserialize(Topics.TRANSCRIBER_MODELS, report.value());
        assertThat(published.instanceId()).isEqualTo(instance);
        assertThat(published.languages()).containsExactly("en");
        assertThat(published.reportedAt()).isPositive();

        app.close();

        assertThat(last(topics.readUntil(Topics.TRANSCRIBER_MODELS, records -> {
            ConsumerRecord<String, byte[]> latest = last(records, instance);
            return latest != null && latest.value() == null;
        }), instance).value()).as("the tombstone of " + instance).isNull();
    }

    /** The latest record of {@code key} among {@code records}, or null. */
    private static ConsumerRecord<String, byte[]> last(List<ConsumerRecord<String, byte[]>> records, String key) {
        ConsumerRecord<String, byte[]> latest = null;
        for (ConsumerRecord<String, byte[]> record : records) {
            if (key.equals(record.key())) {
                latest = record;
            }
        }
        return latest;
    }

    private static void send(int partition, AudioEvent event) {
        producer.send(new ProducerRecord<>(Topics.AUDIO, partition, event.callId(), event));
    }

    private static List<TranscriptSegment> segments(String callId, int expected) {
        return TestCalls.transcript(topics, callId,
                        all -> all.stream().filter(e -> e instanceof TranscriptSegment).count() >= expected)
                .stream().filter(e -> e instanceof TranscriptSegment).map(e -> (TranscriptSegment) e).toList();
    }

    /** The call's records once its CallClosed arrived; asserts it is the last of them and the only one. */
    private static CallClosed closedAfterLastSegment(String callId) {
        List<TranscriptEvent> events = TestCalls.transcript(topics, callId,
                all -> all.stream().anyMatch(e -> e instanceof CallClosed));
        assertThat(events).filteredOn(e -> e instanceof CallClosed).hasSize(1);
        assertThat(events.get(events.size() - 1)).isInstanceOf(CallClosed.class);
        return (CallClosed) events.get(events.size() - 1);
    }

    /** Transactions the replica committed or aborted so far, from its Prometheus endpoint. */
    private static long transactions(int port) throws Exception {
        Matcher count = Pattern.compile("(?m)^guardian_transcriber_transaction_seconds_count\\{[^}]*} ([0-9.E]+)$")
                .matcher(get(port, "/actuator/prometheus"));
        long total = 0;
        while (count.find()) {
            total += (long) Double.parseDouble(count.group(1));
        }
        return total;
    }

    private static String get(int port, String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.body();
    }
}
