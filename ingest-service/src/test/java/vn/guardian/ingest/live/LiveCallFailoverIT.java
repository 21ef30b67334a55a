package vn.guardian.ingest.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.JdkClientHttpConnector;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import vn.guardian.contracts.audio.AudioChunk;
import vn.guardian.contracts.audio.AudioEvent;
import vn.guardian.contracts.audio.CallEnded;
import vn.guardian.contracts.audio.CallStarted;
import vn.guardian.contracts.audio.ModelFormat;
import vn.guardian.ingest.AudioTopic;
import vn.guardian.ingest.Wavs;
import vn.guardian.ingest.audio.AudioFormat;
import vn.guardian.ingest.audio.CallNormalizer;
import vn.guardian.testsupport.CommandLine;
import vn.guardian.testsupport.TestKafka;

/**
 * Two ingest replicas, each its own process of the exec jar, on one real KRaft broker: replica A is killed with
 * SIGKILL between a call's chunks and replica B continues the call from {@code guardian.live-calls}. What reaches
 * the audio topic must be exactly what one uninterrupted normalizer makes of the client's bytes.
 */
class LiveCallFailoverIT {

    private static final String API_KEY = "acme-test-key-1";
    private static final String OTHER_API_KEY = "globex-test-key-1";
    private static final int CHUNK_SAMPLES = ModelFormat.SAMPLE_RATE / 4;
    private static final String MULAW_STEREO = "{\"encoding\":\"mulaw\",\"sampleRate\":8000,\"channels\":2}";
    private static final String PCM16_MONO = "{\"encoding\":\"pcm_s16le\",\"sampleRate\":16000,\"channels\":1}";

    private static TestKafka kafka;
    private static AudioTopic topic;
    private static Replica a;
    private static Replica b;

    @BeforeAll
    static void start() throws Exception {
        kafka = TestKafka.start();
        topic = new AudioTopic(kafka.bootstrapServers());
        a = Replica.launch("A", kafka.bootstrapServers());
        b = Replica.launch("B", kafka.bootstrapServers());
        a.awaitReady();
        b.awaitReady();
    }

