package vn.guardian.benchmark.search;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.UUID;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import vn.guardian.contracts.transcript.SegmentIds;
import vn.guardian.contracts.verdict.Action;
import vn.guardian.contracts.verdict.Category;
import vn.guardian.contracts.verdict.Severity;
import vn.guardian.moderation.classifier.SegmentClassifier;

/**
 * Seeds {@code calls}, {@code call_verdicts} and {@code segment_verdicts} with realistic rows through {@code COPY}:
 * calls over the 30 days before {@code now} (most in Vietnamese business hours), Vietnamese and English transcripts,
 * about 10 % of segments FLAG and 1 % ESCALATE (clustered in heated calls), the calls' action and categories and
 * their call verdicts folded from their segments as moderation does. The same seed gives the same rows, shifted
 * with {@code now}.
 */
final class SearchSeed {

    static final String SEGMENT_COLUMNS = "segment_id, call_id, tenant, channel, channel_role, start_ms, end_ms, text, "
            + "language, categories, severity, action, lexicon_version, ingested_at, decided_at, stored_at";
    static final String CALL_COLUMNS = "call_id, tenant, language, source_format, channel_roles, metadata, started_at, "
            + "ended_at, end_reason, closed_at, audio_ms, chunks_by_channel, segments, failure, action, categories, "
            + "updated_at";
    static final String VERDICT_COLUMNS = "call_id, tenant, segments, counts_by_category, max_severity, risk_score, "
            + "action, open, updated_at, stored_at, escalation, close_reason";
    static final String LEXICON_VERSION = "2026.11.25-4";
    static final Duration HISTORY = Duration.ofDays(30);
    /** share of heated calls, and their segments' chance of FLAG and ESCALATE; calm calls have far less */
    private static final double HEATED = 0.15;
    private static final double HEATED_FLAG = 0.60;
    private static final double HEATED_ESCALATE = 0.055;
    private static final double CALM_FLAG = 0.012;
    private static final double CALM_ESCALATE = 0.0015;
    private static final String[] ROLES = {"agent", "customer"};
    private static final String[] QUEUES = {"billing", "support", "sales", "retention"};

    /** What was seeded. */
    record Totals(long calls, long failedCalls, long liveCalls, long segments, long flagged, long escalated,
                  Map<String, Long> callsByTenant) {
    }

    /** Receives the COPY text lines of each table. */
    interface Sink {
        void call(String line);

        void verdict(String line);

        void segment(String line);
    }

    private final SearchOptions options;
    private final Instant now;
    private final List<String> tenants = new ArrayList<>();
    private final double[] tenantWeights;

    SearchSeed(SearchOptions options, Instant now) {
        this.options = options;
        this.now = now.truncatedTo(ChronoUnit.MILLIS);
        tenantWeights = new double[options.tenants()];
        double sum = 0;
        for (int i = 0; i < options.tenants(); i++) {
            tenants.add(tenantName(i));
            tenantWeights[i] = 1.0 / (i + 1); // the first tenant is the biggest: 55/27/18 % for three
            sum += tenantWeights[i];
        }
        double running = 0;
        for (int i = 0; i < tenantWeights.length; i++) {
            running += tenantWeights[i] / sum;
            tenantWeights[i] = running;
        }
    }

    static String tenantName(int index) {
        return index < 26 ? "tenant-" + (char) ('a' + index) : "tenant-" + index;
    }

    List<String> tenants() {
        return tenants;
    }

    /** Generates every row, in call order, into {@code sink}. */
    Totals generate(Sink sink) {
        SplittableRandom random = new SplittableRandom(options.seed());
        Map<String, Long> byTenant = new LinkedHashMap<>();
        long[] counts = new long[3]; // segments, flagged, escalated
        long failed = 0;
        long live = 0;
        int spread = options.segmentsPerCall() / 2;
        int offset = 0;
        // calls are written in the order they started, as the services write them: a day's rows share heap pages
        long[] starts = new long[options.calls()];
        for (int i = 0; i < starts.length; i++) {
            starts[i] = startedAt(random).toEpochMilli();
        }
        java.util.Arrays.sort(starts);
        for (int i = 0; i < options.calls(); i++) {
            // pairs of calls: one d segments above the mean, the next d below, so the total is exact
            int segments;
            if (i % 2 == 0) {
                offset = spread == 0 ? 0 : random.nextInt(spread + 1);
                segments = options.segmentsPerCall() + (i + 1 < options.calls() ? offset : 0);
            } else {
                segments = options.segmentsPerCall() - offset;
            }
            String tenant = tenant(random);
            byTenant.merge(tenant, 1L, Long::sum);
            call(random, sink, tenant, Instant.ofEpochMilli(starts[i]), segments, false, counts);
            if (i % 200 == 199) {
                failedCall(random, sink, tenant(random), Instant.ofEpochMilli(starts[i] + random.nextInt(1_000)));
                failed++;
            }
        }
        // a few calls still going on: started in the last minutes, their segments so far, no verdict closed
        for (String tenant : tenants) {
            for (int k = 0; k < 5; k++) {
                Instant started = now.minusMillis(60_000 + random.nextLong(8 * 60_000));
                call(random, sink, tenant, started, options.segmentsPerCall(), true, counts);
                live++;
            }
        }
        return new Totals(options.calls() + failed + live, failed, live, counts[0], counts[1], counts[2], byTenant);
    }

