package vn.guardian.ingest.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import vn.guardian.contracts.Topics;
import vn.guardian.ingest.RunningIngest;
import vn.guardian.testsupport.TestPostgres;

/**
 * What analysts do beyond reading one call, against real PostgreSQL (moderation-stream's migrations) and a real
 * broker: a failed call's status, search with keyset pages, reviews and their export, erasure, tenant isolation and
 * bad parameters.
 */
class AnalystApiTest {

    private static final String ACME = RunningIngest.TENANT;
    private static final String GLOBEX = RunningIngest.OTHER_TENANT;
    private static final Instant NOW = Instant.now().minusSeconds(60);
    private static final String NO_MODEL = "no-model: call failed-vi is in language 'vi' but models exist only for"
            + " [en]; configure guardian.transcriber.models.vi";

    private static TestPostgres postgres;
    private static RunningIngest ingest;
    private static WebTestClient http;

    @BeforeAll
    static void start() throws Exception {
        postgres = TestPostgres.start();
        Flyway.configure().dataSource(postgres.jdbcUrl(), TestPostgres.USER, TestPostgres.PASSWORD)
                .locations("filesystem:../moderation-stream/src/main/resources/db/migration").load().migrate();
        // acme: an escalated Vietnamese call, a clean English one, a live one and one no transcriber could take
        call("esc-vi", ACME, "vi", "closed", NOW.minusSeconds(3600), "ESCALATE", "INSULT,VIOLENCE_OR_THREAT");
        segment("esc-vi", "esc-vi-1", ACME, "customer", 1000, "Anh là đồ ngu", "vi",
                "[{\"category\":\"INSULT\",\"score\":0.8,\"spans\":[{\"start\":7,\"end\":13,\"term\":\"đồ ngu\"}]}]",
                "FLAG", NOW.minusSeconds(3500));
        segment("esc-vi", "esc-vi-2", ACME, "customer", 5000, "tao sẽ giết mày", "vi",
                "[{\"category\":\"VIOLENCE_OR_THREAT\",\"score\":0.95,\"spans\":[{\"start\":7,\"end\":11,\"term\":\"giết\"}]}]",
                "ESCALATE", NOW.minusSeconds(3400));
        segment("esc-vi", "esc-vi-3", ACME, "agent", 3000, "Dạ em xin lỗi anh", "vi", "[]", "ALLOW",
                NOW.minusSeconds(3450));
        call("clean-en", ACME, "en", "closed", NOW.minusSeconds(7200), "ALLOW", "");
        segment("clean-en", "clean-en-1", ACME, "agent", 500, "thank you for calling", "en", "[]", "ALLOW",
                NOW.minusSeconds(7100));
        call("live-en", ACME, "en", "live", NOW.minusSeconds(30), "ALLOW", "");
        call("failed-vi", ACME, "vi", "failed", NOW.minusSeconds(120), "ALLOW", "");
        execute("UPDATE calls SET failure = '" + NO_MODEL.replace("'", "''") + "' WHERE call_id = 'failed-vi'");
        deadLetter("failed-vi", 1, "no-model");
        deadLetter("failed-vi", 2, "no-model");
        // globex says the same words
        call("globex-call", GLOBEX, "vi", "closed", NOW.minusSeconds(600), "FLAG", "INSULT");
        segment("globex-call", "globex-1", GLOBEX, "customer", 0, "đồ ngu", "vi",
                "[{\"category\":\"INSULT\",\"score\":0.8,\"spans\":[]}]", "FLAG", NOW.minusSeconds(590));

        Map<String, Object> properties = new HashMap<>(postgres.ingestProperties());
        ingest = RunningIngest.withKafka(properties);
        http = ingest.client();
    }

