package vn.guardian.ingest.calls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import vn.guardian.ingest.RunningIngest;
import vn.guardian.testsupport.TestPostgres;

/** GET /v1/calls/{id} against real PostgreSQL with the schema moderation-stream migrates. */
class CallsApiTest {

    private static final String CALL = "call-42";
    private static final Instant DECIDED = Instant.parse("2026-11-25T10:00:00Z");

    private static TestPostgres postgres;
    private static RunningIngest ingest;
    private static WebTestClient http;

    @BeforeAll
    static void start() throws SQLException, IOException {
        postgres = TestPostgres.start();
        // the table belongs to moderation-stream: use its migrations as they are, never a copy
        Flyway.configure().dataSource(postgres.jdbcUrl(), TestPostgres.USER, TestPostgres.PASSWORD)
                .locations("filesystem:../moderation-stream/src/main/resources/db/migration").load().migrate();
        try (Connection db = DriverManager.getConnection(postgres.jdbcUrl(), TestPostgres.USER, TestPostgres.PASSWORD)) {
            // inserted out of order: the API must sort by audio time, then channel
            insert(db, "s3", CALL, RunningIngest.TENANT, 0, "agent", 5000, 6200, "you idiot",
                    "[{\"category\":\"INSULT\",\"score\":0.8,\"spans\":[{\"start\":4,\"end\":9,\"term\":\"idiot\"}]}]",
                    "MEDIUM", "FLAG");
            insert(db, "s1", CALL, RunningIngest.TENANT, 1, "customer", 1000, 2500, "hello there", "[]", "NONE", "ALLOW");
            insert(db, "s2", CALL, RunningIngest.TENANT, 0, "agent", 1000, 1800, "good morning", "[]", "NONE", "ALLOW");
            insert(db, "s4", CALL, RunningIngest.TENANT, 1, "customer", 7000, 8000, "i will hurt you",
                    "[{\"category\":\"VIOLENCE_OR_THREAT\",\"score\":0.95,\"spans\":[{\"start\":7,\"end\":11,\"term\":\"hurt\"}]}]",
                    "CRITICAL", "ESCALATE");
            insert(db, "g1", "globex-call", RunningIngest.OTHER_TENANT, 0, "mono", 0, 900, "hi", "[]", "NONE", "ALLOW");
            // the call verdict as moderation-stream's call table stored it: the API serves it, never recomputes it
            callVerdict(db, CALL, RunningIngest.TENANT, 4, "{\"INSULT\":1,\"VIOLENCE_OR_THREAT\":1}", "CRITICAL", 0.71,
                    "ESCALATE", "{\"rule\":\"escalate-on\",\"detail\":\"a flagged [VIOLENCE_OR_THREAT] segment\","
                            + "\"segmentIds\":[\"s4\"]}", false, "completed");
            callVerdict(db, "silent-call", RunningIngest.TENANT, 0, "{}", "NONE", 0, "ALLOW", "null", false,
                    "idle-timeout");
        }
        Map<String, Object> properties = new HashMap<>(postgres.ingestProperties());
        properties.put("spring.kafka.bootstrap-servers", "127.0.0.1:" + freePort());
        ingest = RunningIngest.start(properties);
        http = ingest.client();
    }

