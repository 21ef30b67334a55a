package vn.guardian.ingest.reviews;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import vn.guardian.contracts.verdict.Category;
import vn.guardian.ingest.calls.CallSyntax;
import vn.guardian.ingest.calls.CallView;
import vn.guardian.ingest.problem.ProblemException;
import vn.guardian.ingest.search.SearchFilters;
import vn.guardian.ingest.tenant.ApiKeyFilter;

/**
 * Analysts' reviews: {@code PUT /v1/calls/{callId}/segments/{segmentId}/review} stores a judgement,
 * {@code GET /v1/reviews/export} gives them as training CSV and {@code GET /v1/reviews/stats} says how right the
 * flags were.
 */
@RestController
public class ReviewController {

    /** Who reviews: there is no user system yet, so the client names the analyst. */
    public static final String REVIEWER_HEADER = "X-Reviewer";
    public static final String CLEAN = "clean";
    static final int MAX_NOTE = 2000;
    static final int MAX_REVIEWER = 128;
    static final int MAX_BODY = 16 * 1024;
    /** Without from/to, the export and the stats cover the last 30 days. */
    static final Duration DEFAULT_RANGE = Duration.ofDays(30);

    private final Reviews reviews;
    private final JsonMapper json;

    public ReviewController(Reviews reviews, JsonMapper json) {
        this.reviews = reviews;
        this.json = json;
    }

    @PutMapping("/v1/calls/{callId}/segments/{segmentId}/review")
    public Mono<CallView.ReviewView> review(@PathVariable String callId, @PathVariable String segmentId,
                                            @RequestBody(required = false) byte[] body, ServerWebExchange exchange) {
        String tenant = ApiKeyFilter.tenant(exchange);
        CallSyntax.requireCallId(callId, "callId");
        CallSyntax.requireCallId(segmentId, "segmentId");
        String reviewer = reviewer(exchange.getRequest().getHeaders().getFirst(REVIEWER_HEADER));
        JsonNode root = body(body);
        String label = label(root.get("label"));
        JsonNode noteNode = root.get("note");
        if (noteNode != null && !noteNode.isNull() && (!noteNode.isString() || noteNode.asString().length() > MAX_NOTE)) {
            throw invalid("note", String.valueOf(noteNode), "note must be text of at most " + MAX_NOTE
                    + " characters.", "e.g. \"note\":\"sarcasm, not an insult\", or leave it out");
        }
        for (var names = root.propertyNames().iterator(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("label") && !name.equals("note")) {
                throw invalid(name, name, "'" + name + "' is not a review field.", "send only label and note");
            }
        }
        String note = noteNode == null || noteNode.isNull() ? "" : noteNode.asString();
        return reviews.save(tenant, callId, segmentId, label, note, reviewer)
                .switchIfEmpty(Mono.error(() -> new ProblemException(HttpStatus.NOT_FOUND, "segment-not-found",
                        "Segment not found", "Call " + callId + " of this tenant has no moderated segment "
                        + segmentId + ".")
                        .field("segmentId").value(segmentId)
                        .fix("take segmentId from GET /v1/calls/" + callId + " (segments[].segmentId)")));
    }

