package vn.guardian.ingest.search;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;
import vn.guardian.ingest.calls.CallView;

/**
 * Searches a tenant's calls ({@code calls}) and segments ({@code segment_verdicts}), newest first, a page at a time.
 * Pages follow the sort key (keyset), so rows arriving meanwhile never shift a page: no duplicates, no gaps. The
 * phrase is matched on the folded transcript (diacritics dropped on both sides) with PostgreSQL full-text search.
 */
@Component
public class Search {

    private static final TypeReference<List<CallView.CategoryView>> CATEGORIES = new TypeReference<>() {
    };
    // the segment matches the phrase, words in order, with or without diacritics
    private static final String PHRASE = "search @@ phraseto_tsquery('simple', guardian_fold(:q))";
    /** Newest rows in which a phrase search looks first, before it asks the full-text index. */
    static final int LOOK_AHEAD = 2000;

    /** One call in a search result. */
    public record CallHit(String callId, String status, String failure, String language, List<String> channelRoles,
                          Instant startedAt, Instant endedAt, String endReason, long audioMs, long segments,
                          String action, List<String> categories) {
    }

    /** One segment in a search result. */
    public record SegmentHit(String segmentId, String callId, int channel, String channelRole, long startMs,
                             long endMs, String text, String language, List<CallView.CategoryView> categories,
                             String severity, String action, Instant decidedAt) {
    }

    /** @param nextCursor pass it as {@code cursor} for the next page; null on the last page */
    public record Page<T>(List<T> items, String nextCursor) {
    }

    private final DatabaseClient database;
    private final JsonMapper json;

    public Search(DatabaseClient database, JsonMapper json) {
        this.database = database;
        this.json = json;
    }

    public Mono<Page<CallHit>> calls(String tenant, SearchFilters filters) {
        Query query = new Query("""
                SELECT call_id, status, failure, language, channel_roles, started_at, ended_at, end_reason, audio_ms,
                       segments, action, categories
                  FROM calls c
                 WHERE tenant = :tenant""", tenant);
        query.where(filters.from(), "started_at >= :from", "from");
        query.where(filters.to(), "started_at < :to", "to");
        query.where(filters.action(), "action = :action", "action");
        query.where(filters.category(), ":category = ANY(categories)", "category");
        query.where(filters.language(), "language = :language", "language");
        query.where(filters.status(), "status = :status", "status");
        if (filters.q() != null) {
            // the phrase said in the call, by the role if one is given
            query.where(filters.q(), "EXISTS (SELECT 1 FROM segment_verdicts s WHERE s.tenant = c.tenant"
                    + " AND s.call_id = c.call_id AND s." + PHRASE
                    + (filters.role() != null ? " AND s.channel_role = :role)" : ")"), "q");
            query.bindIf(filters.role(), "role");
        } else {
            query.where(filters.role(), ":role = ANY(channel_roles)", "role");
        }
        if (filters.cursor() != null) {
            query.where(filters.cursor().at(), "(started_at, call_id) < (:cursorAt, :cursorId)", "cursorAt");
            query.bindIf(filters.cursor().id(), "cursorId");
        }
        query.sql.append(" ORDER BY started_at DESC, call_id DESC LIMIT ").append(filters.limit() + 1);
        return query.spec(database)
                .map((row, meta) -> new CallHit(
                        row.get("call_id", String.class),
                        row.get("status", String.class),
                        emptyToNull(row.get("failure", String.class)),
                        emptyToNull(row.get("language", String.class)),
                        Arrays.asList(row.get("channel_roles", String[].class)),
                        instant(row.get("started_at", OffsetDateTime.class)),
                        instant(row.get("ended_at", OffsetDateTime.class)),
                        emptyToNull(row.get("end_reason", String.class)),
                        row.get("audio_ms", Long.class),
                        row.get("segments", Long.class),
                        row.get("action", String.class),
                        Arrays.asList(row.get("categories", String[].class))))
                .all()
                .collectList()
                .map(rows -> page(rows, filters.limit(),
                        last -> new Cursor(Cursor.CALLS, last.startedAt(), last.callId())));
    }

    public Mono<Page<SegmentHit>> segments(String tenant, SearchFilters filters) {
        if (filters.q() == null) {
            return segments(tenant, filters, false);
        }
        // a common phrase fills the page from the newest rows alone, where the planner would read its whole
        // full-text posting list; a rarer one (a short page) needs the full-text index over the range
        return segments(tenant, filters, true)
                .flatMap(page -> page.nextCursor() != null ? Mono.just(page) : segments(tenant, filters, false));
    }

