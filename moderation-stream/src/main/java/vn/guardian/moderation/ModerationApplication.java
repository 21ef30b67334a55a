package vn.guardian.moderation;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import vn.guardian.moderation.cli.ModerationCli;
import vn.guardian.moderation.retention.RetentionProperties;

/** moderation-stream: the Kafka Streams topology that decides transcripts and the sink that stores verdicts. */
@SpringBootApplication
@EnableConfigurationProperties({ModerationProperties.class, RetentionProperties.class})
public class ModerationApplication {

    /** The application as {@link #main} and the standalone module start it; settings passed as arguments win over its yml. */
    public static SpringApplicationBuilder application() {
        // its own config file name, so it can share one classpath with the other services in standalone
        return new SpringApplicationBuilder(ModerationApplication.class).main(ModerationApplication.class).properties("spring.config.name=moderation-stream");
    }

    public static void main(String[] args) {
        // command-line modes answer without Kafka, PostgreSQL or a Spring context, so they start fast
        if (ModerationCli.isCommand(args)) {
            System.exit(ModerationCli.run(args, System.in, System.out, System.err));
        }
        application().run(args);
    }
}
