package vn.guardian.ingest.console;

import java.net.URI;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * The supervisors' console: static files under {@code static/console/}, served at {@code /console/} without an API
 * key (the page asks for the key and sends it on every {@code /v1/} call). {@code /console} redirects there, and
 * every console file carries a policy that lets the page talk to this server only.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class ConsolePages implements WebFilter {

    public static final String PATH = "/console/";
    /** Nothing from elsewhere: no CDN, no inline script, no framing; the API is on this origin. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self';"
            + " img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self';"
            + " frame-ancestors 'none'";

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        if (path.equals("/console")) {
            exchange.getResponse().setStatusCode(HttpStatus.MOVED_PERMANENTLY);
            exchange.getResponse().getHeaders().setLocation(URI.create(PATH));
            return exchange.getResponse().setComplete();
        }
        if (!path.startsWith(PATH)) {
            return chain.filter(exchange);
        }
        HttpHeaders headers = exchange.getResponse().getHeaders();
        headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        headers.set("X-Content-Type-Options", "nosniff");
        // the call id sits in the URL fragment, which is never sent; still, tell nobody where the console was
        headers.set("Referrer-Policy", "no-referrer");
        headers.setCacheControl("no-cache");
        if (path.equals(PATH)) {
            // the folder's page, as a web server would serve it
            return chain.filter(exchange.mutate()
                    .request(exchange.getRequest().mutate().path(PATH + "index.html").build()).build());
        }
        return chain.filter(exchange);
    }
}
