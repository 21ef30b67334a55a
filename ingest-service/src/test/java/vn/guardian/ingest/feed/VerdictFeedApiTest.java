package vn.guardian.ingest.feed;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.WebTestClient;
import vn.guardian.contracts.Topics;
import vn.guardian.contracts.serde.EventSerdes;
import vn.guardian.contracts.serde.Json;
import vn.guardian.contracts.verdict.Action;
import vn.guardian.contracts.verdict.CallVerdict;
import vn.guardian.contracts.verdict.Category;
import vn.guardian.contracts.verdict.CategoryScore;
import vn.guardian.contracts.verdict.ScoreSource;
import vn.guardian.contracts.verdict.SegmentVerdict;
import vn.guardian.contracts.verdict.Severity;
import vn.guardian.ingest.RunningIngest;
import vn.guardian.testsupport.TestKafka;

/**
 * The live verdict feed against a real broker: verdicts published the way moderation-stream publishes them (in
 * Kafka transactions) reach the tenant's stream, filtered, and a client that reconnects with the id of the last
 * event it got resumes exactly after it.
 */
class VerdictFeedApiTest {

    private static final String ACME = RunningIngest.TENANT;
    private static final String GLOBEX = RunningIngest.OTHER_TENANT;
    private static final Duration QUIET = Duration.ofSeconds(1);
    private static final int MAX_STREAMS = 3;

    private static RunningIngest ingest;
    private static WebTestClient http;
    private static KafkaProducer<String, byte[]> moderation;

