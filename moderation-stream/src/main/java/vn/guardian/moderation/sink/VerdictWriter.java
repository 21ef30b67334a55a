package vn.guardian.moderation.sink;

import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.ConnectionFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import vn.guardian.contracts.verdict.CallVerdict;
import vn.guardian.contracts.verdict.SegmentVerdict;

/**
 * Upserts segment verdicts into {@code segment_verdicts} by segment_id and call verdicts into {@code call_verdicts}
 * by call_id, one transaction per batch, through R2DBC.
 */
public final class VerdictWriter {

    // an erased call's verdicts are never written again, even when its records are replayed
    // stored_at is clock_timestamp(), the moment of the write, not now(), which is when the batch's transaction began

    static final String UPSERT = """
            INSERT INTO segment_verdicts (segment_id, call_id, tenant, channel, channel_role, start_ms, end_ms, text,
                language, categories, severity, action, lexicon_version, ingested_at, decided_at, stored_at)
            SELECT :segmentId, :callId, :tenant, :channel, :channelRole, :startMs, :endMs, :text,
                :language, :categories, :severity, :action, :lexiconVersion, :ingestedAt, :decidedAt, clock_timestamp()
             WHERE NOT EXISTS (SELECT 1 FROM erased_calls WHERE call_id = :callId)
            ON CONFLICT (segment_id) DO UPDATE SET
                call_id = EXCLUDED.call_id, tenant = EXCLUDED.tenant, channel = EXCLUDED.channel,
                channel_role = EXCLUDED.channel_role, start_ms = EXCLUDED.start_ms, end_ms = EXCLUDED.end_ms,
                text = EXCLUDED.text, language = EXCLUDED.language, categories = EXCLUDED.categories,
                severity = EXCLUDED.severity, action = EXCLUDED.action, lexicon_version = EXCLUDED.lexicon_version,
                ingested_at = EXCLUDED.ingested_at, decided_at = EXCLUDED.decided_at, stored_at = clock_timestamp()
            """;

    static final String UPSERT_CALL = """
            INSERT INTO call_verdicts (call_id, tenant, segments, counts_by_category, max_severity, risk_score, action,
                escalation, open, close_reason, updated_at, stored_at)
            SELECT :callId, :tenant, :segments, :counts, :maxSeverity, :riskScore, :action, :escalation, :open,
                :closeReason, :updatedAt, clock_timestamp()
             WHERE NOT EXISTS (SELECT 1 FROM erased_calls WHERE call_id = :callId)
            ON CONFLICT (call_id) DO UPDATE SET
                tenant = EXCLUDED.tenant, segments = EXCLUDED.segments, counts_by_category = EXCLUDED.counts_by_category,
                max_severity = EXCLUDED.max_severity, risk_score = EXCLUDED.risk_score, action = EXCLUDED.action,
                escalation = EXCLUDED.escalation, open = EXCLUDED.open, close_reason = EXCLUDED.close_reason,
                updated_at = EXCLUDED.updated_at, stored_at = clock_timestamp()
            """;

    private final DatabaseClient client;
    private final TransactionalOperator transaction;
    private final Duration timeout;

    public VerdictWriter(ConnectionFactory connectionFactory, Duration timeout) {
        this.client = DatabaseClient.create(connectionFactory);
        this.transaction = TransactionalOperator.create(new R2dbcTransactionManager(connectionFactory));
        this.timeout = timeout;
    }

    /**
     * Writes all segment and call verdicts or none; returns once the transaction committed, throws otherwise.
     * {@code calls} must be in topic order: the last verdict of a call wins.
     */
    public void upsert(List<SegmentVerdict> verdicts, List<CallVerdict> calls) {
        Flux.fromIterable(verdicts)
                .concatMap(v -> client.sql(UPSERT)
                        .bind("segmentId", v.segmentId())
                        .bind("callId", v.callId())
                        .bind("tenant", nonNull(v.tenant()))
                        .bind("channel", v.channel())
                        .bind("channelRole", nonNull(v.channelRole()))
                        .bind("startMs", v.startMs())
                        .bind("endMs", v.endMs())
                        .bind("text", nonNull(v.text()))
                        .bind("language", nonNull(v.language()))
                        .bind("categories", Json.of(vn.guardian.contracts.serde.Json.MAPPER
                                .writeValueAsBytes(v.categories())))
                        .bind("severity", v.severity().name())
                        .bind("action", v.action().name())
                        .bind("lexiconVersion", nonNull(v.lexiconVersion()))
                        .bind("ingestedAt", Instant.ofEpochMilli(v.closingChunkIngestedAt()))
                        .bind("decidedAt", Instant.ofEpochMilli(v.decidedAt()))
                        .fetch().rowsUpdated())
                .concatWith(Flux.fromIterable(calls).concatMap(c -> client.sql(UPSERT_CALL)
                        .bind("callId", c.callId())
                        .bind("tenant", nonNull(c.tenant()))
                        .bind("segments", c.segments())
                        .bind("counts", Json.of(vn.guardian.contracts.serde.Json.MAPPER
                                .writeValueAsBytes(c.countsByCategory())))
                        .bind("maxSeverity", c.maxSeverity().name())
                        .bind("riskScore", c.riskScore())
                        .bind("action", c.action().name())
                        .bind("escalation", Json.of(vn.guardian.contracts.serde.Json.MAPPER
                                .writeValueAsBytes(c.escalation())))
                        .bind("open", c.open())
                        .bind("closeReason", nonNull(c.closeReason()))
                        .bind("updatedAt", Instant.ofEpochMilli(c.updatedAt()))
                        .fetch().rowsUpdated()))
                .then()
                .as(transaction::transactional)
                .block(timeout);
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }
}
