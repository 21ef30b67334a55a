package vn.guardian.moderation;

import java.util.Map;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/** moderation-stream: the Kafka Streams topology that decides transcripts and the sink that stores verdicts. */
@SpringBootApplication
@EnableConfigurationProperties(ModerationProperties.class)
public class ModerationApplication {

    /**
     * The application with its own config name ({@code moderation-stream.yml}), so it can share one classpath
     * with the other services in {@code standalone}.
     */
    public static SpringApplicationBuilder application() {
        return new SpringApplicationBuilder(ModerationApplication.class)
                .properties(Map.of("spring.config.name", "moderation-stream"));
    }

    public static void main(String[] args) {
        application().run(args);
    }
}