    @AfterAll
    static void stop() throws Exception {
        if (ingest != null) {
            ingest.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void aCallNoTranscriberCouldTakeIsFailedAndSaysWhy() {
        get("/v1/calls/failed-vi", RunningIngest.API_KEY).expectStatus().isOk().expectBody()
                .jsonPath("$.status").isEqualTo("failed")
                .jsonPath("$.failure").isEqualTo(NO_MODEL)
                .jsonPath("$.language").isEqualTo("vi")
                .jsonPath("$.deadLetters.total").isEqualTo(2)
                .jsonPath("$.deadLetters.byReason.no-model").isEqualTo(2)
                .jsonPath("$.segments.length()").isEqualTo(0);
        get("/v1/calls?status=failed", RunningIngest.API_KEY).expectStatus().isOk().expectBody()
                .jsonPath("$.items[*].callId").isEqualTo(List.of("failed-vi"))
                .jsonPath("$.items[0].failure").isEqualTo(NO_MODEL);
    }

    @Test
    void aCallWithoutSpeechIsFoundWithItsStatus() {
        get("/v1/calls/live-en", RunningIngest.API_KEY).expectStatus().isOk().expectBody()
                .jsonPath("$.status").isEqualTo("live")
                .jsonPath("$.format.encoding").isEqualTo("mulaw")
                .jsonPath("$.channelRoles[1]").isEqualTo("customer")
                .jsonPath("$.chunks").isEqualTo(7)
                .jsonPath("$.segments.length()").isEqualTo(0);
    }

    @Test
    void callsAreSearchedByActionCategoryLanguageStatusRoleAndPhrase() {
        assertThat(callIds("")).containsExactly("live-en", "failed-vi", "esc-vi", "clean-en");
        assertThat(callIds("action=ESCALATE")).containsExactly("esc-vi");
        assertThat(callIds("category=violence_or_threat")).containsExactly("esc-vi");
        assertThat(callIds("language=en")).containsExactly("live-en", "clean-en");
        assertThat(callIds("status=closed")).containsExactly("esc-vi", "clean-en");
        // with and without diacritics, words in order
        assertThat(callIds("q=đồ ngu")).containsExactly("esc-vi");
        assertThat(callIds("q=do ngu")).containsExactly("esc-vi");
        assertThat(callIds("q=ngu do")).isEmpty();
        assertThat(callIds("q=do ngu&role=agent")).isEmpty();
        assertThat(callIds("q=THANK YOU")).containsExactly("clean-en");
        assertThat(ids(body("/v1/calls?from=" + NOW.minusSeconds(5000) + "&to=" + NOW.minusSeconds(60)), "callId"))
                .containsExactly("failed-vi", "esc-vi");
    }

    @Test
    void segmentsAreSearchedWithTheSameFilters() {
        assertThat(segmentIds("category=VIOLENCE_OR_THREAT")).containsExactly("esc-vi-2");
        assertThat(segmentIds("action=FLAG")).containsExactly("esc-vi-1");
        assertThat(segmentIds("role=agent")).containsExactly("esc-vi-3", "clean-en-1");
        assertThat(segmentIds("q=xin loi")).containsExactly("esc-vi-3");
        assertThat(segmentIds("status=closed&language=vi")).containsExactly("esc-vi-2", "esc-vi-3", "esc-vi-1");
        get("/v1/segments?q=giet", RunningIngest.API_KEY).expectStatus().isOk().expectBody()
                .jsonPath("$.items[0].callId").isEqualTo("esc-vi")
                .jsonPath("$.items[0].categories[0].spans[0].term").isEqualTo("giết");
    }

    @Test
    void aPhraseIsPagedThroughNewestFirstWhetherTheNewestRowsHoldAPageOrNot() throws Exception {
        String call = "greetings-" + UUID.randomUUID().toString().substring(0, 8);
        // English and spoken by the customer: outside what the other tests of this class search for
        call(call, ACME, "en", "closed", NOW.minus(Duration.ofDays(5)), "ALLOW", "");
        for (int i = 0; i < 3; i++) {
            segment(call, call + "-" + i, ACME, "customer", i * 1000L, "welcome to guardian bank number " + i, "en",
                    "[]", "ALLOW", NOW.minus(Duration.ofDays(5)).plusSeconds(i));
        }
        List<String> seen = new ArrayList<>();
        Map<?, ?> page = body("/v1/segments?q=welcome to guardian bank&limit=1");
        seen.addAll(ids(page, "segmentId"));
        while (page.get("nextCursor") != null) {
            page = body("/v1/segments?q=welcome to guardian bank&limit=1&cursor=" + page.get("nextCursor"));
            seen.addAll(ids(page, "segmentId"));
        }
        assertThat(seen).containsExactly(call + "-2", call + "-1", call + "-0");
    }

    @Test
    void pagesHaveNoDuplicatesOrGapsWhileNewCallsArrive() throws Exception {
        String prefix = "page-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        Instant base = NOW.minus(Duration.ofDays(3));
        Set<String> expected = new LinkedHashSet<>();
        for (int i = 0; i < 25; i++) {
            // two calls share each start time: the call id breaks the tie
            call(prefix + i, ACME, "en", "closed", base.plusSeconds(i / 2), "FLAG", "PROFANITY");
            expected.add(prefix + i);
        }
        String filter = "/v1/calls?category=PROFANITY&limit=10&to=" + NOW.minus(Duration.ofDays(2));
        List<String> seen = new ArrayList<>();
        Map<?, ?> page = body(filter);
        seen.addAll(ids(page, "callId"));
        // calls arriving between pages, newer and older: neither shifts the pages already handed out
        call(prefix + "new", ACME, "en", "closed", base.plusSeconds(3600), "FLAG", "PROFANITY");
        int pages = 1;
        while (page.get("nextCursor") != null) {
            page = body(filter + "&cursor=" + page.get("nextCursor"));
            seen.addAll(ids(page, "callId"));
            pages++;
        }
        assertThat(pages).isEqualTo(3);
        assertThat(seen).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void anotherTenantSeesNoneOfIt() {
        String other = RunningIngest.OTHER_API_KEY;
        assertThat(callIds("", other)).containsExactly("globex-call");
        assertThat(callIds("q=do ngu", other)).containsExactly("globex-call");
        get("/v1/segments?q=giet", other).expectStatus().isOk().expectBody().jsonPath("$.items.length()").isEqualTo(0);
        get("/v1/calls/esc-vi", other).expectStatus().isNotFound();
        review("esc-vi", "esc-vi-1", "{\"label\":\"clean\"}", other).expectStatus().isNotFound()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.field").isEqualTo("segmentId");
        http.delete().uri("/v1/calls/esc-vi").header("X-Api-Key", other).exchange().expectStatus().isNotFound();
        get("/v1/reviews/export", other).expectStatus().isOk().expectBody(String.class).isEqualTo("text,label\r\n");
        get("/v1/calls/esc-vi", RunningIngest.API_KEY).expectStatus().isOk();
    }

    @Test
    void aReviewIsStoredShownInTheCallExportedForTrainingAndCounted() {
        review("esc-vi", "esc-vi-1", "{\"label\":\"clean\",\"note\":\"first look\"}", RunningIngest.API_KEY)
                .expectStatus().isOk();
        // last write wins
        review("esc-vi", "esc-vi-1", "{\"label\":\"INSULT\",\"note\":\"rude, \\\"đồ ngu\\\"\"}", RunningIngest.API_KEY)
                .expectStatus().isOk().expectBody()
                .jsonPath("$.label").isEqualTo("insult")
                .jsonPath("$.reviewer").isEqualTo("lan.nguyen");
        review("esc-vi", "esc-vi-2", "{\"label\":\"clean\"}", RunningIngest.API_KEY).expectStatus().isOk();
        review("esc-vi", "esc-vi-3", "{\"label\":\"harassment_or_abuse\"}", RunningIngest.API_KEY).expectStatus().isOk();

        get("/v1/calls/esc-vi", RunningIngest.API_KEY).expectStatus().isOk().expectBody()
                .jsonPath("$.segments[?(@.segmentId == 'esc-vi-1')].review.label").isEqualTo(List.of("insult"))
                .jsonPath("$.segments[?(@.segmentId == 'esc-vi-1')].review.note").isEqualTo(List.of("rude, \"đồ ngu\""))
                .jsonPath("$.segments[?(@.segmentId == 'esc-vi-1')].review.reviewer").isEqualTo(List.of("lan.nguyen"));
        String csv = get("/v1/reviews/export", RunningIngest.API_KEY).expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith("text/csv")
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(csv).startsWith("text,label\r\n")
                .contains("Anh là đồ ngu,insult\r\n", "tao sẽ giết mày,clean\r\n",
                        "Dạ em xin lỗi anh,harassment_or_abuse\r\n");
        get("/v1/reviews/stats", RunningIngest.API_KEY).expectStatus().isOk().expectBody()
                .jsonPath("$.categories[?(@.category == 'INSULT')].precision").isEqualTo(List.of(1.0))
                .jsonPath("$.categories[?(@.category == 'VIOLENCE_OR_THREAT')].precision").isEqualTo(List.of(0.0))
                .jsonPath("$.allowedReviewed").isEqualTo(1)
                .jsonPath("$.missed").isEqualTo(1);
    }

    @Test
    void aReviewNeedsAReviewerAKnownLabelAndAKnownSegment() {
        http.put().uri("/v1/calls/esc-vi/segments/esc-vi-1/review").header("X-Api-Key", RunningIngest.API_KEY)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"label\":\"clean\"}").exchange()
                .expectStatus().isBadRequest().expectBody().jsonPath("$.field").isEqualTo("X-Reviewer");
        review("esc-vi", "esc-vi-1", "{\"label\":\"rude\"}", RunningIngest.API_KEY).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.field").isEqualTo("label").jsonPath("$.value").isEqualTo("rude")
                .jsonPath("$.fix").value(fix -> assertThat((String) fix).contains("clean", "insult"));
        review("esc-vi", "esc-vi-1", "{\"label\":\"clean\",\"score\":1}", RunningIngest.API_KEY)
                .expectStatus().isBadRequest().expectBody().jsonPath("$.field").isEqualTo("score");
        review("esc-vi", "esc-vi-1", "not json", RunningIngest.API_KEY).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.field").isEqualTo("body");
        review("clean-en", "esc-vi-1", "{\"label\":\"clean\"}", RunningIngest.API_KEY).expectStatus().isNotFound();
    }

    @Test
    void badSearchParametersAreNamed() {
        badParameter("/v1/calls?catgory=INSULT", "catgory");
        badParameter("/v1/calls?limit=0", "limit");
        badParameter("/v1/calls?limit=201", "limit");
        badParameter("/v1/calls?from=yesterday", "from");
        badParameter("/v1/calls?from=2026-12-02&to=2026-12-01", "to");
        badParameter("/v1/calls?action=BLOCK", "action");
        badParameter("/v1/calls?category=RUDE", "category");
        badParameter("/v1/calls?status=done", "status");
        badParameter("/v1/calls?q=--", "q");
        badParameter("/v1/calls?cursor=not-a-cursor", "cursor");
        badParameter("/v1/segments?language=Vietnamese", "language");
        badParameter("/v1/reviews/export?from=soon", "from");
        // a cursor of the calls search is not one of the segments search
        String cursor = (String) body("/v1/calls?limit=1").get("nextCursor");
        badParameter("/v1/segments?cursor=" + cursor, "cursor");
    }

    @Test
    void anErasedCallIsGoneFromTheApiTheDatabaseAndTheCompactedTopic() throws Exception {
        // two days back and in English: outside what the other tests of this class search for
        Instant started = NOW.minus(Duration.ofDays(2)).minusSeconds(3600);
        call("erase-me", ACME, "en", "closed", started, "FLAG", "INSULT");
        segment("erase-me", "erase-me-1", ACME, "customer", 0, "you absolute fool", "en", "[]", "ALLOW",
                started.plusSeconds(10));
        execute("INSERT INTO segment_reviews (segment_id, tenant, call_id, label, reviewer, reviewed_at)"
                + " VALUES ('erase-me-1', 'acme', 'erase-me', 'insult', 'lan', now())");
        execute("INSERT INTO call_verdicts (call_id, tenant, segments, counts_by_category, max_severity, risk_score,"
                + " action, open, updated_at) VALUES ('erase-me', 'acme', 1, '{}', 'MEDIUM', 0.3, 'FLAG', false, now())");

        http.delete().uri("/v1/calls/live-en").header("X-Api-Key", RunningIngest.API_KEY).exchange()
                .expectStatus().isEqualTo(409).expectBody().jsonPath("$.status").isEqualTo(409)
                .jsonPath("$.fix").value(fix -> assertThat((String) fix).contains("end the call"));
        http.delete().uri("/v1/calls/erase-me").header("X-Api-Key", RunningIngest.API_KEY).exchange()
                .expectStatus().isNoContent();

        get("/v1/calls/erase-me", RunningIngest.API_KEY).expectStatus().isNotFound();
        assertThat(ids(body("/v1/calls?q=absolute fool"), "callId")).doesNotContain("erase-me");
        for (String table : new String[] {"calls", "segment_verdicts", "segment_reviews", "call_verdicts"}) {
            assertThat(count("SELECT count(*) FROM " + table + " WHERE call_id = 'erase-me'")).as(table).isZero();
        }
        assertThat(count("SELECT count(*) FROM erased_calls WHERE call_id = 'erase-me'")).isEqualTo(1);
        assertThat(tombstoneOn(Topics.CALL_VERDICTS, "erase-me")).isTrue();
        http.delete().uri("/v1/calls/erase-me").header("X-Api-Key", RunningIngest.API_KEY).exchange()
                .expectStatus().isNotFound();
    }

    private static boolean tombstoneOn(String topic, String key) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, ingest.kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "tombstones-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (key.equals(record.key()) && record.value() == null) {
                        return true;
                    }
                }
            }
            return false;
        }
    }

    private static void badParameter(String uri, String parameter) {
        get(uri, RunningIngest.API_KEY).expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.field").isEqualTo(parameter)
                .jsonPath("$.fix").exists();
    }

    private static List<String> callIds(String query) {
        return callIds(query, RunningIngest.API_KEY);
    }

    private static List<String> callIds(String query, String apiKey) {
        // only this test's fixed calls: other tests add pages of calls three days back
        String range = "from=" + NOW.minus(Duration.ofDays(1));
        return ids(body("/v1/calls?" + (query.isEmpty() ? range : query + "&" + range), apiKey), "callId");
    }

    private static List<String> segmentIds(String query) {
        return ids(body("/v1/segments?" + query, RunningIngest.API_KEY), "segmentId");
    }

    private static Map<?, ?> body(String uri) {
        return body(uri, RunningIngest.API_KEY);
    }

    private static Map<?, ?> body(String uri, String apiKey) {
        return get(uri, apiKey).expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
    }

    private static List<String> ids(Map<?, ?> page, String field) {
        return ((List<?>) page.get("items")).stream().map(item -> (String) ((Map<?, ?>) item).get(field)).toList();
    }

    private static WebTestClient.ResponseSpec get(String uri, String apiKey) {
        return http.get().uri(uri).header("X-Api-Key", apiKey).exchange();
    }

    private static WebTestClient.ResponseSpec review(String callId, String segmentId, String body, String apiKey) {
        return http.put().uri("/v1/calls/{c}/segments/{s}/review", callId, segmentId)
                .header("X-Api-Key", apiKey).header("X-Reviewer", "lan.nguyen")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    private static void call(String callId, String tenant, String language, String status, Instant startedAt,
                             String action, String categories) throws SQLException {
        try (Connection db = connect(); PreparedStatement insert = db.prepareStatement("""
                INSERT INTO calls (call_id, tenant, language, source_format, channel_roles, started_at, ended_at,
                    closed_at, chunks_by_channel, action, categories)
                VALUES (?, ?, ?, '{"encoding":"mulaw","sampleRate":8000,"channels":2}', '{agent,customer}', ?, ?, ?,
                    '{4,3}', ?, string_to_array(?, ','))""")) {
            insert.setString(1, callId);
            insert.setString(2, tenant);
            insert.setString(3, language);
            insert.setTimestamp(4, Timestamp.from(startedAt));
            boolean done = status.equals("closed");
            insert.setTimestamp(5, done ? Timestamp.from(startedAt.plusSeconds(60)) : null);
            insert.setTimestamp(6, done ? Timestamp.from(startedAt.plusSeconds(61)) : null);
            insert.setString(7, action);
            insert.setString(8, categories);
            insert.executeUpdate();
        }
    }

    private static void segment(String callId, String segmentId, String tenant, String role, long startMs, String text,
                                String language, String categories, String action, Instant decidedAt)
            throws SQLException {
        try (Connection db = connect(); PreparedStatement insert = db.prepareStatement("""
                INSERT INTO segment_verdicts (segment_id, call_id, tenant, channel, channel_role, start_ms, end_ms,
                    text, language, categories, severity, action, lexicon_version, ingested_at, decided_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, 'MEDIUM', ?, 'lex-7', ?, ?)""")) {
            insert.setString(1, segmentId);
            insert.setString(2, callId);
            insert.setString(3, tenant);
            insert.setInt(4, role.equals("agent") ? 0 : 1);
            insert.setString(5, role);
            insert.setLong(6, startMs);
            insert.setLong(7, startMs + 900);
            insert.setString(8, text);
            insert.setString(9, language);
            insert.setString(10, categories);
            insert.setString(11, action);
            insert.setTimestamp(12, Timestamp.from(decidedAt.minusMillis(300)));
            insert.setTimestamp(13, Timestamp.from(decidedAt));
            insert.executeUpdate();
        }
    }

    private static void deadLetter(String callId, long offset, String code) throws SQLException {
        execute("INSERT INTO call_dead_letters (dlq_partition, dlq_offset, call_id, reason_code, reason, service,"
                + " source_topic, dead_lettered_at) VALUES (0, " + offset + ", '" + callId + "', '" + code + "', '"
                + code + ": refused', 'transcriber', 'guardian.audio', now())");
    }

    private static long count(String sql) throws SQLException {
        try (Connection db = connect(); Statement s = db.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void execute(String sql) throws SQLException {
        try (Connection db = connect(); Statement s = db.createStatement()) {
            s.execute(sql);
        }
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(postgres.jdbcUrl(), TestPostgres.USER, TestPostgres.PASSWORD);
    }
}