    @BeforeAll
    static void start() throws Exception {
        ingest = RunningIngest.withKafka(Map.of("guardian.ingest.feed.heartbeat", "200ms",
                "guardian.ingest.feed.max-streams-per-tenant", MAX_STREAMS));
        http = ingest.streamClient();
        moderation = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                ingest.kafkaBootstrapServers(), ProducerConfig.TRANSACTIONAL_ID_CONFIG, "feed-test-moderation"),
                new StringSerializer(), new ByteArraySerializer());
        moderation.initTransactions();
    }

    @AfterAll
    static void stop() {
        if (moderation != null) {
            moderation.close();
        }
        if (ingest != null) {
            ingest.close();
        }
    }

    @Test
    void aTenantSeesOnlyItsOwnVerdictsAndOnlyWhatItsFiltersLetThrough() throws Exception {
        String call = "iso-" + UUID.randomUUID();
        String other = "iso-other-" + UUID.randomUUID();
        SegmentVerdict insultVi = segment(ACME, call, 1, Action.FLAG, Category.INSULT, "vi");
        SegmentVerdict cleanVi = segment(ACME, call, 2, Action.ALLOW, null, "vi");
        SegmentVerdict insultEn = segment(ACME, call, 3, Action.ESCALATE, Category.INSULT, "en");
        SegmentVerdict threatVi = segment(ACME, call, 4, Action.ESCALATE, Category.VIOLENCE_OR_THREAT, "vi");
        SegmentVerdict otherCallInsult = segment(ACME, other, 1, Action.ESCALATE, Category.INSULT, "vi");
        CallVerdict callFlagged = call(ACME, call, Action.FLAG, Category.INSULT, true);
        CallVerdict otherCallClean = call(ACME, other, Action.ALLOW, null, false);
        SegmentVerdict globexInsult = segment(GLOBEX, "iso-globex-" + UUID.randomUUID(), 1, Action.FLAG,
                Category.INSULT, "vi");
        CallVerdict globexCall = call(GLOBEX, globexInsult.callId(), Action.FLAG, Category.INSULT, true);
        SegmentVerdict aborted = segment(ACME, call, 9, Action.ESCALATE, Category.INSULT, "vi");

        try (FeedStream everything = FeedStream.open(http, RunningIngest.API_KEY, "", null);
             FeedStream insultsInVietnamese = FeedStream.open(http, RunningIngest.API_KEY,
                     "?action=FLAG,ESCALATE&category=INSULT&language=vi", null);
             FeedStream oneCall = FeedStream.open(http, RunningIngest.API_KEY, "?callId=" + call + "&action=flag",
                     null)) {
            publish(insultVi, cleanVi, insultEn, threatVi, otherCallInsult, callFlagged, otherCallClean,
                    globexInsult, globexCall);
            publishAborted(aborted);

            assertThat(summaries(everything.next(7))).containsExactlyInAnyOrder(
                    "segment " + insultVi.segmentId(), "segment " + cleanVi.segmentId(),
                    "segment " + insultEn.segmentId(), "segment " + threatVi.segmentId(),
                    "segment " + otherCallInsult.segmentId(), "call " + call, "call " + other);
            everything.expectNoMoreEventsWithin(QUIET);
            // call events have no language: they pass the language filter
            assertThat(summaries(insultsInVietnamese.next(3))).containsExactlyInAnyOrder(
                    "segment " + insultVi.segmentId(), "segment " + otherCallInsult.segmentId(), "call " + call);
            insultsInVietnamese.expectNoMoreEventsWithin(QUIET);
            assertThat(summaries(oneCall.next(2))).containsExactlyInAnyOrder(
                    "segment " + insultVi.segmentId(), "call " + call);
            oneCall.expectNoMoreEventsWithin(QUIET);
        }
    }

    @Test
    void eventsCarryTheJsonAsOnTheTopic() throws Exception {
        SegmentVerdict verdict = segment(ACME, "json-" + UUID.randomUUID(), 1, Action.FLAG, Category.INSULT, "vi");
        CallVerdict callVerdict = call(ACME, verdict.callId(), Action.FLAG, Category.INSULT, false);
        try (FeedStream stream = FeedStream.open(http, RunningIngest.API_KEY, "?callId=" + verdict.callId(), null)) {
            publish(verdict);
            publish(callVerdict);

            List<ServerSentEvent<String>> events = stream.next(2);
            assertThat(events.get(0).event()).isEqualTo("segment");
            assertThat(events.get(0).data()).isEqualTo(new String(EventSerdes.segmentVerdict()
                    .serialize(Topics.VERDICTS, verdict), StandardCharsets.UTF_8));
            assertThat(Json.MAPPER.readValue(events.get(0).data(), SegmentVerdict.class)).isEqualTo(verdict);
            assertThat(events.get(1).event()).isEqualTo("call");
            assertThat(Json.MAPPER.readValue(events.get(1).data(), CallVerdict.class)).isEqualTo(callVerdict);
            assertThat(events).allSatisfy(event -> assertThat(event.id()).isNotBlank().matches("[A-Za-z0-9_-]+"));
        }
    }

    @Test
    void aClientThatReconnectsWithTheLastEventIdGetsEveryVerdictExactlyOnce() throws Exception {
        List<String> calls = List.of("resume-a-" + UUID.randomUUID(), "resume-b-" + UUID.randomUUID(),
                "resume-c-" + UUID.randomUUID(), "resume-d-" + UUID.randomUUID());
        List<SegmentVerdict> before = verdicts(calls, 0, 12);
        List<SegmentVerdict> after = verdicts(calls, 12, 12);
        List<String> published = Stream.concat(before.stream(), after.stream()).map(SegmentVerdict::segmentId).toList();

        List<ServerSentEvent<String>> firstConnection;
        try (FeedStream stream = FeedStream.open(http, RunningIngest.API_KEY, "", null)) {
            publish(before.toArray(SegmentVerdict[]::new));
            firstConnection = stream.next(5);
        } // disconnects with 7 verdicts of the first batch unread
        publish(after.toArray(SegmentVerdict[]::new));
        String lastEventId = firstConnection.get(firstConnection.size() - 1).id();

        List<ServerSentEvent<String>> secondConnection;
        try (FeedStream stream = FeedStream.open(http, RunningIngest.API_KEY, "", lastEventId)) {
            try {
                secondConnection = stream.next(published.size() - firstConnection.size());
            } catch (AssertionError missing) {
                throw new AssertionError("resumed after " + FeedStream.describe(firstConnection) + "\n"
                        + brokerView() + "\n" + missing.getMessage(), missing);
            }
            stream.expectNoMoreEventsWithin(QUIET);
        }
        List<String> received = Stream.concat(firstConnection.stream(), secondConnection.stream())
                .map(VerdictFeedApiTest::segmentId).toList();
        assertThat(received).as("no repeats").doesNotHaveDuplicates();
        assertThat(received).as("no gaps").containsExactlyInAnyOrderElementsOf(published);
        // across partitions the order is the consumer's; within a call it is the topic's
        assertThat(byCall(received)).isEqualTo(byCall(published));

        // the same resume through the query parameter, for tools that cannot set headers
        try (FeedStream stream = FeedStream.open(http, RunningIngest.API_KEY, "?lastEventId=" + lastEventId, null)) {
            assertThat(stream.next(secondConnection.size())).map(VerdictFeedApiTest::segmentId)
                    .containsExactlyInAnyOrderElementsOf(secondConnection.stream().map(VerdictFeedApiTest::segmentId)
                            .toList());
            stream.expectNoMoreEventsWithin(QUIET);
        }
    }

    @Test
    void aKeepaliveCommentOpensTheStreamAndRepeatsEveryHeartbeat() throws Exception {
        int port = ((WebServerApplicationContext) ingest.context()).getWebServer().getPort();
        HttpResponse<Stream<String>> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/v1/verdicts/stream?action=ESCALATE"))
                .header("X-Api-Key", RunningIngest.API_KEY).build(), HttpResponse.BodyHandlers.ofLines());
        try (Stream<String> lines = response.body()) {
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).get().asString()
                    .startsWith(MediaType.TEXT_EVENT_STREAM_VALUE);
            assertThat(response.headers().firstValue("Cache-Control")).contains("no-cache");
            long started = System.nanoTime();
            Iterator<String> wire = lines.iterator();
            assertThat(wire.next()).as("the first line, sent on connect").isEqualTo(": keepalive");
            int keepalives = 1;
            while (keepalives < 4) {
                String line = wire.next();
                if (!line.isEmpty()) {
                    assertThat(line).isEqualTo(": keepalive");
                    keepalives++;
                }
            }
            // three heartbeats of 200 ms: well under the default 15 s
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void unknownParametersBadValuesAndForeignIdsAreRefusedNamingThem() {
        refused("?action=FLAG,MAYBE", null, "action", "FLAG,MAYBE");
        refused("?category=RUDE", null, "category", "RUDE");
        refused("?language=Vietnamese", null, "language", "Vietnamese");
        refused("?callId=-dash-first", null, "callId", "-dash-first");
        refused("?colour=red", null, "colour", "red");
        refused("?action=FLAG&action=ALLOW", null, "action", "[FLAG, ALLOW]");
        refused("", "not a token!", "Last-Event-ID", "not a token!");
        String notOurs = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("audio:0=1".getBytes(StandardCharsets.UTF_8));
        refused("?lastEventId=" + notOurs, null, "lastEventId", notOurs);
        http.get().uri("/v1/verdicts/stream").exchange().expectStatus().isUnauthorized()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.field").isEqualTo("X-Api-Key");
    }

    @Test
    void aTenantMayKeepOnlySoManyStreamsOpenAndClosingOneFreesItsPlace() throws Exception {
        MeterRegistry meters = ingest.context().getBean(MeterRegistry.class);
        List<FeedStream> open = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_STREAMS; i++) {
                open.add(FeedStream.open(http, RunningIngest.OTHER_API_KEY, "", null));
            }
            http.get().uri("/v1/verdicts/stream").header("X-Api-Key", RunningIngest.OTHER_API_KEY).exchange()
                    .expectStatus().isEqualTo(429)
                    .expectHeader().valueEquals("Retry-After", "10")
                    .expectBody()
                    .jsonPath("$.type").isEqualTo("https://guardian.vn/problems/too-many-streams")
                    .jsonPath("$.value").isEqualTo(MAX_STREAMS);
            // another tenant is not affected
            FeedStream.open(http, RunningIngest.API_KEY, "", null).close();

            open.remove(0).close();
            await(() -> meters.get(VerdictFeed.OPEN_STREAMS).gauge().value(), (double) MAX_STREAMS - 1);
            open.add(FeedStream.open(http, RunningIngest.OTHER_API_KEY, "", null));
        } finally {
            open.forEach(FeedStream::close);
        }
        await(() -> meters.get(VerdictFeed.OPEN_STREAMS).gauge().value(), 0.0);
    }

    private static void refused(String query, String lastEventId, String field, String value) {
        WebTestClient.RequestHeadersSpec<?> request = http.get().uri("/v1/verdicts/stream" + query)
                .header("X-Api-Key", RunningIngest.API_KEY).accept(MediaType.TEXT_EVENT_STREAM);
        if (lastEventId != null) {
            request = request.header("Last-Event-ID", lastEventId);
        }
        request.exchange().expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.field").isEqualTo(field)
                .jsonPath("$.value").isEqualTo(value)
                .jsonPath("$.fix").isNotEmpty();
    }

    /** {@code count} verdicts spread round-robin over {@code calls}, numbered from {@code first} within each call. */
    private static List<SegmentVerdict> verdicts(List<String> calls, int first, int count) {
        List<SegmentVerdict> verdicts = new ArrayList<>();
        for (int i = first; i < first + count; i++) {
            verdicts.add(segment(ACME, calls.get(i % calls.size()), i, Action.ALLOW, null, "en"));
        }
        return verdicts;
    }

    private static Map<String, List<String>> byCall(List<String> segmentIds) {
        return segmentIds.stream().collect(Collectors.groupingBy(id -> id.substring(0, id.lastIndexOf('/')),
                LinkedHashMap::new, Collectors.toList()));
    }

    private static String segmentId(ServerSentEvent<String> event) {
        assertThat(event.event()).isEqualTo("segment");
        return Json.MAPPER.readValue(event.data(), SegmentVerdict.class).segmentId();
    }

    private static List<String> summaries(List<ServerSentEvent<String>> events) {
        return events.stream().map(event -> event.event() + " " + (event.event().equals("segment")
                ? Json.MAPPER.readValue(event.data(), SegmentVerdict.class).segmentId()
                : Json.MAPPER.readValue(event.data(), CallVerdict.class).callId())).toList();
    }

    private static SegmentVerdict segment(String tenant, String callId, int n, Action action, Category category,
                                          String language) {
        List<CategoryScore> categories = category == null ? List.of()
                : List.of(new CategoryScore(category, 0.8, List.of(), ScoreSource.LEXICON));
        long now = System.currentTimeMillis();
        return new SegmentVerdict(callId + "/" + n, callId, tenant, 0, "mono", n * 1000L, n * 1000L + 800,
                "words " + n, language, categories, category == null ? Severity.NONE : Severity.MEDIUM, action,
                language + "@test", now - 50, now);
    }

    private static CallVerdict call(String tenant, String callId, Action action, Category category, boolean open) {
        return new CallVerdict(callId, tenant, 1, category == null ? Map.of() : Map.of(category, 1L),
                category == null ? Severity.NONE : Severity.MEDIUM, category == null ? 0 : 0.4, action, null, open,
                open ? null : "completed", System.currentTimeMillis());
    }

    /** As moderation-stream writes them: in one Kafka transaction. */
    private static void publish(Object... verdicts) {
        moderation.beginTransaction();
        send(verdicts);
        moderation.commitTransaction();
    }

    private static void publishAborted(Object... verdicts) {
        moderation.beginTransaction();
        send(verdicts);
        moderation.flush();
        moderation.abortTransaction();
    }

    private static void send(Object... verdicts) {
        for (Object verdict : verdicts) {
            if (verdict instanceof SegmentVerdict segment) {
                moderation.send(new ProducerRecord<>(Topics.VERDICTS, segment.callId(),
                        EventSerdes.segmentVerdict().serialize(Topics.VERDICTS, segment)));
            } else {
                CallVerdict call = (CallVerdict) verdict;
                moderation.send(new ProducerRecord<>(Topics.CALL_VERDICTS, call.callId(),
                        EventSerdes.callVerdict().serialize(Topics.CALL_VERDICTS, call)));
            }
        }
    }

    /** What the broker holds: the committed (last stable) and log-end offsets of guardian.verdicts, and open transactions. */
    private static String brokerView() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                ingest.kafkaBootstrapServers()))) {
            Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
            for (int partition = 0; partition < TestKafka.PARTITIONS; partition++) {
                ends.put(new TopicPartition(Topics.VERDICTS, partition), OffsetSpec.latest());
            }
            return "stable offsets " + admin.listOffsets(ends, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                    .all().get() + ", log ends " + admin.listOffsets(ends).all().get() + ", transactions "
                    + admin.listTransactions().all().get();
        }
    }

    private static <T> void await(Supplier<T> actual, T expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!expected.equals(actual.get()) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(actual.get()).isEqualTo(expected);
    }
}
