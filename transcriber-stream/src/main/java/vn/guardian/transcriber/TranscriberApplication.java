package vn.guardian.transcriber;

import java.util.Map;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The transcriber service: a Kafka consumer group that turns call audio into transcript segments with Vosk.
 * Database auto-configurations are excluded because the standalone module puts moderation-stream's JDBC,
 * Flyway and R2DBC jars on the same classpath, and this service has no database.
 */
@SpringBootApplication(excludeName = {
        "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.health.DataSourceHealthContributorAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.metrics.DataSourcePoolMetricsAutoConfiguration",
        "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration",
        "org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration",
        "org.springframework.boot.r2dbc.autoconfigure.R2dbcTransactionManagerAutoConfiguration",
        "org.springframework.boot.r2dbc.autoconfigure.health.ConnectionFactoryHealthContributorAutoConfiguration",
        "org.springframework.boot.r2dbc.autoconfigure.metrics.ConnectionPoolMetricsAutoConfiguration",
        "org.springframework.boot.r2dbc.autoconfigure.observation.R2dbcObservationAutoConfiguration",
        "org.springframework.boot.data.r2dbc.autoconfigure.DataR2dbcAutoConfiguration",
        "org.springframework.boot.data.r2dbc.autoconfigure.DataR2dbcRepositoriesAutoConfiguration",
        "org.springframework.boot.r2dbc.autoconfigure.R2dbcInitializationAutoConfiguration",
        "org.springframework.boot.r2dbc.autoconfigure.R2dbcProxyAutoConfiguration"})
@ConfigurationPropertiesScan
public class TranscriberApplication {

    /** The service's own config file name, so it can share a classpath with the other services. */
    public static final String CONFIG_NAME = "transcriber-stream";

    /**
     * The application as the standalone module and {@link #main} start it: config file {@code transcriber-stream.yml}.
     * Pass overrides as {@code run("--key=value")} arguments: builder {@code properties(...)} are defaults and lose
     * to the yml file.
     */
    public static SpringApplicationBuilder application() {
        return new SpringApplicationBuilder(TranscriberApplication.class).main(TranscriberApplication.class)
                .properties(Map.of("spring.config.name", CONFIG_NAME));
    }

    public static void main(String[] args) {
        application().run(args);
    }
}
