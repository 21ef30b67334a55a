package vn.guardian.ingest.calls;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import vn.guardian.ingest.erasure.CallErasure;
import vn.guardian.ingest.problem.ProblemException;
import vn.guardian.ingest.tenant.ApiKeyFilter;

/** {@code GET /v1/calls/{callId}}: the analyst's view of one call of the caller's tenant; DELETE erases it. */
@RestController
public class CallController {

    private final CallReader calls;
    private final CallErasure erasure;

    public CallController(CallReader calls, CallErasure erasure) {
        this.calls = calls;
        this.erasure = erasure;
    }

    @GetMapping("/v1/calls/{callId}")
    public Mono<CallView> call(@PathVariable String callId, ServerWebExchange exchange) {
        String tenant = ApiKeyFilter.tenant(exchange);
        CallSyntax.requireCallId(callId, "callId");
        // same answer for "no such call" and "another tenant's call": existence never leaks across tenants
        return calls.find(tenant, callId)
                .switchIfEmpty(Mono.error(() -> callNotFound(callId, "No call " + callId + " for this tenant.",
                        "check the call id; a call accepted a moment ago shows within a second")));
    }

    /** Erases the call's transcripts, verdicts and reviews: 204, or 404 like an unknown call. */
    @DeleteMapping("/v1/calls/{callId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public Mono<Void> erase(@PathVariable String callId, ServerWebExchange exchange) {
        String tenant = ApiKeyFilter.tenant(exchange);
        CallSyntax.requireCallId(callId, "callId");
        return erasure.erase(tenant, callId)
                .switchIfEmpty(Mono.error(() -> callNotFound(callId,
                        "No call " + callId + " for this tenant, or it was erased already.",
                        "check the call id; GET /v1/calls lists the tenant's calls")))
                .then();
    }

    private static ProblemException callNotFound(String callId, String detail, String fix) {
        return new ProblemException(HttpStatus.NOT_FOUND, "call-not-found", "Call not found", detail)
                .field("callId").value(callId).fix(fix);
    }
}
