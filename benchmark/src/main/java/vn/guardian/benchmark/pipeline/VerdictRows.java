package vn.guardian.benchmark.pipeline;

import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import vn.guardian.embedded.EmbeddedDatabase;

/** Reads {@code segment_verdicts} rows as the benchmark's clock of record: one JDBC connection, read-only queries. */
public final class VerdictRows implements AutoCloseable {

    private final Connection connection;

    /** The embedded database of the single-JVM pipeline. */
    public VerdictRows(String jdbcUrl) throws SQLException {
        this(jdbcUrl, EmbeddedDatabase.USER, EmbeddedDatabase.PASSWORD);
    }

    /** Any PostgreSQL holding the schema, e.g. the local cluster's. */
    public VerdictRows(String jdbcUrl, String user, String password) throws SQLException {
        this.connection = DriverManager.getConnection(jdbcUrl, user, password);
        this.connection.setAutoCommit(true);
    }

    /**
     * One verdict row: its call, the two timestamps whose difference is the utterance-end latency, and moderation's
     * decision time between them (transcriber + moderation before it, the sink after it).
     */
    public record Row(String segmentId, String callId, long ingestedAtMs, long storedAtMs, long decidedAtMs) {
    }

    /** Rows whose closing chunk was ingested at or after {@code sinceMs}. */
    public List<Row> ingestedSince(long sinceMs) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT segment_id, call_id, "
                + "(extract(epoch FROM ingested_at) * 1000)::bigint, (extract(epoch FROM stored_at) * 1000)::bigint, "
                + "(extract(epoch FROM decided_at) * 1000)::bigint FROM segment_verdicts WHERE ingested_at >= ?")) {
            query.setTimestamp(1, new Timestamp(sinceMs));
            return rows(query);
        }
    }

    /** Rows of these calls. */
    public List<Row> ofCalls(Collection<String> callIds) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT segment_id, call_id, "
                + "(extract(epoch FROM ingested_at) * 1000)::bigint, (extract(epoch FROM stored_at) * 1000)::bigint, "
                + "(extract(epoch FROM decided_at) * 1000)::bigint FROM segment_verdicts WHERE call_id = ANY(?)")) {
            Array ids = connection.createArrayOf("text", callIds.toArray());
            query.setArray(1, ids);
            return rows(query);
        }
    }

    /**
     * The calls of these the pipeline has finished, with the segments it counted: call verdict closed and each of
     * those segments' rows stored. The pipeline's own count, not Vosk alone's: on varied speech two identical
     * recognizers can differ by an utterance, so a count taken by a separate raw run cannot tell when a call is done.
     */
    public Map<String, Long> finished(Collection<String> callIds) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT c.call_id, c.segments FROM call_verdicts c "
                + "WHERE c.call_id = ANY(?) AND NOT c.open "
                + "AND c.segments <= (SELECT count(*) FROM segment_verdicts s WHERE s.call_id = c.call_id)")) {
            query.setArray(1, connection.createArrayOf("text", callIds.toArray()));
            Map<String, Long> finished = new HashMap<>();
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    finished.put(result.getString(1), result.getLong(2));
                }
            }
            return finished;
        }
    }

    private static List<Row> rows(PreparedStatement query) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (ResultSet result = query.executeQuery()) {
            while (result.next()) {
                rows.add(new Row(result.getString(1), result.getString(2), result.getLong(3), result.getLong(4),
                        result.getLong(5)));
            }
        }
        return rows;
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
