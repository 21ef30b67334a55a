package vn.guardian.standalone.crash;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import vn.guardian.contracts.Topics;
import vn.guardian.standalone.Pipeline;
import vn.guardian.testsupport.CommandLine;
import vn.guardian.transcriber.TranscriberApplication;

/** One transcriber-stream replica in its own JVM, as a deployment runs it: one worker, its actuator on a free port. */
final class TranscriberReplica implements AutoCloseable {

    private static final Pattern LAG = Pattern.compile("^guardian_transcriber_consumer_lag\\{([^}]*)}\\s+(\\S+)",
            Pattern.MULTILINE);
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String instanceId;
    private final int port;
    private final JavaProcess process;

    private TranscriberReplica(String instanceId, int port, JavaProcess process) {
        this.instanceId = instanceId;
        this.port = port;
        this.process = process;
    }

    static TranscriberReplica start(String instanceId, String bootstrapServers, Path workDir) throws Exception {
        return start(instanceId, bootstrapServers, workDir, List.of());
    }

    /** The same with extra JVM options, e.g. the property that arms the transcriber's crash-test hook. */
    static TranscriberReplica start(String instanceId, String bootstrapServers, Path workDir, List<String> jvmOptions)
            throws Exception {
        int port = BrokerProcesses.freePorts(1)[0];
        Map<String, Object> settings = new java.util.LinkedHashMap<>();
        settings.put("spring.kafka.bootstrap-servers", bootstrapServers);
        settings.put("server.port", port);
        settings.put("server.address", "127.0.0.1");
        settings.put("spring.main.banner-mode", "off");
        settings.put("guardian.transcriber.instance-id", instanceId);
        settings.put("guardian.transcriber.workers", 1);
        settings.put("guardian.transcriber.model-cache-dir", workDir.resolve("model-cache"));
        // the test asserts on the replica's own log lines (its takeover); the tests' logback config keeps WARN
        settings.put("logging.level.vn.guardian", "INFO");
        // this test classpath is standalone's: the other services' database jars are on it
        settings.put("spring.autoconfigure.exclude", String.join(",", Pipeline.TRANSCRIBER_EXCLUSIONS));
        // a killed replica's partitions move after 6 s (the broker's minimum), not the default 45 s
        settings.put("spring.kafka.consumer.properties.session.timeout.ms", 6000);
        settings.put("spring.kafka.consumer.properties.heartbeat.interval.ms", 1000);
        // its open transaction blocks read_committed readers until the broker aborts it: keep that short
        settings.put("spring.kafka.producer.properties.transaction.timeout.ms", 10000);
        List<String> args = new ArrayList<>(List.of(CommandLine.args(settings)));
        List<String> jvm = new ArrayList<>(List.of("-Xmx512m", "-XX:TieredStopAtLevel=1"));
        jvm.addAll(jvmOptions);
        JavaProcess process = JavaProcess.start(instanceId, workDir.resolve(instanceId + ".log"), jvm,
                TranscriberApplication.class.getName(), args);
        return new TranscriberReplica(instanceId, port, process);
    }

    /** Readiness (models loaded, worker polling), as Kubernetes would ask. */
    boolean ready() {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(base() + "/actuator/health/readiness"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    /** Audio records this replica has not consumed yet in {@code partition}, from its own consumer-lag gauge. */
    OptionalLong lag(int partition) {
        try {
            String metrics = http.send(HttpRequest.newBuilder(URI.create(base() + "/actuator/prometheus"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body();
            Matcher line = LAG.matcher(metrics);
            while (line.find()) {
                if (line.group(1).contains("partition=\"" + partition + "\"")
                        && line.group(1).contains("topic=\"" + Topics.AUDIO + "\"")) {
                    return OptionalLong.of((long) Double.parseDouble(line.group(2)));
                }
            }
        } catch (Exception e) {
            // not answering counts as unknown
        }
        return OptionalLong.empty();
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    String instanceId() {
        return instanceId;
    }

    boolean alive() {
        return process.alive();
    }

    /** {@code kill -9}. */
    void kill() throws InterruptedException {
        process.kill();
    }

    String log() {
        return process.log();
    }

    String logTail() {
        return process.logTail();
    }

    @Override
    public void close() throws InterruptedException {
        process.close();
    }
}
