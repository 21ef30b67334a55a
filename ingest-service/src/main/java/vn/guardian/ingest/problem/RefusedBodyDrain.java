package vn.guardian.ingest.problem;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Reads and discards the unread body of a refused request (up to {@link #LIMIT_BYTES}) before its problem is sent:
 * a server that answers while the client is still sending closes the connection, and the client then sees a reset
 * instead of the 401, 413 or 415 that tells it what to fix (found by the ingest API fuzz test).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
public class RefusedBodyDrain implements WebFilter {

    /** As much as Tomcat swallows by default; a larger refused body is cut off with the connection. */
    static final long LIMIT_BYTES = 2L * 1024 * 1024;
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(5);

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        return chain.filter(exchange).onErrorResume(refused -> drain(exchange).then(Mono.error(refused)));
    }

    private static Mono<Void> drain(ServerWebExchange exchange) {
        AtomicLong read = new AtomicLong();
        return exchange.getRequest().getBody()
                .doOnNext(buffer -> read.addAndGet(release(buffer)))
                .takeUntil(buffer -> read.get() > LIMIT_BYTES)
                .then()
                // a client that stops sending gets its answer anyway, over a connection that is then closed
                .timeout(DRAIN_TIMEOUT, Mono.empty())
                // a body the handler already read (or began to read) cannot be subscribed again: nothing to drain
                .onErrorResume(alreadyRead -> Mono.empty());
    }

    private static int release(DataBuffer buffer) {
        int bytes = buffer.readableByteCount();
        DataBufferUtils.release(buffer);
        return bytes;
    }
}