    @AfterAll
    static void stop() throws Exception {
        for (Replica replica : new Replica[]{a, b}) {
            if (replica != null) {
                replica.kill();
            }
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void aCallContinuesOnAnotherReplicaAfterItsReplicaIsKilledAndComesOutAsIfNeverMoved() throws Exception {
        // checks that need A alive come first
        anUnknownCallIsNotFoundOnEitherReplica();
        aCallEndedOnOneReplicaIsEndedOnTheOther();
        anotherTenantsCallIsNotFoundOnTheOtherReplica();

        byte[] audio = telephonyAudio(16_000, 7);
        List<byte[]> clientChunks = split(audio, 1000 * 2);
        String httpCall = "pbx-" + UUID.randomUUID();
        start(a, httpCall, MULAW_STEREO).expectStatus().isCreated();
        List<Map<?, ?>> acks = new ArrayList<>();
        for (int seq = 0; seq < 5; seq++) {
            acks.add(put(a, API_KEY, httpCall, seq, clientChunks.get(seq)).expectStatus().isOk()
                    .expectBody(Map.class).returnResult().getResponseBody());
        }
        short[] speech = Wavs.sine(500, 16000, 6 * 3000, 7000);
        String streamCall = startCall(a, PCM16_MONO);
        List<String> before = stream(a, streamCall, null, frames(speech, 0, 3), false);
        assertThat(before).hasSize(3).allSatisfy(reply -> assertThat(reply).contains("\"type\":\"ack\""));

        String orphan = startCall(a, PCM16_MONO);
        put(a, API_KEY, orphan, 0, Wavs.samplesToBytes(Wavs.sine(300, 16000, 6000, 5000))).expectStatus().isOk();

        a.kill();

        // the resend of the last acknowledged chunk is a replay with the original answer, never a second copy
        Map<?, ?> replay = put(b, API_KEY, httpCall, 4, clientChunks.get(4)).expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
        Map<Object, Object> original = new HashMap<>(acks.get(4));
        original.put("replayed", true);
        assertThat(replay).isEqualTo(original);
        // the WebSocket client reconnects to B and resends from its last acknowledged frame
        List<String> after = stream(b, streamCall, 2L, frames(speech, 2, 6), true);
        assertThat(after).hasSize(5);
        assertThat(after.get(0)).contains("\"seq\":2").contains("\"replayed\":true");
        assertThat(after.get(1)).contains("\"seq\":3").contains("\"replayed\":false");
        assertThat(after.get(4)).contains("\"type\":\"ended\"").contains("\"reason\":\"completed\"");

        rejected(put(b, API_KEY, httpCall, 4, clientChunks.get(5)), HttpStatus.CONFLICT, "chunk-conflict")
                .jsonPath("$.expectedSeq").isEqualTo(5);
        for (int seq = 5; seq < clientChunks.size(); seq++) {
            put(b, API_KEY, httpCall, seq, clientChunks.get(seq)).expectStatus().isOk()
                    .expectBody().jsonPath("$.seq").isEqualTo(seq).jsonPath("$.replayed").isEqualTo(false);
        }
        b.http().post().uri("/v1/calls/{id}/end", httpCall).header("X-Api-Key", API_KEY).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.reason").isEqualTo("completed")
                .jsonPath("$.audioMs").isEqualTo(2000);

        assertPublishedAsOneUninterruptedCall(httpCall, new AudioFormat(AudioFormat.Encoding.MULAW, 8000, 2), clientChunks);
        assertPublishedAsOneUninterruptedCall(streamCall, new AudioFormat(AudioFormat.Encoding.PCM_S16LE, 16000, 1),
                Arrays.stream(frames(speech, 0, 6)).toList());
        // nobody resumes the third call: B ends it once its state is older than idle-timeout plus the orphan grace
        List<AudioEvent> orphaned = awaitEnded(orphan, Duration.ofSeconds(150));
        assertThat(orphaned).extracting(event -> event.getClass().getSimpleName())
                .containsExactly("CallStarted", "AudioChunk", "AudioChunk", "CallEnded");
        assertThat(((CallEnded) orphaned.get(3)).reason()).isEqualTo("idle-timeout");
        assertThat(b.log()).contains("Ending orphaned live call " + orphan);

        assertThat(b.log()).contains("Adopted live call " + httpCall + " from instance ")
                .contains("at seq 5").contains("Adopted live call " + streamCall + " from instance ");
        assertThat(b.http().get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody())
                .containsPattern("guardian_ingest_calls_adopted_total\\S* [3-9]\\.0")
                .contains("guardian_ingest_call_states_written_total").contains("guardian_ingest_call_states_lag");
    }

    /** The call's audio records once its CallEnded is there. */
    private static List<AudioEvent> awaitEnded(String callId, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            List<AudioEvent> events = topic.events(callId, 4);
            if (events.stream().anyMatch(CallEnded.class::isInstance) || System.nanoTime() > deadline) {
                return events;
            }
            Thread.sleep(2000);
        }
    }

    private void anUnknownCallIsNotFoundOnEitherReplica() {
        rejected(put(b, API_KEY, "no-such-call", 0, new byte[4]), HttpStatus.NOT_FOUND, "call-not-found")
                .jsonPath("$.fix").value(fix -> assertThat((String) fix).doesNotContain("restart"));
        rejected(b.http().post().uri("/v1/calls/{id}/end", "no-such-call").header("X-Api-Key", API_KEY).exchange(),
                HttpStatus.NOT_FOUND, "call-not-found");
    }

    private void aCallEndedOnOneReplicaIsEndedOnTheOther() {
        String callId = startCall(a, PCM16_MONO);
        put(a, API_KEY, callId, 0, Wavs.samplesToBytes(new short[5000])).expectStatus().isOk();
        Map<?, ?> ended = a.http().post().uri("/v1/calls/{id}/end", callId).header("X-Api-Key", API_KEY).exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        rejected(put(b, API_KEY, callId, 1, Wavs.samplesToBytes(new short[100])), HttpStatus.CONFLICT, "call-ended")
                .jsonPath("$.reason").isEqualTo("completed");
        // ending again, on the other replica, answers how it ended and publishes nothing
        assertThat(b.http().post().uri("/v1/calls/{id}/end", callId).header("X-Api-Key", API_KEY).exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody()).isEqualTo(ended);
        assertThat(topic.events(callId, 4)).extracting(event -> event.getClass().getSimpleName())
                .containsExactly("CallStarted", "AudioChunk", "AudioChunk", "CallEnded");
    }

    private void anotherTenantsCallIsNotFoundOnTheOtherReplica() {
        String callId = startCall(a, PCM16_MONO);
        put(a, API_KEY, callId, 0, Wavs.samplesToBytes(new short[100])).expectStatus().isOk();
        rejected(put(b, OTHER_API_KEY, callId, 1, Wavs.samplesToBytes(new short[100])), HttpStatus.NOT_FOUND,
                "call-not-found");
        rejected(b.http().post().uri("/v1/calls/{id}/end", callId).header("X-Api-Key", OTHER_API_KEY).exchange(),
                HttpStatus.NOT_FOUND, "call-not-found");
        a.http().post().uri("/v1/calls/{id}/end", callId).header("X-Api-Key", API_KEY).exchange().expectStatus().isOk();
    }

    /**
     * One CallStarted, then per channel chunks 0..n without gaps (a repeated seq only with identical bytes), then
     * one CallEnded; the chunks are byte for byte those of one normalizer fed every client chunk.
     */
    private static void assertPublishedAsOneUninterruptedCall(String callId, AudioFormat format, List<byte[]> clientChunks) {
        CallNormalizer reference = new CallNormalizer(callId, format, ModelFormat.SAMPLE_RATE, CHUNK_SAMPLES);
        List<AudioChunk> expected = new ArrayList<>();
        for (byte[] chunk : clientChunks) {
            expected.addAll(reference.push(chunk, 0, chunk.length / format.frameBytes(), 0));
        }
        expected.addAll(reference.flush(0));

        List<AudioEvent> events = topic.events(callId, expected.size() + 2);
        assertThat(events.stream().filter(CallStarted.class::isInstance)).hasSize(1);
        assertThat(events.stream().filter(CallEnded.class::isInstance)).hasSize(1);
        assertThat(events.get(0)).isInstanceOf(CallStarted.class);
        assertThat(events.get(events.size() - 1)).isInstanceOf(CallEnded.class);
        for (int channel = 0; channel < format.channels(); channel++) {
            TreeMap<Long, byte[]> published = new TreeMap<>();
            for (AudioEvent event : events) {
                if (event instanceof AudioChunk chunk && chunk.channel() == channel) {
                    byte[] earlier = published.putIfAbsent(chunk.seq(), chunk.pcm());
                    if (earlier != null) {
                        assertThat(chunk.pcm()).as("a republished chunk %d of channel %d", chunk.seq(), channel)
                                .isEqualTo(earlier);
                    }
                }
            }
            int c = channel;
            List<AudioChunk> own = expected.stream().filter(chunk -> chunk.channel() == c).toList();
            assertThat(published.keySet()).as("channel %d seqs", channel)
                    .containsExactlyElementsOf(own.stream().map(AudioChunk::seq).toList());
            for (AudioChunk chunk : own) {
                assertThat(published.get(chunk.seq())).as("channel %d chunk %d", channel, chunk.seq())
                        .isEqualTo(chunk.pcm());
            }
        }
    }

    /** Sends the frames over a call's WebSocket, then optionally the end message; returns the replies. */
    private static List<String> stream(Replica replica, String callId, Long seq, byte[][] frames, boolean end) {
        List<String> replies = new CopyOnWriteArrayList<>();
        int expected = frames.length + (end ? 1 : 0);
        URI uri = URI.create(replica.url().replace("http:", "ws:") + "/v1/calls/" + callId + "/stream"
                + (seq == null ? "" : "?seq=" + seq));
        HttpHeaders headers = new HttpHeaders();
        headers.add("X-Api-Key", API_KEY);
        new ReactorNettyWebSocketClient().execute(uri, headers, session -> {
            Flux<WebSocketMessage> out = Flux.fromArray(frames)
                    .map(frame -> session.binaryMessage(factory -> factory.wrap(frame)));
            if (end) {
                out = out.concatWith(Mono.just(session.textMessage("{\"type\":\"end\"}")));
            }
            return session.send(out)
                    .and(session.receive().map(WebSocketMessage::getPayloadAsText).doOnNext(replies::add)
                            .take(expected).then());
        }).block(Duration.ofSeconds(30));
        return replies;
    }

    private static byte[][] frames(short[] speech, int from, int to) {
        byte[][] frames = new byte[to - from][];
        for (int i = from; i < to; i++) {
            frames[i - from] = Wavs.samplesToBytes(Arrays.copyOfRange(speech, i * 3000, (i + 1) * 3000));
        }
        return frames;
    }

    /** 8 kHz stereo mu-law: a tone on each side with noise, so every resampled sample depends on the filter state. */
    private static byte[] telephonyAudio(int frames, long seed) {
        short[] agent = Wavs.sine(440, 8000, frames, 9000);
        short[] customer = Wavs.sine(1000, 8000, frames, 9000);
        Random noise = new Random(seed);
        for (int i = 0; i < frames; i++) {
            agent[i] += (short) (noise.nextInt(2001) - 1000);
            customer[i] += (short) (noise.nextInt(2001) - 1000);
        }
        return Wavs.mulawBytes(agent, customer);
    }

    private static List<byte[]> split(byte[] audio, int bytes) {
        List<byte[]> chunks = new ArrayList<>();
        for (int at = 0; at < audio.length; at += bytes) {
            chunks.add(Arrays.copyOfRange(audio, at, Math.min(audio.length, at + bytes)));
        }
        return chunks;
    }

    private static WebTestClient.ResponseSpec start(Replica replica, String callId, String format) {
        return replica.http().post().uri("/v1/calls").header("X-Api-Key", API_KEY).contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{" + (callId == null ? "" : "\"callId\":\"" + callId + "\",") + "\"format\":" + format + "}")
                .exchange();
    }

