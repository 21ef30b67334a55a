package vn.guardian.ingest.calls;

import java.time.OffsetDateTime;
import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;
import vn.guardian.contracts.verdict.Action;

/** Reads a call's segment verdicts from {@code segment_verdicts}, which moderation-stream owns and writes. */
@Component
public class CallVerdicts {

    private static final String SEGMENTS = """
            SELECT segment_id, channel, channel_role, start_ms, end_ms, text, language, categories::text AS categories,
                   severity, action, lexicon_version, decided_at
              FROM segment_verdicts
             WHERE tenant = :tenant AND call_id = :callId
             ORDER BY start_ms, channel""";
    private static final TypeReference<List<CallView.CategoryView>> CATEGORIES = new TypeReference<>() {
    };

    private record Row(CallView.Segment segment, String language) {
    }

    private final DatabaseClient database;
    private final JsonMapper json;

    public CallVerdicts(DatabaseClient database, JsonMapper json) {
        this.database = database;
        this.json = json;
    }

    /** The call as the tenant may see it; empty when the call has no segments for this tenant. */
    public reactor.core.publisher.Mono<CallView> find(String tenant, String callId) {
        Flux<Row> rows = database.sql(SEGMENTS)
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
                .all();
        return rows.collectList()
                .filter(list -> !list.isEmpty())
                .map(list -> new CallView(callId, tenant, list.get(0).language(),
                        list.stream().map(Row::segment).toList(),
                        summary(list.stream().map(Row::segment).toList())));
    }

    static CallView.Summary summary(List<CallView.Segment> segments) {
        int flagged = 0;
        int escalated = 0;
        Action strongest = Action.ALLOW;
        for (CallView.Segment segment : segments) {
            Action action = actionOf(segment.action());
            if (action == Action.FLAG) {
                flagged++;
            } else if (action == Action.ESCALATE) {
                escalated++;
            }
            if (action.compareTo(strongest) > 0) {
                strongest = action;
            }
        }
        return new CallView.Summary(segments.size(), flagged, escalated, strongest.name());
    }

    private static Action actionOf(String action) {
        try {
            return Action.valueOf(action);
        } catch (IllegalArgumentException e) {
            // an action this reader does not know yet deserves a look: treat it as FLAG rather than hide it
            return Action.FLAG;
        }
    }
}
