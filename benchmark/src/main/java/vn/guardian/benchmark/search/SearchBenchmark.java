package vn.guardian.benchmark.search;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.util.FileSystemUtils;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;
import vn.guardian.benchmark.Machine;
import vn.guardian.benchmark.report.Format;
import vn.guardian.benchmark.report.ReportJson;
import vn.guardian.benchmark.report.TextTable;
import vn.guardian.benchmark.stats.Stats;
import vn.guardian.embedded.EmbeddedDatabase;
import vn.guardian.ingest.search.Cursor;
import vn.guardian.ingest.search.Search;
import vn.guardian.ingest.search.SearchFilters;

/**
 * {@code benchmark.jar search}: seeds PostgreSQL (the real Flyway migrations, then COPY) with calls and segment
 * verdicts, then times the analysts' search ({@code GET /v1/calls}, {@code GET /v1/segments}) for typical filters by
 * calling ingest-service's own {@link Search} over a pooled R2DBC connection, as the API does (the HTTP layer is
 * left out). Prints p50/p95/p99/max per filter and the plan of every search, and writes them as JSON.
 */
public final class SearchBenchmark {

    /** The target for the search's p95 on the benchmark machine. */
    static final double TARGET_P95_MS = 50;

    /** One filter to time: the query parameters exactly as a client sends them. */
    record Case(String id, String kind, String description, Map<String, String> params, boolean secondPage) {
    }

    public static void main(String[] args) throws Exception {
        SearchOptions options;
        try {
            options = SearchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(new SearchBenchmark().run(options));
    }

    private final Map<String, Object> report = new LinkedHashMap<>();

    int run(SearchOptions options) throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        Map<String, Object> machine = Machine.describe(cores);
        report.put("machine", machine);
        report.put("options", options);
        Path dataDir = null;
        EmbeddedDatabase embedded = null;
        try {
            String jdbcUrl = options.jdbcUrl();
            if (jdbcUrl == null) {
                dataDir = Files.createTempDirectory("guardian-search-bench-");
                log("Starting an embedded PostgreSQL in " + dataDir);
                embedded = EmbeddedDatabase.start(0, dataDir);
                jdbcUrl = embedded.jdbcUrl();
            }
            String url = jdbcUrl;
            SearchSeed.ConnectionSource connections = () -> DriverManager.getConnection(url, options.user(),
                    options.password());
            Instant now;
            if (options.noSeed()) {
                now = newestCall(connections);
                log("--no-seed: measuring the rows in place; 'now' = the newest call's start, " + now);
            } else {
                migrate(url, options);
                now = options.now() != null ? options.now() : Instant.now().truncatedTo(ChronoUnit.SECONDS);
                SearchSeed seed = new SearchSeed(options, now);
                log("Seeding " + options.calls() + " calls x " + options.segmentsPerCall() + " segments over "
                        + options.tenants() + " tenants (seed " + options.seed() + ")");
                SearchSeed.Load load = seed.load(connections);
                log("Seeded " + load.totals() + ": COPY " + load.copyMs() + " ms, indexes " + load.indexMs()
                        + " ms, VACUUM ANALYZE " + load.analyzeMs() + " ms");
                report.put("seed", load);
            }
            report.put("database", describeDatabase(connections));
            String tenant = SearchSeed.tenantName(0);
            List<Case> cases = cases(now);
            Map<String, Object> results = measure(url, options, connections, tenant, cases);
            report.put("now", now.toString());
            report.put("tenant", tenant);
            report.put("cases", results);
            machine.put("loadAverageAfter", Machine.loadAverage());
            print(machine, cores, options, tenant, cases, results, (Map<?, ?>) report.get("database"));
            ReportJson.write(report, options.out());
            System.out.println("JSON (with every search's SQL and plan): " + options.out().toAbsolutePath());
            if (options.holdSeconds() > 0) {
                System.out.println("Holding the database for " + options.holdSeconds() + " s: " + url
                        + " (user " + options.user() + ")");
                Thread.sleep(options.holdSeconds() * 1000L);
            }
            return 0;
        } finally {
            if (embedded != null) {
                embedded.close();
            }
            if (dataDir != null) {
                FileSystemUtils.deleteRecursively(dataDir);
            }
        }
    }

