package vn.guardian.ingest.reviews;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import vn.guardian.ingest.calls.CallView;

/** Analysts' reviews of segments in {@code segment_reviews}: stored per segment, last write wins, per tenant. */
@Component
public class Reviews {

    // the segment must be the tenant's and the call's: otherwise nothing is written and the caller answers 404
    private static final String UPSERT = """
            INSERT INTO segment_reviews (segment_id, tenant, call_id, label, note, reviewer, reviewed_at)
            SELECT segment_id, tenant, call_id, :label, :note, :reviewer, :reviewedAt
              FROM segment_verdicts
             WHERE segment_id = :segmentId AND tenant = :tenant AND call_id = :callId
            ON CONFLICT (segment_id) DO UPDATE SET
                label = EXCLUDED.label, note = EXCLUDED.note, reviewer = EXCLUDED.reviewer,
                reviewed_at = EXCLUDED.reviewed_at""";
    private static final String EXPORT = """
            SELECT s.text, r.label
              FROM segment_reviews r
              JOIN segment_verdicts s ON s.segment_id = r.segment_id
             WHERE r.tenant = :tenant AND r.reviewed_at >= :from AND r.reviewed_at < :to
             ORDER BY r.reviewed_at, r.segment_id""";
    // a flagged segment's flag is its highest category (categories are stored highest score first)
    private static final String STATS = """
            SELECT s.categories->0->>'category' AS category, count(*) AS reviewed,
                   count(*) FILTER (WHERE r.label = lower(s.categories->0->>'category')) AS confirmed,
                   count(*) FILTER (WHERE r.label <> 'clean') AS toxic
              FROM segment_reviews r
              JOIN segment_verdicts s ON s.segment_id = r.segment_id
             WHERE r.tenant = :tenant AND r.reviewed_at >= :from AND r.reviewed_at < :to
               AND s.action <> 'ALLOW' AND jsonb_array_length(s.categories) > 0
             GROUP BY 1
             ORDER BY 1""";
    private static final String MISSED = """
            SELECT count(*) AS allowed, count(*) FILTER (WHERE r.label <> 'clean') AS missed
              FROM segment_reviews r
              JOIN segment_verdicts s ON s.segment_id = r.segment_id
             WHERE r.tenant = :tenant AND r.reviewed_at >= :from AND r.reviewed_at < :to AND s.action = 'ALLOW'""";

    /** One labeled line of the export, as the moderation {@code train} command reads it. */
    public record Labeled(String text, String label) {
    }

    /**
     * How right the flags were, among the reviewed flagged segments whose highest category is {@code category}.
     *
     * @param confirmed analysts gave this very category
     * @param toxic     analysts gave any label but {@code clean}
     * @param precision confirmed / reviewed
     * @param toxicPrecision toxic / reviewed: right to flag, whatever the category
     */
    public record CategoryStats(String category, long reviewed, long confirmed, long toxic, double precision,
                                double toxicPrecision) {
    }

    /**
     * @param allowedReviewed reviewed segments the product allowed
     * @param missed          of those, the ones analysts labeled toxic
     */
    public record Stats(Instant from, Instant to, List<CategoryStats> categories, long allowedReviewed,
                        long missed) {
    }

    private final DatabaseClient database;

    public Reviews(DatabaseClient database) {
        this.database = database;
    }

    /** Stores the review; empty when the tenant has no such segment in that call. */
    public Mono<CallView.ReviewView> save(String tenant, String callId, String segmentId, String label, String note,
                                         String reviewer) {
        // PostgreSQL keeps microseconds: what is returned is what a reload shows
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        return database.sql(UPSERT)
                .bind("segmentId", segmentId)
                .bind("tenant", tenant)
                .bind("callId", callId)
                .bind("label", label)
                .bind("note", note)
                .bind("reviewer", reviewer)
                .bind("reviewedAt", now)
                .fetch().rowsUpdated()
                .filter(rows -> rows > 0)
                .map(rows -> new CallView.ReviewView(label, note, reviewer, now));
    }

    public Flux<Labeled> export(String tenant, Instant from, Instant to) {
        return database.sql(EXPORT)
                .bind("tenant", tenant)
                .bind("from", from)
                .bind("to", to)
                .map((row, meta) -> new Labeled(row.get("text", String.class), row.get("label", String.class)))
                .all();
    }

    public Mono<Stats> stats(String tenant, Instant from, Instant to) {
        Mono<List<CategoryStats>> categories = database.sql(STATS)
                .bind("tenant", tenant)
                .bind("from", from)
                .bind("to", to)
                .map((row, meta) -> {
                    long reviewed = row.get("reviewed", Long.class);
                    long confirmed = row.get("confirmed", Long.class);
                    long toxic = row.get("toxic", Long.class);
                    return new CategoryStats(row.get("category", String.class), reviewed, confirmed, toxic,
                            ratio(confirmed, reviewed), ratio(toxic, reviewed));
                })
                .all()
                .collectList();
        Mono<long[]> missed = database.sql(MISSED)
                .bind("tenant", tenant)
                .bind("from", from)
                .bind("to", to)
                .map((row, meta) -> new long[] {row.get("allowed", Long.class), row.get("missed", Long.class)})
                .one();
        return Mono.zip(categories, missed).map(both -> new Stats(from, to, both.getT1(), both.getT2()[0],
                both.getT2()[1]));
    }

    private static double ratio(long part, long whole) {
        return whole == 0 ? 0 : Math.round(1000.0 * part / whole) / 1000.0;
    }

}
