package vn.guardian.ingest;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import vn.guardian.contracts.transcriber.ModelReport;

/**
 * Settings under {@code guardian.ingest}.
 *
 * @param tenants           tenant id to its settings; a request's API key picks its tenant
 * @param maxRecordingSize  largest body accepted by {@code POST /v1/recordings}
 * @param maxChunkSize      largest live chunk ({@code PUT .../chunks/{seq}} body or WebSocket frame)
 * @param maxStartSize      largest {@code POST /v1/calls} JSON body
 * @param chunkDuration     audio time per published chunk
 * @param recordings        how {@code POST /v1/recordings} streams
 * @param calls             live call lifecycle
 * @param limits            per-tenant limits, unless the tenant overrides them
 * @param publish           Kafka publishing limits
 * @param transcribers      what ingest learns from the transcribers' language reports
 * @param erasure           what {@code DELETE /v1/calls/{id}} erases on Kafka
 * @param feed              the live verdict feed, {@code GET /v1/verdicts/stream}
 */
@ConfigurationProperties("guardian.ingest")
public record IngestProperties(Map<String, Tenant> tenants,
                               @DefaultValue("100MB") DataSize maxRecordingSize,
                               @DefaultValue("256KB") DataSize maxChunkSize,
                               @DefaultValue("16KB") DataSize maxStartSize,
                               @DefaultValue("250ms") Duration chunkDuration,
                               @DefaultValue Recordings recordings,
                               @DefaultValue Calls calls,
                               @DefaultValue Limits limits,
                               @DefaultValue Publish publish,
                               @DefaultValue Transcribers transcribers,
                               @DefaultValue Erasure erasure,
                               @DefaultValue Feed feed) {

    public IngestProperties {
        tenants = tenants == null ? Map.of() : Map.copyOf(tenants);
        requireSize("max-recording-size", maxRecordingSize, "100MB");
        requireSize("max-chunk-size", maxChunkSize, "256KB");
        requireSize("max-start-size", maxStartSize, "16KB");
        if (chunkDuration.toMillis() < 10 || chunkDuration.toMillis() > 10_000) {
            throw new IllegalArgumentException("guardian.ingest.chunk-duration=" + chunkDuration
                    + " is out of range; use 10ms..10s (default 250ms)");
        }
    }

    private static void requireSize(String key, DataSize size, String fallback) {
        if (size.toBytes() <= 0 || size.toBytes() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("guardian.ingest." + key + "=" + size
                    + " is out of range; use 1B..2047MB (default " + fallback + ")");
        }
    }

    /** The limits that apply to {@code tenant}: its own overrides, else the defaults. */
    public Limits limitsOf(String tenant) {
        Tenant settings = tenants.get(tenant);
        if (settings == null) {
            return limits;
        }
        return new Limits(settings.maxConcurrentCalls() != null ? settings.maxConcurrentCalls() : limits.maxConcurrentCalls(),
                settings.requestsPerSecond() != null ? settings.requestsPerSecond() : limits.requestsPerSecond(),
                settings.requestBurst() != null ? settings.requestBurst() : limits.requestBurst(),
                limits.callLimitRetryAfter());
    }

    /**
     * @param apiKeys            the keys that authenticate as this tenant, in clear text in config, hashed at load
     * @param maxConcurrentCalls overrides {@code limits.max-concurrent-calls} for this tenant
     * @param requestsPerSecond  overrides {@code limits.requests-per-second} for this tenant
     * @param requestBurst       overrides {@code limits.request-burst} for this tenant
     */
    public record Tenant(List<String> apiKeys, Integer maxConcurrentCalls, Double requestsPerSecond,
                         Integer requestBurst) {
        public Tenant {
            apiKeys = apiKeys == null ? List.of() : List.copyOf(apiKeys);
        }
    }

    /**
     * @param bufferThreshold a recording body up to this size is held until it has fully arrived, so a file whose
     *                        header lies about its length publishes nothing; a longer one is published as it
     *                        streams in, and ended as {@code truncated} if it stops short
     */
    public record Recordings(@DefaultValue("8MB") DataSize bufferThreshold) {
        public Recordings {
            requireSize("recordings.buffer-threshold", bufferThreshold, "8MB");
        }
    }

    /**
     * @param idleTimeout    a live call with no chunk for this long is ended with reason {@code idle-timeout}
     * @param endedRetention an ended call is remembered this long, so late chunks get 409 rather than 404; then its
     *                       state on {@code guardian.live-calls} is tombstoned
     * @param recoveryWait   how long a replica that does not know a call waits for its {@code guardian.live-calls}
     *                       reader to catch up before answering 503
     * @param orphanGrace    a call whose last state is older than idle-timeout plus this, and that no running replica
     *                       holds (its replica died), is ended by any replica with reason {@code idle-timeout}
     */
    public record Calls(@DefaultValue("30s") Duration idleTimeout,
                        @DefaultValue("10m") Duration endedRetention,
                        @DefaultValue("5s") Duration recoveryWait,
                        @DefaultValue("15s") Duration orphanGrace) {
        public Calls {
            if (idleTimeout.toMillis() < 100) {
                throw new IllegalArgumentException("guardian.ingest.calls.idle-timeout=" + idleTimeout
                        + " is too short; use at least 100ms (default 30s)");
            }
            if (recoveryWait.toMillis() < 10 || orphanGrace.isNegative()) {
                throw new IllegalArgumentException("guardian.ingest.calls.recovery-wait=" + recoveryWait
                        + " must be at least 10ms (default 5s) and guardian.ingest.calls.orphan-grace=" + orphanGrace
                        + " not negative (default 15s)");
            }
        }
    }

    /**
     * @param maxConcurrentCalls  live calls a tenant may have open at once; one more answers 429
     * @param requestsPerSecond   sustained API requests per second per tenant (token bucket refill)
     * @param requestBurst        requests a tenant may make at once above the sustained rate (bucket size)
     * @param callLimitRetryAfter what a 429 for too many open calls tells the client to wait
     */
    public record Limits(@DefaultValue("200") int maxConcurrentCalls,
                         @DefaultValue("500") double requestsPerSecond,
                         @DefaultValue("1000") int requestBurst,
                         @DefaultValue("10s") Duration callLimitRetryAfter) {
        public Limits {
            if (maxConcurrentCalls < 1 || requestsPerSecond <= 0 || requestBurst < 1) {
                throw new IllegalArgumentException("guardian.ingest limits must be positive: max-concurrent-calls="
                        + maxConcurrentCalls + ", requests-per-second=" + requestsPerSecond + ", request-burst="
                        + requestBurst);
            }
        }
    }

    /**
     * @param maxBlock        how long a send may wait for broker metadata before the request fails with 503
     * @param deliveryTimeout how long a record may wait for the broker's acknowledgement before 503
     * @param retryAfter      what 503 answers tell clients to wait before retrying
     */
    public record Publish(@DefaultValue("5s") Duration maxBlock,
                          @DefaultValue("15s") Duration deliveryTimeout,
                          @DefaultValue("5s") Duration retryAfter) {
    }

    /**
     * @param reportTtl a transcriber's language report older than this counts as a replica gone (one that died
     *                  without withdrawing it); running replicas repeat theirs every minute
     */
    public record Transcribers(@DefaultValue("5m") Duration reportTtl) {
        public Transcribers {
            if (reportTtl.compareTo(ModelReport.INTERVAL) <= 0) {
                throw new IllegalArgumentException("guardian.ingest.transcribers.report-ttl=" + reportTtl
                        + " is not longer than the transcribers' report interval (" + ModelReport.INTERVAL
                        + "), so running replicas would look gone; use a few intervals, e.g. 5m (the default)");
            }
        }
    }

    /**
     * @param compactedTopics the compacted topics keyed by call id that get a tombstone for an erased call: the call
     *                        verdicts, and moderation-stream's call table changelog
     *                        ({@code <guardian.moderation.application-id>-call-verdicts-changelog})
     */
    public record Erasure(
            @DefaultValue({"guardian.call-verdicts", "guardian-moderation-call-verdicts-changelog"})
            List<String> compactedTopics) {
        public Erasure {
            compactedTopics = List.copyOf(compactedTopics);
        }
    }

    /**
     * @param heartbeat            how often an idle stream gets a {@code : keepalive} comment, so proxies and clients
     *                             do not take a quiet stream for a dead one
     * @param maxStreamsPerTenant  open streams per tenant and instance (each holds a Kafka consumer); one more
     *                             answers 429
     */
    public record Feed(@DefaultValue("15s") Duration heartbeat,
                       @DefaultValue("20") int maxStreamsPerTenant) {
        public Feed {
            if (heartbeat.toMillis() < 10 || heartbeat.compareTo(Duration.ofMinutes(5)) > 0) {
                throw new IllegalArgumentException("guardian.ingest.feed.heartbeat=" + heartbeat
                        + " is out of range; use 10ms..5m (default 15s), shorter than your proxies' read timeout");
            }
            if (maxStreamsPerTenant < 1) {
                throw new IllegalArgumentException("guardian.ingest.feed.max-streams-per-tenant="
                        + maxStreamsPerTenant + " must be at least 1 (default 20)");
            }
        }
    }
}
