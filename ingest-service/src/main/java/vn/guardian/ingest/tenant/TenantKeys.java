package vn.guardian.ingest.tenant;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import vn.guardian.ingest.IngestProperties;

/**
 * Which tenant an API key belongs to. Keys are kept only as SHA-256 hashes and compared in constant time,
 * so neither a heap dump nor response timing reveals them.
 */
@Component
public class TenantKeys {

    private record HashedKey(byte[] hash, String tenant) {
    }

    private static final Logger log = LoggerFactory.getLogger(TenantKeys.class);

    private final List<HashedKey> keys;

    public TenantKeys(IngestProperties properties) {
        List<HashedKey> hashed = new ArrayList<>();
        properties.tenants().forEach((tenant, settings) -> settings.apiKeys().forEach(key -> {
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException("guardian.ingest.tenants." + tenant
                        + ".api-keys contains a blank key; remove it or set a secret of at least 8 characters");
            }
            hashed.add(new HashedKey(sha256(key.trim()), tenant));
        }));
        this.keys = List.copyOf(hashed);
        if (keys.isEmpty()) {
            log.warn("No API keys configured: every request will get 401. Set guardian.ingest.tenants.<tenant>.api-keys"
                    + " (environment: GUARDIAN_INGEST_TENANTS_<TENANT>_API_KEYS)");
        }
    }

    /** The tenant whose key this is; every configured key is compared, so timing does not depend on which matched. */
    public Optional<String> tenantOf(String presentedKey) {
        if (presentedKey == null || presentedKey.isEmpty()) {
            return Optional.empty();
        }
        byte[] presented = sha256(presentedKey.trim());
        String match = null;
        for (HashedKey key : keys) {
            if (MessageDigest.isEqual(key.hash(), presented)) {
                match = key.tenant();
            }
        }
        return Optional.ofNullable(match);
    }

    private static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This JVM lacks SHA-256, which every Java SE runtime must provide", e);
        }
    }
}
