package vn.guardian.ingest.tenant;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import vn.guardian.ingest.IngestProperties;
import vn.guardian.ingest.problem.ProblemException;

/**
 * Per-tenant request rate (token bucket) and open-call count, so one busy call center cannot starve the others.
 * Per instance: with N ingest replicas a tenant gets up to N times the configured figures.
 */
@Component
public class TenantLimits {

    private final IngestProperties properties;
    private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> openCalls = new ConcurrentHashMap<>();

    public TenantLimits(IngestProperties properties) {
        this.properties = properties;
    }

    /** @throws ProblemException 429 with Retry-After when the tenant's bucket is empty */
    public void admitRequest(String tenant) {
        IngestProperties.Limits limits = properties.limitsOf(tenant);
        TokenBucket bucket = buckets.computeIfAbsent(tenant,
                t -> new TokenBucket(limits.requestBurst(), limits.requestsPerSecond()));
        long waitNanos = bucket.tryTake();
        if (waitNanos > 0) {
            long seconds = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
            throw tooMany("rate-limited", "Request rate limit reached", "Tenant " + tenant + " sent more than "
                    + limits.requestBurst() + " requests at once or more than " + limits.requestsPerSecond()
                    + " per second.", "requests per second", limits.requestsPerSecond(),
                    "retry after " + seconds + " s; spread requests out, or ask for a higher limit", seconds);
        }
    }

    /** Takes one of the tenant's open-call places; give it back with {@link #callClosed}. */
    public void admitCall(String tenant) {
        int max = properties.limitsOf(tenant).maxConcurrentCalls();
        AtomicInteger open = openCalls.computeIfAbsent(tenant, t -> new AtomicInteger());
        while (true) {
            int now = open.get();
            if (now >= max) {
                long seconds = Math.max(1, properties.limits().callLimitRetryAfter().toSeconds());
                throw tooMany("too-many-calls", "Concurrent call limit reached", "Tenant " + tenant + " already has "
                        + now + " open calls; the limit is " + max + ".", "open calls", now,
                        "end finished calls (POST /v1/calls/{callId}/end) or retry after " + seconds + " s", seconds);
            }
            if (open.compareAndSet(now, now + 1)) {
                return;
            }
        }
    }

    /**
     * Counts a call continued from another replica without refusing it: the call was admitted where it started,
     * and a refusal now would strand the client mid-call.
     */
    public void callAdopted(String tenant) {
        openCalls.computeIfAbsent(tenant, t -> new AtomicInteger()).incrementAndGet();
    }

    public void callClosed(String tenant) {
        openCalls.computeIfAbsent(tenant, t -> new AtomicInteger()).decrementAndGet();
    }

    private static ProblemException tooMany(String slug, String title, String detail, String field, Object value,
                                            String fix, long retryAfterSeconds) {
        ProblemException problem = new ProblemException(HttpStatus.TOO_MANY_REQUESTS, slug, title, detail)
                .field(field).value(value).fix(fix);
        problem.getHeaders().set("Retry-After", Long.toString(retryAfterSeconds));
        return problem;
    }

    /** Refills continuously at {@code perSecond} up to {@code capacity}; one token per request. */
    static final class TokenBucket {
        private final double capacity;
        private final double perNano;
        private double tokens;
        private long refilledAt = System.nanoTime();

        TokenBucket(int capacity, double perSecond) {
            this.capacity = capacity;
            this.perNano = perSecond / 1e9;
            this.tokens = capacity;
        }

        /** 0 when a token was taken, else the nanoseconds until one will be there. */
        synchronized long tryTake() {
            long now = System.nanoTime();
            tokens = Math.min(capacity, tokens + (now - refilledAt) * perNano);
            refilledAt = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - tokens) / perNano);
        }
    }
}
