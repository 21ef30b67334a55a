package vn.guardian.ingest.calls;

import java.util.List;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import vn.guardian.ingest.problem.ProblemException;

/** What a call id, a language and a channel role may look like: the same rules for every endpoint. */
public final class CallSyntax {

    /** Letters, digits, '.', '_', '-', starting with a letter or digit: safe in paths, keys and logs. */
    public static final Pattern CALL_ID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$");
    public static final Pattern LANGUAGE = Pattern.compile("^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$");
    public static final Pattern ROLE = Pattern.compile("^[a-z][a-z0-9_-]{0,31}$");

    private CallSyntax() {
    }

    /** {@code mono}, or {@code agent} and {@code customer}. */
    public static List<String> defaultRoles(int channels) {
        return channels == 1 ? List.of("mono") : List.of("agent", "customer");
    }

    /** @throws ProblemException 400 naming the call id, shortened if huge */
    public static String requireCallId(String callId, String field) {
        if (callId == null || !CALL_ID.matcher(callId).matches()) {
            String shown = callId == null ? null : callId.length() > 200 ? callId.substring(0, 200) + "..." : callId;
            throw new ProblemException(HttpStatus.BAD_REQUEST, "invalid-call-id", "Invalid call id",
                    "The call id " + (callId == null ? "is missing" : "has " + callId.length() + " characters")
                            + "; it must be 1..128 letters, digits, '.', '_' or '-', starting with a letter or digit.")
                    .field(field).value(shown)
                    .fix("use the callId returned by POST /v1/calls or POST /v1/recordings, or choose one of that shape");
        }
        return callId;
    }
}
