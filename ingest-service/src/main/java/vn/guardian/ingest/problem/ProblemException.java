package vn.guardian.ingest.problem;

import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * A request the service refuses, carried to {@link ProblemHandler} as problem+json: the slug names the problem,
 * and {@code field}, {@code value} and {@code fix} tell the client what to change.
 */
public class ProblemException extends ErrorResponseException {

    public static final String TYPE_BASE = "https://guardian.vn/problems/";

    private final String slug;

    public ProblemException(HttpStatus status, String slug, String title, String detail) {
        this(status, slug, title, detail, null);
    }

    public ProblemException(HttpStatus status, String slug, String title, String detail, Throwable cause) {
        super(status, problem(status, slug, title, detail), cause);
        this.slug = slug;
    }

    private static ProblemDetail problem(HttpStatus status, String slug, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create(TYPE_BASE + slug));
        problem.setTitle(title);
        return problem;
    }

    /** Names the request part that is wrong: a header, a WAV header field, a path variable. */
    public ProblemException field(String field) {
        getBody().setProperty("field", field);
        return this;
    }

    /** The offending value, as received (never a secret). */
    public ProblemException value(Object value) {
        getBody().setProperty("value", value);
        return this;
    }

    /** What the client should do instead. */
    public ProblemException fix(String fix) {
        getBody().setProperty("fix", fix);
        return this;
    }

    /** Any further member a client can act on, e.g. {@code expectedSeq}. */
    public ProblemException with(String name, Object value) {
        getBody().setProperty(name, value);
        return this;
    }

    /** Short machine-readable reason, used as the metrics tag. */
    public String slug() {
        return slug;
    }

    @Override
    public String getMessage() {
        return getBody().getTitle() + ": " + getBody().getDetail();
    }
}