    /** @param newestOnly match the phrase among the newest {@link #LOOK_AHEAD} rows of the other filters only */
    private Mono<Page<SegmentHit>> segments(String tenant, SearchFilters filters, boolean newestOnly) {
        Query query = new Query("""
                SELECT segment_id, call_id, channel, channel_role, start_ms, end_ms, text, language,
                       categories::text AS categories, severity, action, decided_at"""
                + (newestOnly ? ", search" : "") + """

                  FROM segment_verdicts s
                 WHERE tenant = :tenant""", tenant);
        query.where(filters.from(), "decided_at >= :from", "from");
        query.where(filters.to(), "decided_at < :to", "to");
        query.where(filters.action(), "action = :action", "action");
        query.where(filters.category() == null ? null : "[{\"category\":\"" + filters.category() + "\"}]",
                "categories @> CAST(:category AS jsonb)", "category");
        query.where(filters.language(), "language = :language", "language");
        query.where(filters.role(), "channel_role = :role", "role");
        if (!newestOnly) {
            query.where(filters.q(), PHRASE, "q");
        }
        query.where(filters.status(), "call_id IN (SELECT call_id FROM calls WHERE tenant = :tenant"
                + " AND status = :status)", "status");
        if (filters.cursor() != null) {
            query.where(filters.cursor().at(), "(decided_at, segment_id) < (:cursorAt, :cursorId)", "cursorAt");
            query.bindIf(filters.cursor().id(), "cursorId");
        }
        if (newestOnly) {
            // a LIMIT inside keeps the phrase test out of the scan: it runs on these rows only
            query.sql.insert(0, "SELECT * FROM (").append(" ORDER BY decided_at DESC, segment_id DESC LIMIT ")
                    .append(LOOK_AHEAD).append(") s");
            query.sql.append(" WHERE ").append(PHRASE);
            query.bindIf(filters.q(), "q");
        }
        query.sql.append(" ORDER BY decided_at DESC, segment_id DESC LIMIT ").append(filters.limit() + 1);
        return query.spec(database)
                .map((row, meta) -> new SegmentHit(
                        row.get("segment_id", String.class),
                        row.get("call_id", String.class),
                        row.get("channel", Integer.class),
                        row.get("channel_role", String.class),
                        row.get("start_ms", Long.class),
                        row.get("end_ms", Long.class),
                        row.get("text", String.class),
                        row.get("language", String.class),
                        json.readValue(row.get("categories", String.class), CATEGORIES),
                        row.get("severity", String.class),
                        row.get("action", String.class),
                        instant(row.get("decided_at", OffsetDateTime.class))))
                .all()
                .collectList()
                .map(rows -> page(rows, filters.limit(),
                        last -> new Cursor(Cursor.SEGMENTS, last.decidedAt(), last.segmentId())));
    }

    private static <T> Page<T> page(List<T> rows, int limit, java.util.function.Function<T, Cursor> cursorOf) {
        // one row more than asked tells whether another page follows
        if (rows.size() <= limit) {
            return new Page<>(rows, null);
        }
        List<T> items = rows.subList(0, limit);
        return new Page<>(List.copyOf(items), cursorOf.apply(items.get(limit - 1)).encode());
    }

    /** A WHERE clause built from the filters that are set, with their bind values. */
    private static final class Query {
        private final StringBuilder sql;
        private final Map<String, Object> binds = new LinkedHashMap<>();

        Query(String select, String tenant) {
            this.sql = new StringBuilder(select);
            binds.put("tenant", tenant);
        }

        void where(Object value, String condition, String name) {
            if (value != null) {
                sql.append(" AND ").append(condition);
                binds.put(name, value);
            }
        }

        void bindIf(Object value, String name) {
            if (value != null) {
                binds.put(name, value);
            }
        }

        DatabaseClient.GenericExecuteSpec spec(DatabaseClient database) {
            DatabaseClient.GenericExecuteSpec spec = database.sql(sql.toString());
            for (Map.Entry<String, Object> bind : binds.entrySet()) {
                spec = spec.bind(bind.getKey(), bind.getValue());
            }
            return spec;
        }
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }

    private static String emptyToNull(String text) {
        return text == null || text.isEmpty() ? null : text;
    }

}