    @GetMapping("/v1/reviews/export")
    public ResponseEntity<Flux<DataBuffer>> export(ServerWebExchange exchange) {
        String tenant = ApiKeyFilter.tenant(exchange);
        Instant[] range = range(exchange.getRequest().getQueryParams());
        DefaultDataBufferFactory buffers = DefaultDataBufferFactory.sharedInstance;
        Flux<DataBuffer> csv = Flux.concat(Flux.just("text,label\r\n"),
                        reviews.export(tenant, range[0], range[1]).map(row -> csv(row.text()) + "," + row.label() + "\r\n"))
                .map(line -> buffers.wrap(line.getBytes(StandardCharsets.UTF_8)));
        return ResponseEntity.ok()
                .contentType(new MediaType("text", "csv", StandardCharsets.UTF_8))
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"reviews-" + tenant + ".csv\"")
                .body(csv);
    }

    @GetMapping("/v1/reviews/stats")
    public Mono<Reviews.Stats> stats(ServerWebExchange exchange) {
        String tenant = ApiKeyFilter.tenant(exchange);
        Instant[] range = range(exchange.getRequest().getQueryParams());
        return reviews.stats(tenant, range[0], range[1]);
    }

    /** The labels a review may give: {@code clean} or a category, in lower case, as the train command reads them. */
    public static Set<String> labels() {
        Set<String> labels = new TreeSet<>();
        labels.add(CLEAN);
        for (Category category : Category.values()) {
            labels.add(category.name().toLowerCase(Locale.ROOT));
        }
        return labels;
    }

    private static String label(JsonNode node) {
        if (node == null || node.isNull() || !node.isString()) {
            throw invalid("label", node == null ? null : node.toString(), "label is missing or not text.",
                    "one of " + labels());
        }
        String label = node.asString().strip().toLowerCase(Locale.ROOT);
        if (!labels().contains(label)) {
            throw invalid("label", node.asString(), "'" + node.asString() + "' is not a review label.",
                    "one of " + labels());
        }
        return label;
    }

    private JsonNode body(byte[] body) {
        if (body == null || body.length == 0) {
            throw invalid("body", "(empty)", "The review is missing.", "send {\"label\":\"clean\"} or "
                    + "{\"label\":\"insult\",\"note\":\"...\"}");
        }
        if (body.length > MAX_BODY) {
            throw new ProblemException(HttpStatus.CONTENT_TOO_LARGE, "review-too-large", "Review too large",
                    "The review has " + body.length + " bytes; at most " + MAX_BODY + " are accepted.")
                    .field("body").value(body.length).fix("shorten the note to at most " + MAX_NOTE + " characters");
        }
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JacksonException e) {
            throw invalid("body", null, "The body is not valid JSON: " + e.getOriginalMessage(),
                    "send {\"label\":\"clean\"} or {\"label\":\"insult\",\"note\":\"...\"}");
        }
        if (root == null || !root.isObject()) {
            throw invalid("body", root == null ? null : root.getNodeType().name().toLowerCase(Locale.ROOT),
                    "The body must be a JSON object.", "send {\"label\":\"clean\"}");
        }
        return root;
    }

    private static String reviewer(String reviewer) {
        if (reviewer == null || reviewer.isBlank() || reviewer.length() > MAX_REVIEWER
                || reviewer.codePoints().anyMatch(Character::isISOControl)) {
            throw new ProblemException(HttpStatus.BAD_REQUEST, "invalid-reviewer", "Reviewer missing",
                    "A review must say who made it, in the " + REVIEWER_HEADER + " header (1.." + MAX_REVIEWER
                            + " printable characters).")
                    .field(REVIEWER_HEADER).value(reviewer == null ? null
                            : reviewer.length() > MAX_REVIEWER ? reviewer.substring(0, MAX_REVIEWER) + "..." : reviewer)
                    .fix("send e.g. " + REVIEWER_HEADER + ": lan.nguyen@example.vn");
        }
        return reviewer.strip();
    }

    private static Instant[] range(MultiValueMap<String, String> params) {
        for (String name : params.keySet()) {
            if (!name.equals("from") && !name.equals("to")) {
                throw SearchFilters.invalid(name, params.getFirst(name), "'" + name + "' is not a parameter here.",
                        "use only from and to (ISO-8601 dates or instants)");
            }
        }
        String toText = params.getFirst("to");
        String fromText = params.getFirst("from");
        Instant to = toText == null ? Instant.now() : SearchFilters.instant(toText, "to");
        Instant from = fromText == null ? to.minus(DEFAULT_RANGE) : SearchFilters.instant(fromText, "from");
        if (!from.isBefore(to)) {
            throw SearchFilters.invalid("to", String.valueOf(to), "'to' must be later than 'from' (" + from + ").",
                    "swap them, or widen the range");
        }
        return new Instant[] {from, to};
    }

    /** RFC 4180: quoted when it holds a comma, a quote or a line break, quotes doubled. */
    static String csv(String text) {
        String value = text == null ? "" : text;
        if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0 && value.indexOf('\r') < 0) {
            return value;
        }
        return '"' + value.replace("\"", "\"\"") + '"';
    }

    private static ProblemException invalid(String field, Object value, String detail, String fix) {
        return new ProblemException(HttpStatus.BAD_REQUEST, "invalid-review", "Invalid review", detail)
                .field(field).value(value).fix(fix);
    }

}
