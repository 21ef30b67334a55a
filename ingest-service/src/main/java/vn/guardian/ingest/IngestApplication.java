package vn.guardian.ingest;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.MapPropertySource;

/** Accepts call audio over HTTP, normalizes it to 16 kHz PCM per channel, publishes it to Kafka; serves the read API. */
@SpringBootApplication(excludeName = {
        // ingest reads PostgreSQL through R2DBC only; moderation-stream, which shares the standalone classpath,
        // owns JDBC and the Flyway migrations
        "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.health.DataSourceHealthContributorAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.metrics.DataSourcePoolMetricsAutoConfiguration",
        "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration"})
@ConfigurationPropertiesScan
public class IngestApplication {

    /** Config file base name; unique so it cannot clash with other services' files on one classpath. */
    public static final String CONFIG_NAME = "ingest-service";

    /**
     * The application as the standalone module and {@link #main} start it: reads {@code ingest-service.yml}.
     * Properties given to the returned builder's {@code properties(...)} override that file (Boot's plain builder
     * would treat them as defaults the file overrides, so an embedding app could not set the port or the broker).
     */
    public static SpringApplicationBuilder application() {
        return new Builder();
    }

    public static void main(String[] args) {
        application().run(args);
    }

    private static final class Builder extends SpringApplicationBuilder {

        private final Map<String, Object> overrides = new LinkedHashMap<>();

        private Builder() {
            super(IngestApplication.class);
            super.properties(Map.<String, Object>of("spring.config.name", CONFIG_NAME));
            listeners((ApplicationListener<ApplicationEnvironmentPreparedEvent>) event -> {
                if (!overrides.isEmpty()) {
                    event.getEnvironment().getPropertySources()
                            .addFirst(new MapPropertySource("ingestApplicationOverrides", new LinkedHashMap<>(overrides)));
                }
            });
        }

        @Override
        public SpringApplicationBuilder properties(Map<String, Object> properties) {
            overrides.putAll(properties);
            if (properties.containsKey("spring.config.name")) {
                // config file selection happens before the overrides are attached: pass it on as a default too
                super.properties(Map.<String, Object>of("spring.config.name", properties.get("spring.config.name")));
            }
            return this;
        }
    }
}