    @AfterAll
    static void stop() throws IOException {
        if (ingest != null) {
            ingest.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void callShowsItsSegmentsInAudioOrderWithASummary() {
        Map<?, ?> call = get(CALL, RunningIngest.API_KEY).expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();

        assertThat(call.get("callId")).isEqualTo(CALL);
        assertThat(call.get("tenant")).isEqualTo(RunningIngest.TENANT);
        assertThat(call.get("language")).isEqualTo("vi");
        List<Map<String, Object>> segments = (List<Map<String, Object>>) call.get("segments");
        assertThat(segments).extracting(s -> s.get("segmentId")).containsExactly("s2", "s1", "s3", "s4");
        Map<String, Object> insult = segments.get(2);
        assertThat(insult).containsEntry("channel", 0).containsEntry("channelRole", "agent")
                .containsEntry("startMs", 5000).containsEntry("endMs", 6200).containsEntry("text", "you idiot")
                .containsEntry("severity", "MEDIUM").containsEntry("action", "FLAG")
                .containsEntry("lexiconVersion", "lex-7").containsEntry("decidedAt", "2026-11-25T10:00:00Z");
        // a row stored before the learned model names no source: it was the lexicon's
        assertThat(insult.get("categories")).isEqualTo(List.of(Map.of("category", "INSULT", "score", 0.8,
                "spans", List.of(Map.of("start", 4, "end", 9, "term", "idiot")), "source", "LEXICON")));
        Map<String, Object> summary = (Map<String, Object>) call.get("summary");
        assertThat(summary).containsEntry("segments", 4).containsEntry("maxSeverity", "CRITICAL")
                .containsEntry("riskScore", 0.71).containsEntry("action", "ESCALATE").containsEntry("open", false)
                .containsEntry("closeReason", "completed").containsEntry("updatedAt", "2026-11-25T10:00:00Z")
                .containsEntry("countsByCategory", Map.of("INSULT", 1, "VIOLENCE_OR_THREAT", 1));
        assertThat(summary.get("escalation")).isEqualTo(Map.of("rule", "escalate-on",
                "detail", "a flagged [VIOLENCE_OR_THREAT] segment", "segmentIds", List.of("s4")));
    }

    @Test
    void aClosedCallWithoutSpeechHasItsVerdictAndNoSegments() {
        get("silent-call", RunningIngest.API_KEY).expectStatus().isOk().expectBody()
                .jsonPath("$.segments.length()").isEqualTo(0)
                .jsonPath("$.summary.action").isEqualTo("ALLOW")
                .jsonPath("$.summary.escalation").doesNotExist()
                .jsonPath("$.summary.closeReason").isEqualTo("idle-timeout");
    }

    @Test
    void segmentsBeforeTheirCallVerdictIsStoredHaveNoSummaryYet() {
        get("globex-call", RunningIngest.OTHER_API_KEY).expectStatus().isOk().expectBody()
                .jsonPath("$.segments.length()").isEqualTo(1)
                .jsonPath("$.summary").doesNotExist();
    }

    @Test
    void anotherTenantsCallIs404LikeAnUnknownOne() {
        String otherTenant = get("globex-call", RunningIngest.API_KEY).expectStatus().isNotFound()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo("https://guardian.vn/problems/call-not-found")
                .jsonPath("$.detail").isEqualTo("No call globex-call for this tenant.")
                .returnResult().toString();
        // the owner sees it
        get("globex-call", RunningIngest.OTHER_API_KEY).expectStatus().isOk()
                .expectBody().jsonPath("$.segments.length()").isEqualTo(1);
        // and the acme tenant cannot see acme's call with globex's key either
        get(CALL, RunningIngest.OTHER_API_KEY).expectStatus().isNotFound();
        assertThat(otherTenant).isNotNull();
    }

    @Test
    void unknownCallIs404Problem() {
        get("no-such-call", RunningIngest.API_KEY).expectStatus().isNotFound()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.status").isEqualTo(404).jsonPath("$.field").isEqualTo("callId")
                .jsonPath("$.value").isEqualTo("no-such-call");
    }

    @Test
    void malformedCallIdIs400() {
        get("bad id!", RunningIngest.API_KEY).expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo("https://guardian.vn/problems/invalid-call-id")
                .jsonPath("$.value").isEqualTo("bad id!");
    }

    @Test
    void readingACallNeedsAValidKey() {
        http.get().uri("/v1/calls/{id}", CALL).exchange().expectStatus().isUnauthorized()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        get(CALL, "guess").expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.type").isEqualTo("https://guardian.vn/problems/invalid-api-key");
    }

    private static WebTestClient.ResponseSpec get(String callId, String apiKey) {
        return http.get().uri("/v1/calls/{id}", callId).header("X-Api-Key", apiKey).exchange();
    }

    private static void insert(Connection db, String segmentId, String callId, String tenant, int channel, String role,
                               long startMs, long endMs, String text, String categories, String severity,
                               String action) throws SQLException {
        try (PreparedStatement insert = db.prepareStatement("""
                INSERT INTO segment_verdicts (segment_id, call_id, tenant, channel, channel_role, start_ms, end_ms,
                    text, language, categories, severity, action, lexicon_version, ingested_at, decided_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'vi', ?::jsonb, ?, ?, 'lex-7', ?, ?)""")) {
            insert.setString(1, segmentId);
            insert.setString(2, callId);
            insert.setString(3, tenant);
            insert.setInt(4, channel);
            insert.setString(5, role);
            insert.setLong(6, startMs);
            insert.setLong(7, endMs);
            insert.setString(8, text);
            insert.setString(9, categories);
            insert.setString(10, severity);
            insert.setString(11, action);
            insert.setTimestamp(12, Timestamp.from(DECIDED.minusMillis(300)));
            insert.setTimestamp(13, Timestamp.from(DECIDED));
            insert.executeUpdate();
        }
    }

    private static void callVerdict(Connection db, String callId, String tenant, long segments, String counts,
                                    String maxSeverity, double risk, String action, String escalation, boolean open,
                                    String closeReason) throws SQLException {
        try (PreparedStatement insert = db.prepareStatement("""
                INSERT INTO call_verdicts (call_id, tenant, segments, counts_by_category, max_severity, risk_score,
                    action, escalation, open, close_reason, updated_at)
                VALUES (?, ?, ?, ?::jsonb, ?, ?, ?, ?::jsonb, ?, ?, ?)""")) {
            insert.setString(1, callId);
            insert.setString(2, tenant);
            insert.setLong(3, segments);
            insert.setString(4, counts);
            insert.setString(5, maxSeverity);
            insert.setDouble(6, risk);
            insert.setString(7, action);
            insert.setString(8, escalation);
            insert.setBoolean(9, open);
            insert.setString(10, closeReason);
            insert.setTimestamp(11, Timestamp.from(DECIDED));
            insert.executeUpdate();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
