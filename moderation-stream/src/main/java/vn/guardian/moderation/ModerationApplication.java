package vn.guardian.moderation;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/** moderation-stream: the Kafka Streams topology that decides transcripts and the sink that stores verdicts. */
// plain Kafka clients only; in standalone other services put Spring Kafka on the shared classpath
@SpringBootApplication(excludeName = {"org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration",
        "org.springframework.boot.kafka.autoconfigure.metrics.KafkaMetricsAutoConfiguration"})
@EnableConfigurationProperties(ModerationProperties.class)
public class ModerationApplication {

    /**
     * The application with its own config name ({@code moderation-stream.yml}), so it can share one classpath
     * with the other services in {@code standalone}. Properties given to the returned builder's
     * {@code properties(...)} override that file: the embedding process knows the real broker and database.
     */
    public static SpringApplicationBuilder application() {
        return new EmbeddableBuilder();
    }

    public static void main(String[] args) {
        application().run(args);
    }

    /**
     * Plain {@code properties(...)} are Spring's lowest-precedence defaults, which the yml file would beat;
     * here they also become the highest-precedence source, so {@code standalone} can point the service anywhere.
     */
    private static final class EmbeddableBuilder extends SpringApplicationBuilder {

        private final Map<String, Object> overrides = new LinkedHashMap<>();

        EmbeddableBuilder() {
            super(ModerationApplication.class);
            super.properties(Map.of("spring.config.name", "moderation-stream"));
            initializers((ApplicationContextInitializer<ConfigurableApplicationContext>) context -> context
                    .getEnvironment().getPropertySources()
                    .addFirst(new MapPropertySource("moderation-stream-embedding", overrides)));
        }

        @Override
        public SpringApplicationBuilder properties(Map<String, Object> properties) {
            overrides.putAll(properties);
            return super.properties(properties);
        }
    }
}
