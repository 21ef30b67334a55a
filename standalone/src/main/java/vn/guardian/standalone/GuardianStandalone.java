package vn.guardian.standalone;

import java.util.concurrent.CountDownLatch;

/** Runs the whole pipeline on this machine until Ctrl-C. Nothing needs to be installed beyond Java. */
public final class GuardianStandalone {

    private GuardianStandalone() {
    }

    /** The console's logging, named so it never competes with the logback.xml of a program that uses Pipeline. */
    static final String LOGGING_CONFIG = "logback-standalone.xml";

    public static void main(String[] args) throws Exception {
        // Logback reads it once, for the lines before the services start; Spring Boot then reads logging.config
        // for each service (and would warn about Logback's own property, hence it is cleared once read)
        System.setProperty("logback.configurationFile", LOGGING_CONFIG);
        org.slf4j.LoggerFactory.getILoggerFactory();
        System.clearProperty("logback.configurationFile");
        System.setProperty("logging.config", "classpath:" + LOGGING_CONFIG);
        StandaloneSettings settings = StandaloneSettings.fromEnvironment();
        long startedAt = System.nanoTime();
        Pipeline pipeline = Pipeline.start(settings);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Stopping VN Speech Guardian ...");
            pipeline.close();
            System.out.println("Stopped.");
            stopped.countDown();
        }, "guardian-shutdown"));
        System.out.println(welcome(pipeline, (System.nanoTime() - startedAt) / 1_000_000));
        stopped.await();
    }

    static String welcome(Pipeline pipeline, long startMillis) {
        String url = pipeline.ingestUrl();
        String key = pipeline.settings().apiKey();
        return """

                ================================================================================
                 VN Speech Guardian is running (started in %d ms). Ctrl-C stops it.

                 Send a call (a WAV file, PCM 16-bit, mono or stereo, 8-48 kHz):
                   curl -s -X POST %s/v1/recordings \\
                        -H 'X-Api-Key: %s' -H 'Content-Type: audio/wav' \\
                        --data-binary @samples/abusive-call.wav
                 Read its verdicts a few seconds later (use the callId from the answer):
                   curl -s %s/v1/calls/<callId> -H 'X-Api-Key: %s'

                 Kafka:       %s   (topics guardian.audio, guardian.transcripts, guardian.verdicts, ...)
                 PostgreSQL:  %s   (user postgres, password postgres, table segment_verdicts)
                 Health:      %s/actuator/health/readiness
                ================================================================================
                """.formatted(startMillis, url, key, url, key, pipeline.kafkaBootstrapServers(), pipeline.jdbcUrl(), url);
    }
}
