package vn.guardian.ingest;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings under {@code guardian.ingest}.
 *
 * @param tenants           tenant id to its settings; a request's API key picks its tenant
 * @param maxRecordingSize  largest WAV body accepted by {@code POST /v1/recordings}
 * @param chunkDuration     audio time per published chunk
 * @param publish           Kafka publishing limits
 */
@ConfigurationProperties("guardian.ingest")
public record IngestProperties(Map<String, Tenant> tenants,
                               @DefaultValue("100MB") DataSize maxRecordingSize,
                               @DefaultValue("250ms") Duration chunkDuration,
                               @DefaultValue Publish publish) {

    public IngestProperties {
        tenants = tenants == null ? Map.of() : Map.copyOf(tenants);
        if (maxRecordingSize.toBytes() <= 0 || maxRecordingSize.toBytes() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("guardian.ingest.max-recording-size=" + maxRecordingSize
                    + " is out of range; use 1B..2047MB (default 100MB)");
        }
        if (chunkDuration.toMillis() < 10 || chunkDuration.toMillis() > 10_000) {
            throw new IllegalArgumentException("guardian.ingest.chunk-duration=" + chunkDuration
                    + " is out of range; use 10ms..10s (default 250ms)");
        }
    }

    /** @param apiKeys the keys that authenticate as this tenant, in clear text in config, hashed at load */
    public record Tenant(List<String> apiKeys) {
        public Tenant {
            apiKeys = apiKeys == null ? List.of() : List.copyOf(apiKeys);
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
}