    private String tenant(SplittableRandom random) {
        double draw = random.nextDouble();
        for (int i = 0; i < tenantWeights.length; i++) {
            if (draw < tenantWeights[i]) {
                return tenants.get(i);
            }
        }
        return tenants.get(tenants.size() - 1);
    }

    /** A start in the 30 days before now, 85 % within 08:00-20:00 Vietnam time (01:00-13:00 UTC), none in the last 10 min. */
    private Instant startedAt(SplittableRandom random) {
        Instant latest = now.minus(Duration.ofMinutes(10));
        while (true) {
            Instant day = now.truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(random.nextInt(31)));
            long ms = random.nextDouble() < 0.85 ? Duration.ofHours(1).toMillis() + random.nextLong(Duration.ofHours(12).toMillis())
                    : random.nextLong(Duration.ofDays(1).toMillis());
            Instant started = day.plusMillis(ms);
            if (started.isBefore(latest) && !started.isBefore(now.minus(HISTORY))) {
                return started;
            }
        }
    }

    private void call(SplittableRandom random, Sink sink, String tenant, Instant started, int segments, boolean live,
                      long[] counts) {
        String callId = new UUID(random.nextLong(), random.nextLong()).toString();
        String language = random.nextDouble() < 0.65 ? "vi" : "en";
        boolean heated = random.nextDouble() < HEATED;
        Map<Category, Long> byCategory = new EnumMap<>(Category.class);
        Severity maxSeverity = Severity.NONE;
        Action callAction = Action.ALLOW;
        double risk = 0;
        String escalatedBy = null;
        String escalationDetail = null;
        long cursorMs = 300 + random.nextInt(2_000);
        int written = 0;
        Instant lastDecided = started;
        for (int s = 0; s < segments; s++) {
            int channel = random.nextInt(2);
            long startMs = cursorMs;
            long endMs = startMs + 1_200 + random.nextInt(4_800);
            cursorMs = endMs + 200 + random.nextInt(1_300);
            Instant decided = started.plusMillis(endMs + 150 + random.nextInt(450));
            if (live && decided.isAfter(now)) {
                break;
            }
            Instant ingested = decided.minusMillis(100 + random.nextInt(300));
            Instant stored = decided.plusMillis(5 + random.nextInt(55));
            double draw = random.nextDouble();
            Action action = draw < (heated ? HEATED_ESCALATE : CALM_ESCALATE) ? Action.ESCALATE
                    : draw < (heated ? HEATED_ESCALATE + HEATED_FLAG : CALM_ESCALATE + CALM_FLAG) ? Action.FLAG
                    : Action.ALLOW;
            String text;
            String categories;
            Severity severity;
            String segmentId = SegmentIds.of(callId, channel, startMs * 8);
            if (action == Action.ALLOW) {
                text = Vocabulary.clean(random, language);
                categories = "[]";
                severity = Severity.NONE;
            } else {
                List<Category> found = new ArrayList<>();
                found.add(action == Action.ESCALATE ? escalateCategory(random) : flagCategory(random));
                if (action == Action.FLAG && found.get(0) == Category.INSULT && random.nextDouble() < 0.25) {
                    found.add(Category.PROFANITY);
                }
                severity = action == Action.ESCALATE ? (random.nextDouble() < 0.5 ? Severity.CRITICAL : Severity.HIGH)
                        : (random.nextDouble() < 0.6 ? Severity.MEDIUM : Severity.LOW);
                StringBuilder body = new StringBuilder();
                if (random.nextDouble() < 0.6) {
                    body.append(Vocabulary.clean(random, language)).append(' ');
                }
                StringBuilder json = new StringBuilder("[");
                double score = 0.95 + random.nextDouble() * 0.04;
                for (Category category : found) {
                    String[] phrase = Vocabulary.abuse(random, language, category);
                    int phraseAt = body.length();
                    body.append(phrase[0]).append(' ');
                    int termAt = phraseAt + phrase[0].indexOf(phrase[1]);
                    score -= 0.05 + random.nextDouble() * 0.3; // highest first
                    boolean model = random.nextDouble() < 0.15;
                    json.append(json.length() > 1 ? "," : "").append("{\"category\":\"").append(category.name())
                            .append("\",\"score\":").append(String.format(Locale.ROOT, "%.3f", score))
                            .append(",\"spans\":[{\"start\":").append(termAt).append(",\"end\":")
                            .append(termAt + phrase[1].length()).append(",\"term\":\"").append(phrase[1])
                            .append("\"}],\"source\":\"").append(model ? "LEXICON_AND_MODEL" : "LEXICON").append("\"}");
                    byCategory.merge(category, 1L, Long::sum);
                }
                if (random.nextDouble() < 0.4) {
                    body.append(Vocabulary.clean(random, language));
                }
                text = body.toString().strip();
                categories = json.append(']').toString();
                maxSeverity = maxSeverity.max(severity);
                risk = 1 - (1 - risk) * (1 - 0.5 * SegmentClassifier.weight(severity));
                callAction = callAction.max(action);
                counts[action == Action.ESCALATE ? 2 : 1]++;
                if (action == Action.ESCALATE && escalatedBy == null) {
                    escalatedBy = segmentId;
                    escalationDetail = "a segment escalated on its own (" + severity + " [" + found.get(0) + "])";
                }
            }
            sink.segment(String.join("\t", segmentId, callId, tenant, Integer.toString(channel), ROLES[channel],
                    Long.toString(startMs), Long.toString(endMs), text, language, categories, severity.name(),
                    action.name(), LEXICON_VERSION, ingested.toString(), decided.toString(), stored.toString()));
            counts[0]++;
            written++;
            lastDecided = decided;
        }
        long audioMs = cursorMs + random.nextInt(1_000);
        Instant ended = started.plusMillis(audioMs);
        Instant closed = ended.plusMillis(500 + random.nextInt(2_500));
        Instant updated = live ? lastDecided : closed;
        String reason = live ? "" : random.nextDouble() < 0.97 ? "completed" : random.nextDouble() < 0.7 ? "idle-timeout"
                : "truncated";
        long chunks = audioMs / 250;
        String categoryArray = "{" + String.join(",", new TreeSet<>(byCategory.keySet().stream().map(Enum::name).toList())) + "}";
        sink.call(String.join("\t", callId, tenant, language,
                "{\"encoding\":\"mulaw\",\"sampleRate\":8000,\"channels\":2}", "{agent,customer}",
                "{\"queue\":\"" + QUEUES[random.nextInt(QUEUES.length)] + "\"}", started.toString(),
                live ? "\\N" : ended.toString(), reason, live ? "\\N" : closed.toString(),
                Long.toString(live ? 0 : audioMs), live ? "{}" : "{" + chunks + "," + chunks + "}",
                Long.toString(live ? 0 : written), "", callAction.name(), categoryArray, updated.toString()));
        StringBuilder countsJson = new StringBuilder("{");
        byCategory.forEach((category, n) -> countsJson.append(countsJson.length() > 1 ? "," : "")
                .append('"').append(category.name()).append("\":").append(n));
        String escalation = escalatedBy == null ? "null" : "{\"rule\":\"segment\",\"detail\":\"" + escalationDetail
                + "\",\"segmentIds\":[\"" + escalatedBy + "\"]}";
        sink.verdict(String.join("\t", callId, tenant, Long.toString(written), countsJson.append('}').toString(),
                maxSeverity.name(), String.format(Locale.ROOT, "%.3f", risk), callAction.name(),
                Boolean.toString(live), updated.toString(), updated.plusMillis(20).toString(), escalation, reason));
    }

    /** A call the transcriber refused (no model for its language): a calls row, no segments, no verdict. */
    private void failedCall(SplittableRandom random, Sink sink, String tenant, Instant started) {
        String callId = new UUID(random.nextLong(), random.nextLong()).toString();
        sink.call(String.join("\t", callId, tenant, "fr", "{\"encoding\":\"mulaw\",\"sampleRate\":8000,\"channels\":2}",
                "{agent,customer}", "{\"queue\":\"support\"}", started.toString(), "\\N", "", "\\N", "0", "{}", "0",
                "no-model: no Vosk model for language 'fr'", "ALLOW", "{}", started.plusMillis(40).toString()));
    }

    private static Category flagCategory(SplittableRandom random) {
        double draw = random.nextDouble();
        return draw < 0.45 ? Category.INSULT : draw < 0.80 ? Category.PROFANITY : draw < 0.92
                ? Category.HARASSMENT_OR_ABUSE : draw < 0.97 ? Category.VIOLENCE_OR_THREAT : Category.SEXUAL;
    }

    private static Category escalateCategory(SplittableRandom random) {
        double draw = random.nextDouble();
        return draw < 0.65 ? Category.VIOLENCE_OR_THREAT : draw < 0.85 ? Category.HATE_SPEECH : Category.SEXUAL;
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** What loading took. */
    record Load(Totals totals, long copyMs, long indexMs, long analyzeMs, Map<String, String> indexes) {
    }

    /**
     * Loads the rows with COPY (three connections, one per table, streamed), with the tables' secondary indexes
     * dropped during the load and recreated from their own definitions after it, then VACUUM ANALYZE.
     */
    Load load(ConnectionSource connections) throws Exception {
        Map<String, String> indexes = new LinkedHashMap<>();
        try (Connection admin = connections.open(); Statement statement = admin.createStatement()) {
            try (ResultSet rows = statement.executeQuery("""
                    SELECT i.indexname, i.indexdef FROM pg_indexes i
                     WHERE i.schemaname = current_schema()
                       AND i.tablename IN ('calls', 'call_verdicts', 'segment_verdicts')
                       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
                     ORDER BY i.tablename, i.indexname""")) {
                while (rows.next()) {
                    indexes.put(rows.getString(1), rows.getString(2));
                }
            }
            for (String index : indexes.keySet()) {
                statement.execute("DROP INDEX " + index);
            }
        }
        long start = System.nanoTime();
        Totals totals;
        try (Copy calls = new Copy(connections.open(), "calls", CALL_COLUMNS);
             Copy verdicts = new Copy(connections.open(), "call_verdicts", VERDICT_COLUMNS);
             Copy segments = new Copy(connections.open(), "segment_verdicts", SEGMENT_COLUMNS)) {
            totals = generate(new Sink() {
                @Override
                public void call(String line) {
                    calls.line(line);
                }

                @Override
                public void verdict(String line) {
                    verdicts.line(line);
                }

                @Override
                public void segment(String line) {
                    segments.line(line);
                }
            });
            calls.finish();
            verdicts.finish();
            segments.finish();
        }
        long copyMs = (System.nanoTime() - start) / 1_000_000;
        start = System.nanoTime();
        try (Connection admin = connections.open(); Statement statement = admin.createStatement()) {
            statement.execute("SET maintenance_work_mem = '512MB'");
            for (String definition : indexes.values()) {
                statement.execute(definition);
            }
        }
        long indexMs = (System.nanoTime() - start) / 1_000_000;
        start = System.nanoTime();
        try (Connection admin = connections.open(); Statement statement = admin.createStatement()) {
            statement.execute("VACUUM (ANALYZE) calls, call_verdicts, segment_verdicts");
        }
        long analyzeMs = (System.nanoTime() - start) / 1_000_000;
        return new Load(totals, copyMs, indexMs, analyzeMs, indexes);
    }

    /** Opens JDBC connections to the database being seeded. */
    interface ConnectionSource {
        Connection open() throws SQLException;
    }

    /** One table's COPY FROM STDIN (text format), fed in 1 MiB writes. */
    private static final class Copy implements AutoCloseable {
        private final Connection connection;
        private final CopyIn copy;
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(1 << 21);
        private boolean finished;

        Copy(Connection connection, String table, String columns) throws SQLException {
            this.connection = connection;
            this.copy = connection.unwrap(PGConnection.class).getCopyAPI()
                    .copyIn("COPY " + table + " (" + columns + ") FROM STDIN");
        }

        void line(String line) {
            byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
            buffer.write(bytes, 0, bytes.length);
            if (buffer.size() >= 1 << 20) {
                flush();
            }
        }

        private void flush() {
            try {
                copy.writeToCopy(buffer.toByteArray(), 0, buffer.size());
                buffer.reset();
            } catch (SQLException e) {
                throw new IllegalStateException("COPY failed: " + e.getMessage(), e);
            }
        }

        void finish() throws SQLException {
            flush();
            copy.endCopy();
            finished = true;
        }

        @Override
        public void close() throws SQLException {
            try {
                if (!finished && copy.isActive()) {
                    copy.cancelCopy();
                }
            } finally {
                connection.close();
            }
        }
    }
}
