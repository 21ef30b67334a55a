package vn.guardian.ingest.calls;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import vn.guardian.ingest.problem.ProblemException;
import vn.guardian.ingest.tenant.ApiKeyFilter;

/** {@code GET /v1/calls/{callId}}: the analyst's view of one call of the caller's tenant. */
@RestController
public class CallController {

    private final CallReader calls;

    public CallController(CallReader calls) {
        this.calls = calls;
    }

    @GetMapping("/v1/calls/{callId}")
    public Mono<CallView> call(@PathVariable String callId, ServerWebExchange exchange) {
        String tenant = ApiKeyFilter.tenant(exchange);
        CallSyntax.requireCallId(callId, "callId");
        // same answer for "no such call" and "another tenant's call": existence never leaks across tenants
        return calls.find(tenant, callId)
                .switchIfEmpty(Mono.error(() -> new ProblemException(HttpStatus.NOT_FOUND, "call-not-found",
                        "Call not found", "No moderated segments for call " + callId
                        + " yet, or no such call for this tenant.")
                        .field("callId").value(callId)
                        .fix("check the call id; a just-ingested call shows segments once they are moderated")));
    }
}
