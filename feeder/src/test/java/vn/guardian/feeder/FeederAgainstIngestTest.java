package vn.guardian.feeder;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import vn.guardian.contracts.Topics;
import vn.guardian.contracts.audio.AudioChunk;
import vn.guardian.contracts.audio.AudioEvent;
import vn.guardian.contracts.audio.CallEnded;
import vn.guardian.contracts.audio.CallStarted;
import vn.guardian.contracts.audio.SourceFormat;
import vn.guardian.contracts.serde.AudioEventSerde;
import vn.guardian.ingest.IngestApplication;
import vn.guardian.testsupport.CommandLine;
import vn.guardian.testsupport.TestKafka;

/** The feeder streams an 8 kHz mu-law stereo WAV through a real ingest-service into a real broker. */
class FeederAgainstIngestTest {

    @TempDir
    Path dir;

    @Test
    void aStereoMuLawWavArrivesAsOneCallWithEveryChunk() throws Exception {
        try (TestKafka kafka = TestKafka.start();
             ConfigurableApplicationContext ingest = IngestApplication.application().run(CommandLine.args(Map.of(
                     "server.port", "0",
                     "spring.kafka.bootstrap-servers", kafka.bootstrapServers(),
                     "guardian.ingest.tenants.feeder-test.api-keys", "feeder-test-key")))) {
            int port = ((WebServerApplicationContext) ingest).getWebServer().getPort();
            byte[] mulaw = new byte[2 * 8000 * 2];
            for (int i = 0; i < mulaw.length; i++) {
                // any codes will do: the server decodes whatever the PBX sent
                mulaw[i] = (byte) (i * 37);
            }
            Path file = dir.resolve("stereo-mulaw.wav");
            Files.write(file, FeederTest.wav(7, 2, 8000, 8, mulaw));
            ByteArrayOutputStream printed = new ByteArrayOutputStream();

            Feeder.Result result = Feeder.run(Feeder.Options.parse(new String[]{"--url", "http://localhost:" + port,
                    "--api-key", "feeder-test-key", "--language", "vi", "--speed", "max", "--chunk-ms", "100",
                    file.toString()}, null), new PrintStream(printed, true, StandardCharsets.UTF_8));

            assertThat(result.chunks()).isEqualTo(20);
            assertThat(printed.toString(StandardCharsets.UTF_8)).contains("callId=" + result.callId())
                    .contains("20/20 chunks").contains("\"reason\":\"completed\"");
            List<AudioEvent> events = read(kafka.bootstrapServers(), result.callId(), 18);
            CallStarted started = (CallStarted) events.get(0);
            assertThat(started.sourceFormat()).isEqualTo(new SourceFormat("mulaw", 8000, 2));
            assertThat(started.channelRoles()).containsExactly("agent", "customer");
            assertThat(started.language()).isEqualTo("vi");
            // 2 s at 16 kHz: 8 chunks of 250 ms per channel
            List<AudioChunk> chunks = events.subList(1, events.size() - 1).stream().map(AudioChunk.class::cast).toList();
            assertThat(chunks).hasSize(16);
            assertThat(chunks.stream().filter(c -> c.channel() == 1).map(AudioChunk::seq).toList())
                    .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L);
            assertThat(events.get(events.size() - 1)).isInstanceOf(CallEnded.class);
        }
    }

    @Test
    void followingACallNoModerationAnswersGivesUpAfterTheFollowTimeoutWithExitStatus1() throws Exception {
        try (TestKafka kafka = TestKafka.start();
             ConfigurableApplicationContext ingest = IngestApplication.application().run(CommandLine.args(Map.of(
                     "server.port", "0",
                     "spring.kafka.bootstrap-servers", kafka.bootstrapServers(),
                     "guardian.ingest.tenants.feeder-test.api-keys", "feeder-test-key")))) {
            int port = ((WebServerApplicationContext) ingest).getWebServer().getPort();
            Path file = dir.resolve("silence.wav");
            Files.write(file, FeederTest.wav(1, 1, 16000, 16, new byte[16000]));
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            ByteArrayOutputStream errors = new ByteArrayOutputStream();

            // only ingest and a broker: no transcriber or moderation will ever decide a verdict
            int status = Feeder.run(new String[]{"--url", "http://localhost:" + port, "--api-key", "feeder-test-key",
                    "--speed", "max", "--follow", "--follow-timeout", "2", file.toString()}, null,
                    new PrintStream(printed, true, StandardCharsets.UTF_8),
                    new PrintStream(errors, true, StandardCharsets.UTF_8));

            assertThat(status).isEqualTo(1);
            assertThat(printed.toString(StandardCharsets.UTF_8)).contains("\"reason\":\"completed\"");
            assertThat(errors.toString(StandardCharsets.UTF_8)).startsWith("feeder: no verdict for call ")
                    .contains("within 2 s (--follow-timeout)");
        }
    }

    @Test
    void withTheFirstReplicaDownTheCallGoesWholeThroughTheSecond() throws Exception {
        try (TestKafka kafka = TestKafka.start();
             ConfigurableApplicationContext ingest = IngestApplication.application().run(CommandLine.args(Map.of(
                     "server.port", "0",
                     "spring.kafka.bootstrap-servers", kafka.bootstrapServers(),
                     "guardian.ingest.tenants.feeder-test.api-keys", "feeder-test-key")))) {
            int port = ((WebServerApplicationContext) ingest).getWebServer().getPort();
            Path file = dir.resolve("mono.wav");
            Files.write(file, FeederTest.wav(1, 1, 16000, 16, new byte[2 * 16000]));
            int dead;
            try (ServerSocket closed = new ServerSocket(0)) {
                dead = closed.getLocalPort(); // nothing listens there once closed: a replica killed a moment ago
            }
            ByteArrayOutputStream printed = new ByteArrayOutputStream();

            Feeder.Result result = Feeder.run(Feeder.Options.parse(new String[]{"--url", "http://127.0.0.1:" + dead,
                    "--url", "http://localhost:" + port, "--api-key", "feeder-test-key", "--speed", "max",
                    file.toString()}, null), new PrintStream(printed, true, StandardCharsets.UTF_8));

            assertThat(result.failovers()).isEqualTo(1);
            assertThat(printed.toString(StandardCharsets.UTF_8)).contains("start: http://127.0.0.1:" + dead)
                    .contains("\"reason\":\"completed\"");
            // 1 s of audio: CallStarted, 4 chunks of 250 ms, CallEnded
            List<AudioEvent> events = read(kafka.bootstrapServers(), result.callId(), 6);
            assertThat(events).hasSize(6);
            assertThat(events.get(5)).isInstanceOf(CallEnded.class);
        }
    }

    private static List<AudioEvent> read(String bootstrap, String callId, int expected) {
        List<AudioEvent> found = new ArrayList<>();
        try (KafkaConsumer<String, AudioEvent> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "feeder-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new AudioEventSerde())) {
            consumer.subscribe(List.of(Topics.AUDIO));
            long deadline = System.currentTimeMillis() + 20_000;
            while (found.size() < expected && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, AudioEvent> record : consumer.poll(Duration.ofMillis(200))) {
                    if (callId.equals(record.key())) {
                        found.add(record.value());
                    }
                }
            }
        }
        return found;
    }
}
