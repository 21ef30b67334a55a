package vn.guardian.ingest.calls;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads one call from the tables moderation-stream owns and writes: its registry row from {@code calls}, its dead
 * letters from {@code call_dead_letters}, its segment verdicts (with reviews) from {@code segment_verdicts}, and its
 * call verdict, as the topology computed it, from {@code call_verdicts}. The call verdict is served as stored, never
 * recomputed here.
 */
@Component
public class CallReader {

    private static final String REGISTRY = """
            SELECT status, failure, language, source_format::text AS format, channel_roles, metadata::text AS metadata,
                   started_at, ended_at, end_reason, closed_at, audio_ms, chunks_by_channel
              FROM calls
             WHERE tenant = :tenant AND call_id = :callId""";
    private static final String DEAD_LETTERS = """
            SELECT d.reason_code, count(*) AS n
              FROM call_dead_letters d
              JOIN calls c ON c.call_id = d.call_id AND c.tenant = :tenant
             WHERE d.call_id = :callId
             GROUP BY d.reason_code
             ORDER BY d.reason_code""";
    private static final String SEGMENTS = """
            SELECT s.segment_id, s.channel, s.channel_role, s.start_ms, s.end_ms, s.text, s.language,
                   s.categories::text AS categories, s.severity, s.action, s.lexicon_version, s.decided_at,
                   r.label, r.note, r.reviewer, r.reviewed_at
              FROM segment_verdicts s
              LEFT JOIN segment_reviews r ON r.segment_id = s.segment_id
             WHERE s.tenant = :tenant AND s.call_id = :callId
             ORDER BY s.start_ms, s.channel""";
    private static final String CALL_VERDICT = """
            SELECT segments, counts_by_category::text AS counts, max_severity, risk_score, action,
                   escalation::text AS escalation, open, close_reason, updated_at
              FROM call_verdicts
             WHERE tenant = :tenant AND call_id = :callId""";
    private static final TypeReference<List<CallView.CategoryView>> CATEGORIES = new TypeReference<>() {
    };
    private static final TypeReference<Map<String, Long>> COUNTS = new TypeReference<>() {
    };
    private static final TypeReference<Map<String, String>> METADATA = new TypeReference<>() {
    };

    private record Row(CallView.Segment segment, String language) {
    }

    private record Registry(String status, String failure, String language, CallView.FormatView format,
                            List<String> channelRoles, Map<String, String> metadata, Instant startedAt,
                            Instant endedAt, String endReason, Instant closedAt, long audioMs, long chunks) {
    }

    private final DatabaseClient database;
    private final JsonMapper json;

    public CallReader(DatabaseClient database, JsonMapper json) {
        this.database = database;
        this.json = json;
    }

    /**
     * The call as the tenant may see it; empty when the tenant has no registry row, no segments and no call verdict
     * for it. The summary is absent (null) until the call's first call verdict is stored.
     */
    public Mono<CallView> find(String tenant, String callId) {
        Mono<Optional<Registry>> registry = database.sql(REGISTRY)
                .bind("tenant", tenant)
                .bind("callId", callId)
                .map((row, meta) -> new Registry(
                        row.get("status", String.class),
                        emptyToNull(row.get("failure", String.class)),
                        emptyToNull(row.get("language", String.class)),
                        json.readValue(row.get("format", String.class), CallView.FormatView.class),
                        Arrays.asList(row.get("channel_roles", String[].class)),
                        json.readValue(row.get("metadata", String.class), METADATA),
                        instant(row.get("started_at", OffsetDateTime.class)),
                        instant(row.get("ended_at", OffsetDateTime.class)),
                        emptyToNull(row.get("end_reason", String.class)),
                        instant(row.get("closed_at", OffsetDateTime.class)),
                        row.get("audio_ms", Long.class),
                        Arrays.stream(row.get("chunks_by_channel", Long[].class)).mapToLong(Long::longValue).sum()))
                .one()
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty());
        Mono<Map<String, Long>> deadLetters = database.sql(DEAD_LETTERS)
                .bind("tenant", tenant)
                .bind("callId", callId)
                .map((row, meta) -> Map.entry(row.get("reason_code", String.class), row.get("n", Long.class)))
                .all()
                .collectMap(Map.Entry::getKey, Map.Entry::getValue, LinkedHashMap::new);
        Mono<List<Row>> segments = database.sql(SEGMENTS)
                .bind("tenant", tenant)
                .bind("callId", callId)
                .map((row, meta) -> new Row(new CallView.Segment(
                        row.get("segment_id", String.class),
                        row.get("channel", Integer.class),
                        row.get("channel_role", String.class),
                        row.get("start_ms", Long.class),
                        row.get("end_ms", Long.class),
                        row.get("text", String.class),
                        json.readValue(row.get("categories", String.class), CATEGORIES),
                        row.get("severity", String.class),
                        row.get("action", String.class),
                        row.get("lexicon_version", String.class),
                        row.get("decided_at", OffsetDateTime.class).toInstant(),
                        row.get("label", String.class) == null ? null : new CallView.ReviewView(
                                row.get("label", String.class),
                                row.get("note", String.class),
                                row.get("reviewer", String.class),
                                instant(row.get("reviewed_at", OffsetDateTime.class)))),
                        row.get("language", String.class)))
                .all()
                .collectList();
        Mono<Optional<CallView.Summary>> summary = database.sql(CALL_VERDICT)
                .bind("tenant", tenant)
                .bind("callId", callId)
                .map((row, meta) -> new CallView.Summary(
                        row.get("segments", Long.class),
                        json.readValue(row.get("counts", String.class), COUNTS),
                        row.get("max_severity", String.class),
                        row.get("risk_score", Double.class),
                        row.get("action", String.class),
                        json.readValue(row.get("escalation", String.class), CallView.EscalationView.class),
                        row.get("open", Boolean.class),
                        emptyToNull(row.get("close_reason", String.class)),
                        row.get("updated_at", OffsetDateTime.class).toInstant()))
                .one()
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty());
        return Mono.zip(registry, deadLetters, segments, summary)
                .filter(all -> all.getT1().isPresent() || !all.getT3().isEmpty() || all.getT4().isPresent())
                .map(all -> view(tenant, callId, all.getT1().orElse(null), all.getT2(), all.getT3(),
                        all.getT4().orElse(null)));
    }

    private static CallView view(String tenant, String callId, Registry registry, Map<String, Long> deadLetters,
                                 List<Row> rows, CallView.Summary summary) {
        String segmentLanguage = rows.isEmpty() ? null : rows.get(0).language();
        CallView.DeadLetters dead = new CallView.DeadLetters(
                deadLetters.values().stream().mapToLong(Long::longValue).sum(), deadLetters);
        List<CallView.Segment> segments = rows.stream().map(Row::segment).toList();
        if (registry == null) {
            // a call moderated before the registry existed: its call verdict tells whether it closed
            String status = summary != null && !summary.open() ? "closed" : "live";
            return new CallView(callId, tenant, status, null, segmentLanguage, null, List.of(), Map.of(), null, null,
                    summary == null ? null : summary.closeReason(), null, 0, 0, dead, segments, summary);
        }
        return new CallView(callId, tenant, registry.status(), registry.failure(),
                registry.language() != null ? registry.language() : segmentLanguage, registry.format(),
                registry.channelRoles(), registry.metadata(), registry.startedAt(), registry.endedAt(),
                registry.endReason(), registry.closedAt(), registry.audioMs(), registry.chunks(), dead, segments,
                summary);
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }

    private static String emptyToNull(String text) {
        return text == null || text.isEmpty() ? null : text;
    }
}
