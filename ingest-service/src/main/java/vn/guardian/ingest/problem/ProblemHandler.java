package vn.guardian.ingest.problem;

import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponse;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns every error, ours and the framework's (404, 405, 415, ...), into {@code application/problem+json}.
 * Ordered before Boot's default handler so no error leaves as plain JSON or HTML.
 */
@Component
@Order(-2)
public class ProblemHandler implements WebExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);
    public static final String REJECTIONS = "guardian.ingest.rejections";

    private final JsonMapper json;
    private final MeterRegistry meters;

    public ProblemHandler(JsonMapper json, MeterRegistry meters) {
        this.json = json;
        this.meters = meters;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.error(error);
        }
        ProblemDetail problem = problemFor(error);
        String reason = error instanceof ProblemException own ? own.slug() : slugOf(problem);
        meters.counter(REJECTIONS, "reason", reason).increment();
        if (problem.getStatus() >= 500) {
            log.warn("{} {} failed: {}", exchange.getRequest().getMethod(), exchange.getRequest().getPath(),
                    problem.getDetail(), error);
        }
        if (problem.getInstance() == null) {
            problem.setInstance(URI.create(exchange.getRequest().getPath().value()));
        }
        response.setStatusCode(HttpStatus.valueOf(problem.getStatus()));
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (mayHaveUnreadBody(exchange)) {
            // a refused upload may still be arriving: do not leave the connection for reuse mid-body
            response.getHeaders().set("Connection", "close");
        }
        if (error instanceof ErrorResponse framework) {
            response.getHeaders().addAll(framework.getHeaders());
        }
        byte[] body = json.writeValueAsBytes(flatten(problem));
        DataBuffer buffer = response.bufferFactory().wrap(body);
        return response.writeWith(Mono.just(buffer));
    }

    private static boolean mayHaveUnreadBody(ServerWebExchange exchange) {
        var headers = exchange.getRequest().getHeaders();
        return headers.getContentLength() > 0 || headers.containsHeader("Transfer-Encoding");
    }

    private static ProblemDetail problemFor(Throwable error) {
        if (error instanceof UnsupportedMediaTypeStatusException unsupported) {
            ProblemDetail problem = withType(unsupported.getBody(), "unsupported-media-type");
            problem.setProperty("field", "Content-Type");
            problem.setProperty("value", unsupported.getContentType() == null ? null
                    : unsupported.getContentType().toString());
            problem.setProperty("fix", "send one of the supported types: " + unsupported.getSupportedMediaTypes());
            return problem;
        }
        if (error instanceof MethodNotAllowedException notAllowed) {
            ProblemDetail problem = withType(notAllowed.getBody(), "method-not-allowed");
            problem.setProperty("fix", "use one of " + notAllowed.getSupportedMethods());
            return problem;
        }
        if (error instanceof ErrorResponse response) {
            ProblemDetail problem = response.getBody();
            return problem.getType() == null || "about:blank".equals(problem.getType().toString())
                    ? withType(problem, slugFor(problem.getStatus())) : problem;
        }
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
                "The service failed unexpectedly; the error is logged. Retry later or report the time of the request.");
        return withType(problem, "internal-error");
    }

    private static ProblemDetail withType(ProblemDetail problem, String slug) {
        problem.setType(URI.create(ProblemException.TYPE_BASE + slug));
        return problem;
    }

    private static String slugFor(int status) {
        HttpStatus known = HttpStatus.resolve(status);
        return known == null ? "http-" + status : known.name().toLowerCase().replace('_', '-');
    }

    private static String slugOf(ProblemDetail problem) {
        String type = problem.getType() == null ? "" : problem.getType().toString();
        return type.startsWith(ProblemException.TYPE_BASE) ? type.substring(ProblemException.TYPE_BASE.length())
                : slugFor(problem.getStatus());
    }

    /** RFC 9457 members first, then extension members at top level (not nested under "properties"). */
    private static Map<String, Object> flatten(ProblemDetail problem) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", problem.getType() == null ? null : problem.getType().toString());
        body.put("title", problem.getTitle());
        body.put("status", problem.getStatus());
        body.put("detail", problem.getDetail());
        body.put("instance", problem.getInstance() == null ? null : problem.getInstance().toString());
        if (problem.getProperties() != null) {
            body.putAll(problem.getProperties());
        }
        body.values().removeIf(value -> value == null);
        return body;
    }
}
