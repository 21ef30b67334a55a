package vn.guardian.ingest.tenant;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import vn.guardian.ingest.problem.ProblemException;

/** Authenticates every {@code /v1/} request by its {@code X-Api-Key} and applies its tenant's rate limit before anything else looks at it. */
@Component
public class ApiKeyFilter implements WebFilter {

    public static final String API_KEY_HEADER = "X-Api-Key";
    /** Exchange attribute holding the authenticated tenant id. */
    public static final String TENANT_ATTRIBUTE = ApiKeyFilter.class.getName() + ".tenant";

    private final TenantKeys keys;
    private final TenantLimits limits;

    public ApiKeyFilter(TenantKeys keys, TenantLimits limits) {
        this.keys = keys;
        this.limits = limits;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!exchange.getRequest().getPath().pathWithinApplication().value().startsWith("/v1/")) {
            return chain.filter(exchange);
        }
        String presented = exchange.getRequest().getHeaders().getFirst(API_KEY_HEADER);
        if (presented == null || presented.isBlank()) {
            return Mono.error(new ProblemException(HttpStatus.UNAUTHORIZED, "missing-api-key", "API key missing",
                    "The request has no " + API_KEY_HEADER + " header.")
                    .field(API_KEY_HEADER).fix("send your tenant's API key in the " + API_KEY_HEADER + " header"));
        }
        return keys.tenantOf(presented)
                .map(tenant -> {
                    try {
                        limits.admitRequest(tenant);
                    } catch (ProblemException tooMany) {
                        return Mono.<Void>error(tooMany);
                    }
                    exchange.getAttributes().put(TENANT_ATTRIBUTE, tenant);
                    return chain.filter(exchange);
                })
                .orElseGet(() -> Mono.error(new ProblemException(HttpStatus.UNAUTHORIZED, "invalid-api-key",
                        "API key not recognized", "The " + API_KEY_HEADER + " header does not match any tenant's key.")
                        // the value is a secret (or a typo of one): never echo it
                        .field(API_KEY_HEADER).fix("check the key configured for your tenant, or ask for a new one")));
    }

    /** The tenant the filter authenticated; only call from handlers under {@code /v1/}. */
    public static String tenant(ServerWebExchange exchange) {
        String tenant = exchange.getAttribute(TENANT_ATTRIBUTE);
        if (tenant == null) {
            throw new IllegalStateException("No tenant on the exchange: the handler is outside /v1/ or the filter did not run");
        }
        return tenant;
    }
}
