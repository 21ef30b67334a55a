package vn.guardian.standalone;

import java.nio.file.Path;
import java.util.Map;

/**
 * What the one-machine pipeline listens on. Each value comes from an environment variable or a {@code -D} system
 * property of the same name in lower case with dots ({@code GUARDIAN_HTTP_PORT} or {@code guardian.http.port}).
 *
 * @param httpPort      ingest API port (0 picks a free one)
 * @param postgresPort  embedded PostgreSQL port (0 picks a free one)
 * @param apiKey        the API key of the local tenant
 * @param dataDir       where the broker, the database and Kafka Streams keep their files
 * @param actuatorPorts whether the transcriber and moderation get actuator ports 8081/8082 (false: free ports)
 */
public record StandaloneSettings(int httpPort, int postgresPort, String apiKey, Path dataDir,
                                 boolean actuatorPorts) {

    public static final String LOCAL_TENANT = "local";

    /** Settings from the environment and system properties, with the documented defaults. */
    public static StandaloneSettings fromEnvironment() {
        return new StandaloneSettings(
                number("GUARDIAN_HTTP_PORT", 8080),
                number("GUARDIAN_POSTGRES_PORT", 15432),
                text("GUARDIAN_API_KEY", "local-dev-key"),
                Path.of(text("GUARDIAN_DATA_DIR", System.getProperty("java.io.tmpdir") + "/guardian-standalone")),
                true);
    }

    /** Free ports everywhere and a fresh data folder: for tests that run beside other programs. */
    public static StandaloneSettings ephemeral(Path dataDir) {
        return new StandaloneSettings(0, 0, "local-dev-key", dataDir, false);
    }

    private static int number(String variable, int fallback) {
        String value = text(variable, Integer.toString(fallback));
        try {
            int port = Integer.parseInt(value.trim());
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(variable + "='" + value + "' is not a port; use a number from 0 to 65535");
        }
    }

    private static String text(String variable, String fallback) {
        Map<String, String> env = System.getenv();
        String property = System.getProperty(variable.toLowerCase().replace('_', '.'));
        if (property != null && !property.isBlank()) {
            return property;
        }
        String value = env.get(variable);
        return value == null || value.isBlank() ? fallback : value;
    }
}