    private static String startCall(Replica replica, String format) {
        return (String) start(replica, null, format).expectStatus().isCreated().expectBody(Map.class).returnResult()
                .getResponseBody().get("callId");
    }

    private static WebTestClient.ResponseSpec put(Replica replica, String apiKey, String callId, long seq, byte[] audio) {
        return replica.http().put().uri("/v1/calls/{id}/chunks/{seq}", callId, seq).header("X-Api-Key", apiKey)
                .contentType(MediaType.APPLICATION_OCTET_STREAM).bodyValue(audio).exchange();
    }

    private static WebTestClient.BodyContentSpec rejected(WebTestClient.ResponseSpec response, HttpStatus status,
                                                          String problem) {
        return response.expectStatus().isEqualTo(status).expectBody()
                .jsonPath("$.type").value(type -> assertThat((String) type).endsWith("/" + problem))
                .jsonPath("$.fix").exists();
    }

    /** One ingest process started from the exec jar, with its console log in a file. */
    private record Replica(String name, Process process, int port, Path logFile) {

        static Replica launch(String name, String bootstrapServers) throws IOException {
            Path jar;
            try (Stream<Path> files = Files.list(Path.of("target"))) {
                jar = files.filter(file -> file.getFileName().toString().matches("ingest-service-.*-exec\\.jar"))
                        .findFirst().orElseThrow(() -> new IllegalStateException(
                                "no ingest-service-*-exec.jar in target: run the failsafe phase after package"));
            }
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            Map<String, Object> settings = new HashMap<>();
            settings.put("server.port", port);
            settings.put("spring.kafka.bootstrap-servers", bootstrapServers);
            settings.put("guardian.ingest.tenants.acme.api-keys", API_KEY);
            settings.put("guardian.ingest.tenants.globex.api-keys", OTHER_API_KEY);
            // an orphaned call ends 35 s after its last state (30 s idle-timeout + 5 s); the calls this test continues
            // are resumed long before
            settings.put("guardian.ingest.calls.orphan-grace", "5s");
            Path logFile = Path.of("target", "failover-" + name + ".log");
            List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                    "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString()));
            command.addAll(List.of(CommandLine.args(settings)));
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(logFile.toFile()).start();
            return new Replica(name, process, port, logFile);
        }

        String url() {
            return "http://127.0.0.1:" + port;
        }

        WebTestClient http() {
            return WebTestClient.bindToServer(new JdkClientHttpConnector()).baseUrl(url())
                    .responseTimeout(Duration.ofSeconds(30)).build();
        }

        /** Waits for readiness, which includes having read guardian.live-calls once. */
        void awaitReady() throws Exception {
            long deadline = System.currentTimeMillis() + 360_000;
            while (System.currentTimeMillis() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("ingest " + name + " exited: " + log());
                }
                try {
                    int status = http().get().uri("/actuator/health/readiness").exchange().returnResult(String.class)
                            .getStatus().value();
                    if (status == 200) {
                        return;
                    }
                } catch (RuntimeException notListeningYet) {
                    // starting
                }
                Thread.sleep(500);
            }
            throw new IllegalStateException("ingest " + name + " not ready in 360 s (a loaded machine starts slowly): " + log());
        }

        /** SIGKILL: no shutdown hook, no flush, no goodbye. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor();
        }

        String log() {
            try {
                return Files.readString(logFile);
            } catch (IOException e) {
                return "(no log: " + e + ")";
            }
        }
    }
}