    /** moderation-stream's migrations, from its jar on the classpath: the schema the services run on. */
    private void migrate(String url, SearchOptions options) {
        var configuration = Flyway.configure(SearchBenchmark.class.getClassLoader())
                .dataSource(url, options.user(), options.password())
                .locations("classpath:db/migration");
        if (options.schemaVersion() != null) {
            configuration.target(options.schemaVersion());
        }
        MigrateResult result = configuration.load().migrate();
        List<String> applied = result.migrations.stream().map(m -> "V" + m.version + " " + m.description).toList();
        log("Flyway applied " + applied + " (schema now at " + result.targetSchemaVersion + ")");
        report.put("migrations", applied);
    }

    static List<Case> cases(Instant now) {
        String day = now.minus(Duration.ofHours(24)).toString();
        String week = now.minus(Duration.ofDays(7)).toString();
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("1", "calls", "24 h, action=FLAG", Map.of("from", day, "action", "FLAG"), false));
        cases.add(new Case("2", "calls", "24 h, FLAG, category=INSULT",
                Map.of("from", day, "action", "FLAG", "category", "INSULT"), false));
        cases.add(new Case("3a", "calls", "24 h, q common '" + Vocabulary.COMMON_VI + "'",
                Map.of("from", day, "q", Vocabulary.COMMON_VI), false));
        cases.add(new Case("3b", "calls", "24 h, q rare '" + Vocabulary.RARE_VI + "'",
                Map.of("from", day, "q", Vocabulary.RARE_VI), false));
        cases.add(new Case("3c", "calls", "24 h, q folded '" + Vocabulary.ABUSE_FOLDED + "'",
                Map.of("from", day, "q", Vocabulary.ABUSE_FOLDED), false));
        cases.add(new Case("3d", "calls", "24 h, FLAG, INSULT, q folded '" + Vocabulary.ABUSE_FOLDED + "'",
                Map.of("from", day, "action", "FLAG", "category", "INSULT", "q", Vocabulary.ABUSE_FOLDED), false));
        cases.add(new Case("3e", "segments", "24 h, q common '" + Vocabulary.COMMON_VI + "'",
                Map.of("from", day, "q", Vocabulary.COMMON_VI), false));
        cases.add(new Case("3f", "segments", "24 h, q rare '" + Vocabulary.RARE_VI + "'",
                Map.of("from", day, "q", Vocabulary.RARE_VI), false));
        cases.add(new Case("3g", "segments", "24 h, q folded '" + Vocabulary.ABUSE_FOLDED + "'",
                Map.of("from", day, "q", Vocabulary.ABUSE_FOLDED), false));
        cases.add(new Case("4a", "calls", "page 2 of (1)", Map.of("from", day, "action", "FLAG"), true));
        cases.add(new Case("4b", "segments", "page 2 of (3e)", Map.of("from", day, "q", Vocabulary.COMMON_VI), true));
        cases.add(new Case("5", "segments", "7 d, category=VIOLENCE_OR_THREAT",
                Map.of("from", week, "category", "VIOLENCE_OR_THREAT"), false));
        // beyond the list: a phrase over the whole history, no time range
        cases.add(new Case("6a", "calls", "all 30 d, q rare '" + Vocabulary.RARE_VI + "'",
                Map.of("q", Vocabulary.RARE_VI), false));
        cases.add(new Case("6b", "segments", "all 30 d, q rare '" + Vocabulary.RARE_VI + "'",
                Map.of("q", Vocabulary.RARE_VI), false));
        return cases;
    }

    private Map<String, Object> measure(String jdbcUrl, SearchOptions options, SearchSeed.ConnectionSource connections,
                                        String tenant, List<Case> cases) throws Exception {
        ConnectionFactoryOptions r2dbc = ConnectionFactoryOptions.parse(jdbcUrl.replaceFirst("^jdbc:", "r2dbc:")
                        .replaceFirst("\\?.*$", ""))
                .mutate()
                .option(ConnectionFactoryOptions.USER, options.user())
                .option(ConnectionFactoryOptions.PASSWORD, options.password())
                .build();
        // a pool as ingest has one (Spring Boot's r2dbc-pool), sized for one search at a time
        ConnectionPool pool = new ConnectionPool(ConnectionPoolConfiguration.builder(ConnectionFactories.get(r2dbc))
                .initialSize(1).maxSize(2).build());
        SqlCapture capture = new SqlCapture();
        ConnectionFactory captured = capture.wrap(pool);
        JsonMapper json = JsonMapper.builder().build();
        Search search = new Search(DatabaseClient.create(pool), json);
        Search recorded = new Search(DatabaseClient.create(captured), json);
        Map<String, Object> results = new LinkedHashMap<>();
        try (Connection explain = connections.open()) {
            // the seeding's dirty pages written out first, so the checkpointer does not weigh on the first cases
            try (Statement statement = explain.createStatement()) {
                statement.execute("CHECKPOINT");
            }
            List<Case> timed = new ArrayList<>();
            List<SearchFilters> timedFilters = new ArrayList<>();
            List<SqlCapture.Statement> sql = new ArrayList<>();
            List<Integer> rows = new ArrayList<>();
            for (Case c : cases) {
                SearchFilters filters = filters(search, tenant, c);
                if (filters == null) {
                    log("(" + c.id() + ") skipped: page 1 is the last page");
                    continue;
                }
                capture.clear();
                rows.add(execute(recorded, tenant, c, filters));
                sql.add(capture.statements().get(capture.statements().size() - 1));
                timed.add(c);
                timedFilters.add(filters);
            }
            // round-robin: every case once per round, so a burst of load on the shared machine hits all cases alike
            for (int i = 0; i < options.warmUp(); i++) {
                for (int k = 0; k < timed.size(); k++) {
                    execute(search, tenant, timed.get(k), timedFilters.get(k));
                }
            }
            double[][] millis = new double[timed.size()][options.runs()];
            for (int i = 0; i < options.runs(); i++) {
                for (int k = 0; k < timed.size(); k++) {
                    long start = System.nanoTime();
                    execute(search, tenant, timed.get(k), timedFilters.get(k));
                    millis[k][i] = (System.nanoTime() - start) / 1e6;
                }
            }
            for (int k = 0; k < timed.size(); k++) {
                Case c = timed.get(k);
                Stats.Latency latency = Stats.latency(millis[k]);
                SqlCapture.Statement statement = sql.get(k);
                String plan = explain(explain, statement.withLiterals());
                log("(" + c.id() + ") " + c.kind() + " " + c.description() + ": " + rows.get(k) + " rows, p50 "
                        + Format.number(latency.p50(), 2) + " ms, p95 " + Format.number(latency.p95(), 2) + " ms, max "
                        + Format.number(latency.max(), 2) + " ms");
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("kind", c.kind());
                result.put("description", c.description());
                result.put("params", c.params());
                result.put("secondPage", c.secondPage());
                result.put("rows", rows.get(k));
                result.put("latencyMs", latency);
                result.put("sql", statement.sql());
                result.put("binds", statement.binds().values().stream().map(SqlCapture::value).map(String::valueOf).toList());
                result.put("plan", plan);
                result.put("explainBuffersHit", buffersHit(plan));
                results.put(c.id(), result);
            }
        } finally {
            pool.dispose();
        }
        return results;
    }

    /** The filters the API would parse from the case's query parameters; for page 2, page 1's cursor added. */
    private static SearchFilters filters(Search search, String tenant, Case c) {
        MultiValueMap<String, String> params = new LinkedMultiValueMap<>();
        c.params().forEach(params::add);
        if (c.secondPage()) {
            SearchFilters first = SearchFilters.parse(params, c.kind());
            String next = (c.kind().equals(Cursor.CALLS) ? search.calls(tenant, first) : search.segments(tenant, first))
                    .flatMap(p -> Mono.justOrEmpty(p.nextCursor())).block(Duration.ofMinutes(1));
            if (next == null) {
                return null; // page 1 is the last page: nothing to time (only with a small seed)
            }
            params.add("cursor", next);
        }
        return SearchFilters.parse(params, c.kind());
    }

    private static int execute(Search search, String tenant, Case c, SearchFilters filters) {
        Mono<? extends Search.Page<?>> page = c.kind().equals(Cursor.CALLS) ? search.calls(tenant, filters)
                : search.segments(tenant, filters);
        return page.map(p -> p.items().size()).block(Duration.ofMinutes(1));
    }

    private static String explain(Connection connection, String sql) throws SQLException {
        StringBuilder plan = new StringBuilder();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("EXPLAIN (ANALYZE, BUFFERS) " + sql)) {
            while (rows.next()) {
                plan.append(rows.getString(1)).append('\n');
            }
        }
        return plan.toString();
    }

    /** Shared buffers the plan touched (its first Buffers line, the top node's total). */
    static long buffersHit(String plan) {
        java.util.regex.Matcher hit = java.util.regex.Pattern.compile("Buffers: shared hit=(\\d+)(?: read=(\\d+))?")
                .matcher(plan);
        if (!hit.find()) {
            return 0;
        }
        return Long.parseLong(hit.group(1)) + (hit.group(2) == null ? 0 : Long.parseLong(hit.group(2)));
    }

    private static Instant newestCall(SearchSeed.ConnectionSource connections) throws SQLException {
        try (Connection connection = connections.open(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT max(started_at) FROM calls")) {
            rows.next();
            return rows.getTimestamp(1).toInstant();
        }
    }

    private static Map<String, Object> describeDatabase(SearchSeed.ConnectionSource connections) throws SQLException {
        Map<String, Object> database = new LinkedHashMap<>();
        try (Connection connection = connections.open(); Statement statement = connection.createStatement()) {
            for (String query : List.of("SELECT version()", "SHOW shared_buffers", "SHOW work_mem",
                    "SELECT count(*) FROM calls", "SELECT count(*) FROM segment_verdicts",
                    "SELECT count(*) FROM call_verdicts",
                    "SELECT pg_size_pretty(pg_total_relation_size('segment_verdicts'))",
                    "SELECT pg_size_pretty(pg_total_relation_size('calls'))",
                    "SELECT string_agg(action || ' ' || n, ', ' ORDER BY action) FROM "
                            + "(SELECT action, count(*) n FROM segment_verdicts GROUP BY action) a",
                    "SELECT string_agg(tenant || ' ' || n, ', ' ORDER BY tenant) FROM "
                            + "(SELECT tenant, count(*) n FROM calls GROUP BY tenant) t")) {
                try (ResultSet rows = statement.executeQuery(query)) {
                    rows.next();
                    database.put(query, rows.getString(1));
                }
            }
        }
        return database;
    }

    private static void print(Map<String, Object> machine, int cores, SearchOptions options, String tenant,
                              List<Case> cases, Map<String, Object> results, Map<?, ?> database) {
        TextTable table = new TextTable("Search: ingest's Search (R2DBC, pooled), tenant " + tenant + ", limit "
                + SearchFilters.DEFAULT_LIMIT + ", " + options.runs() + " runs after " + options.warmUp()
                + " warm-up rounds, every filter once per round; ms; EXPLAIN ANALYZE of one run after them, shared buffers it touched", "case", "endpoint", "filters", "rows", "p50", "p95", "p99", "max", "EXPLAIN ms", "buffers",
                "p95 <= " + (int) TARGET_P95_MS + " ms");
        for (Case c : cases) {
            @SuppressWarnings("unchecked")
            Map<String, Object> result = (Map<String, Object>) results.get(c.id());
            if (result == null) {
                continue;
            }
            Stats.Latency latency = (Stats.Latency) result.get("latencyMs");
            table.row("(" + c.id() + ")", "/v1/" + c.kind(), c.description(), result.get("rows"),
                    Format.number(latency.p50(), 2), Format.number(latency.p95(), 2), Format.number(latency.p99(), 2),
                    Format.number(latency.max(), 2), explainMs((String) result.get("plan")),
                    result.get("explainBuffersHit"), latency.p95() <= TARGET_P95_MS ? "yes" : "NO");
        }
        System.out.println();
        System.out.println("Machine: " + machine.get("cpuModel") + ", " + cores + " cores; load average before "
                + machine.get("loadAverageBefore") + ", after " + machine.get("loadAverageAfter"));
        System.out.println("Data: " + database.get("SELECT count(*) FROM calls") + " calls ("
                + database.get("SELECT string_agg(tenant || ' ' || n, ', ' ORDER BY tenant) FROM "
                + "(SELECT tenant, count(*) n FROM calls GROUP BY tenant) t") + "), "
                + database.get("SELECT count(*) FROM segment_verdicts") + " segment verdicts ("
                + database.get("SELECT string_agg(action || ' ' || n, ', ' ORDER BY action) FROM "
                + "(SELECT action, count(*) n FROM segment_verdicts GROUP BY action) a") + "), segment_verdicts "
                + database.get("SELECT pg_size_pretty(pg_total_relation_size('segment_verdicts'))")
                + " with indexes; " + database.get("SHOW shared_buffers") + " shared_buffers");
        System.out.println(table.render());
    }

    private static String explainMs(String plan) {
        java.util.regex.Matcher time = java.util.regex.Pattern.compile("Execution Time: ([\\d.]+) ms").matcher(plan);
        return time.find() ? Format.number(Double.parseDouble(time.group(1)), 2) : "-";
    }

    private static void log(String line) {
        System.err.println("[search-benchmark] " + line);
    }
}
