package vn.guardian.ingest.search;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import vn.guardian.ingest.tenant.ApiKeyFilter;

/** {@code GET /v1/calls} and {@code GET /v1/segments}: the caller's tenant's calls and segments, newest first. */
@RestController
public class SearchController {

    private final Search search;

    public SearchController(Search search) {
        this.search = search;
    }

    @GetMapping("/v1/calls")
    public Mono<Search.Page<Search.CallHit>> calls(ServerWebExchange exchange) {
        String tenant = ApiKeyFilter.tenant(exchange);
        return search.calls(tenant, SearchFilters.parse(exchange.getRequest().getQueryParams(), Cursor.CALLS));
    }

    @GetMapping("/v1/segments")
    public Mono<Search.Page<Search.SegmentHit>> segments(ServerWebExchange exchange) {
        String tenant = ApiKeyFilter.tenant(exchange);
        return search.segments(tenant, SearchFilters.parse(exchange.getRequest().getQueryParams(), Cursor.SEGMENTS));
    }
}
