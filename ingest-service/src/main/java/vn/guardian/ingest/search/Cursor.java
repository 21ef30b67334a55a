package vn.guardian.ingest.search;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;

/**
 * Where a page of search results ended: the sort key of its last row. Opaque to clients (base64url), and tied to
 * the kind of search, so a segments cursor sent to the calls search is refused.
 *
 * @param kind {@link #CALLS} or {@link #SEGMENTS}
 * @param at   the last row's time (a call's start, a segment's decision), to the microsecond
 * @param id   the last row's id, which breaks ties
 */
public record Cursor(String kind, Instant at, String id) {

    public static final String CALLS = "calls";
    public static final String SEGMENTS = "segments";

    public String encode() {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((kind + "\n" + at + "\n" + id).getBytes(StandardCharsets.UTF_8));
    }

    static Cursor parse(String text, String kind) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8).split("\n", 3);
            if (parts.length == 3 && parts[0].equals(kind) && !parts[2].isEmpty()) {
                return new Cursor(kind, Instant.parse(parts[1]), parts[2]);
            }
        } catch (IllegalArgumentException | DateTimeParseException e) {
            // answered below like any other cursor that is not one of ours
        }
        throw SearchFilters.invalid("cursor", text.length() > 100 ? text.substring(0, 100) + "..." : text,
                "The cursor is not one this " + kind + " search returned.",
                "pass nextCursor from the previous page of the same search unchanged, or leave cursor out to start over");
    }
}
