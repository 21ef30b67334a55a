package vn.guardian.ingest.calls;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads one call from the tables moderation-stream owns and writes: its segment verdicts from
 * {@code segment_verdicts}, and its call verdict, as the topology computed it, from {@code call_verdicts}. The call
 * verdict is served as stored, never recomputed here.
 */
@Component
public class CallReader {

    private static final String SEGMENTS = """
            SELECT segment_id, channel, channel_role, start_ms, end_ms, text, language, categories::text AS categories,
                   severity, action, lexicon_version, decided_at
              FROM segment_verdicts
             WHERE tenant = :tenant AND call_id = :callId
             ORDER BY start_ms, channel""";
    private static final String CALL_VERDICT = """
            SELECT segments, counts_by_category::text AS counts, max_severity, risk_score, action,
                   escalation::text AS escalation, open, close_reason, updated_at
              FROM call_verdicts
             WHERE tenant = :tenant AND call_id = :callId""";
    private static final TypeReference<List<CallView.CategoryView>> CATEGORIES = new TypeReference<>() {
    };
    private static final TypeReference<Map<String, Long>> COUNTS = new TypeReference<>() {
    };

    private record Row(CallView.Segment segment, String language) {
    }

    private final DatabaseClient database;
    private final JsonMapper json;

    public CallReader(DatabaseClient database, JsonMapper json) {
        this.database = database;
        this.json = json;
    }

    /**
     * The call as the tenant may see it; empty when the tenant has neither segments nor a call verdict for it. The
     * summary is absent (null) for the moment between a call's first segment row and its call verdict row.
     */
    public Mono<CallView> find(String tenant, String callId) {
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
                        row.get("decided_at", OffsetDateTime.class).toInstant()),
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
        return Mono.zip(segments, summary)
                .filter(both -> !both.getT1().isEmpty() || both.getT2().isPresent())
                .map(both -> new CallView(callId, tenant,
                        both.getT1().isEmpty() ? null : both.getT1().get(0).language(),
                        both.getT1().stream().map(Row::segment).toList(),
                        both.getT2().orElse(null)));
    }

    private static String emptyToNull(String text) {
        return text == null || text.isEmpty() ? null : text;
    }
}
