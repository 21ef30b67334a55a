package vn.guardian.ingest.feed;

import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import vn.guardian.ingest.tenant.ApiKeyFilter;

/**
 * {@code GET /v1/verdicts/stream}: the tenant's segment verdicts ({@code event: segment}) and call-verdict changes
 * ({@code event: call}) as Server-Sent Events, live or resumed after {@code Last-Event-ID}.
 */
@RestController
public class FeedController {

    public static final String LAST_EVENT_ID = "Last-Event-ID";

    private final VerdictFeed feed;

    public FeedController(VerdictFeed feed) {
        this.feed = feed;
    }

    @GetMapping(path = "/v1/verdicts/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public Flux<ServerSentEvent<String>> stream(ServerWebExchange exchange) {
        String tenant = ApiKeyFilter.tenant(exchange);
        FeedFilters filters = FeedFilters.parse(exchange.getRequest().getQueryParams());
        // a browser's EventSource sends the header on reconnect, newer than the query parameter of its first URL
        String header = exchange.getRequest().getHeaders().getFirst(LAST_EVENT_ID);
        String parameter = exchange.getRequest().getQueryParams().getFirst(FeedFilters.LAST_EVENT_ID_PARAMETER);
        // an empty id is how SSE says "no id yet": start live
        FeedPosition from = header != null && !header.isEmpty() ? FeedPosition.parse(header, LAST_EVENT_ID)
                : parameter != null && !parameter.isEmpty()
                ? FeedPosition.parse(parameter, FeedFilters.LAST_EVENT_ID_PARAMETER) : null;
        var headers = exchange.getResponse().getHeaders();
        headers.setCacheControl("no-cache");
        // nginx (and proxies that honour it) must pass each event on at once
        headers.set("X-Accel-Buffering", "no");
        return feed.stream(tenant, filters, from);
    }
}
