package vn.guardian.transcriber;

import java.util.Map;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The transcriber service: a Kafka consumer group that turns call audio into transcript segments with Vosk. */
@SpringBootApplication
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
