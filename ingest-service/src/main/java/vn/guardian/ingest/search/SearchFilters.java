package vn.guardian.ingest.search;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.http.HttpStatus;
import org.springframework.util.MultiValueMap;
import vn.guardian.contracts.verdict.Action;
import vn.guardian.contracts.verdict.Category;
import vn.guardian.ingest.calls.CallSyntax;
import vn.guardian.ingest.problem.ProblemException;

/**
 * The search parameters of {@code GET /v1/calls} and {@code GET /v1/segments}, read one by one so a mistake is
 * answered with a 400 naming the parameter, the value and what is allowed.
 *
 * @param from     inclusive lower bound: the call's start, or the segment's decision time
 * @param to       exclusive upper bound
 * @param q        a word or phrase said in the call, matched with and without diacritics
 * @param cursor   where the previous page ended; null for the first page
 */
public record SearchFilters(Instant from, Instant to, String action, String category, String language,
                           String status, String role, String q, int limit, Cursor cursor) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 200;
    public static final int MAX_PHRASE = 200;
    static final List<String> STATUSES = List.of("live", "ended", "closed", "failed");
    static final Set<String> PARAMETERS = Set.of("from", "to", "action", "category", "language", "status", "role",
            "q", "limit", "cursor");

    /** Reads the query parameters of a search over {@code kind} ({@link Cursor#CALLS} or {@link Cursor#SEGMENTS}). */
    public static SearchFilters parse(MultiValueMap<String, String> params, String kind) {
        for (String name : params.keySet()) {
            if (!PARAMETERS.contains(name)) {
                throw invalid(name, params.getFirst(name), "'" + name + "' is not a search parameter.",
                        "use only " + PARAMETERS.stream().sorted().collect(Collectors.joining(", ")));
            }
            if (params.get(name).size() > 1) {
                throw invalid(name, params.get(name).toString(), "'" + name + "' is given more than once.",
                        "give each parameter at most once");
            }
        }
        Instant from = time(params, "from");
        Instant to = time(params, "to");
        if (from != null && to != null && !from.isBefore(to)) {
            throw invalid("to", params.getFirst("to"), "'to' must be later than 'from' (" + from + ").",
                    "swap them, or widen the range");
        }
        String action = oneOf(params, "action", Arrays.stream(Action.values()).map(Enum::name).toList());
        String category = oneOf(params, "category", Arrays.stream(Category.values()).map(Enum::name).toList());
        String status = params.getFirst("status");
        if (status != null && !STATUSES.contains(status)) {
            throw invalid("status", status, "'" + status + "' is not a call status.", "one of " + STATUSES);
        }
        String language = params.getFirst("language");
        if (language != null && !CallSyntax.LANGUAGE.matcher(language).matches()) {
            throw invalid("language", language, "'" + language + "' is not a language tag.", "e.g. vi or en");
        }
        String role = params.getFirst("role");
        if (role != null && !CallSyntax.ROLE.matcher(role).matches()) {
            throw invalid("role", role, "'" + role + "' is not a channel role.", "e.g. agent, customer or mono");
        }
        String q = params.getFirst("q");
        if (q != null) {
            q = q.strip();
            if (q.isEmpty() || q.length() > MAX_PHRASE || q.codePoints().noneMatch(Character::isLetterOrDigit)) {
                throw invalid("q", q.length() > MAX_PHRASE ? q.substring(0, MAX_PHRASE) + "..." : q,
                        "'q' must hold a word, and at most " + MAX_PHRASE + " characters.",
                        "a word or phrase said in the call, e.g. q=đồ ngu or q=do ngu");
            }
        }
        int limit = DEFAULT_LIMIT;
        String limitText = params.getFirst("limit");
        if (limitText != null) {
            try {
                limit = Integer.parseInt(limitText);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_LIMIT) {
                throw invalid("limit", limitText, "'limit' must be a whole number from 1 to " + MAX_LIMIT + ".",
                        "e.g. limit=" + DEFAULT_LIMIT + " (the default)");
            }
        }
        String cursorText = params.getFirst("cursor");
        Cursor cursor = cursorText == null ? null : Cursor.parse(cursorText, kind);
        return new SearchFilters(from, to, action, category, language, status, role, q, limit, cursor);
    }

    private static Instant time(MultiValueMap<String, String> params, String name) {
        String text = params.getFirst(name);
        return text == null ? null : instant(text, name);
    }

    /** A date (UTC midnight) or an instant, ISO-8601; a 400 naming {@code parameter} otherwise. */
    public static Instant instant(String text, String parameter) {
        try {
            return text.length() == 10 ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant()
                    : Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw invalid(parameter, text, "'" + text + "' is not a date or an instant.",
                    "ISO-8601, e.g. 2026-12-01 (UTC midnight) or 2026-12-01T08:30:00Z");
        }
    }

    private static String oneOf(MultiValueMap<String, String> params, String name, List<String> allowed) {
        String text = params.getFirst(name);
        if (text == null) {
            return null;
        }
        String upper = text.toUpperCase(Locale.ROOT);
        if (!allowed.contains(upper)) {
            throw invalid(name, text, "'" + text + "' is not a known " + name + ".", "one of " + allowed);
        }
        return upper;
    }

    /** A 400 naming the query parameter, its value and what to send instead. */
    public static ProblemException invalid(String parameter, String value, String detail, String fix) {
        return new ProblemException(HttpStatus.BAD_REQUEST, "invalid-query-parameter", "Invalid query parameter",
                detail).field(parameter).value(value).fix(fix);
    }
}
