package vn.guardian.ingest;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Accepts call audio over HTTP, normalizes it to 16 kHz PCM per channel, publishes it to Kafka; serves the read API. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class IngestApplication {

    /** Config file base name; unique so it cannot clash with other services' files on one classpath. */
    public static final String CONFIG_NAME = "ingest-service";

    /** The application as {@link #main} and the standalone module start it; settings passed as arguments win over its yml. */
    public static SpringApplicationBuilder application() {
        return new SpringApplicationBuilder(IngestApplication.class).main(IngestApplication.class).properties("spring.config.name=" + CONFIG_NAME);
    }

    public static void main(String[] args) {
        application().run(args);
    }
}
