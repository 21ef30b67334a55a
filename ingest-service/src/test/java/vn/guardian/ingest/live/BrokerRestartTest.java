package vn.guardian.ingest.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import vn.guardian.contracts.audio.AudioChunk;
import vn.guardian.contracts.audio.AudioEvent;
import vn.guardian.contracts.audio.CallEnded;
import vn.guardian.contracts.audio.CallStarted;
import vn.guardian.ingest.AudioTopic;
import vn.guardian.ingest.RunningIngest;
import vn.guardian.ingest.Wavs;

/**
 * Nothing lost, nothing doubled: the broker is killed in the middle of a live call and started again. Chunks sent
 * while it is down get 503 with Retry-After in bounded time; the client resends the same seq until it is
 * acknowledged; the topic then holds every chunk exactly once, in order.
 */
class BrokerRestartTest {

    private static final int CHUNK_SAMPLES = 4000;
    private static final int CHUNKS = 16;

    @TempDir
    static Path dir;
    private static BrokerProcess broker;
    private static RunningIngest ingest;
    private static WebTestClient http;

    @BeforeAll
    static void start() throws Exception {
        broker = BrokerProcess.start(Files.createDirectories(dir.resolve("kafka")));
        ingest = RunningIngest.start(Map.of(
                "spring.kafka.bootstrap-servers", broker.bootstrapServers(),
                "guardian.ingest.publish.max-block", "2s",
                "guardian.ingest.publish.delivery-timeout", "3s",
                "guardian.ingest.publish.retry-after", "1s",
                "guardian.ingest.calls.idle-timeout", "5m"));
        http = ingest.client();
    }

    @AfterAll
    static void stop() throws Exception {
        if (ingest != null) {
            ingest.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void aCallSurvivesABrokerRestartWithEveryChunkExactlyOnceInOrder() throws Exception {
        short[] audio = Wavs.sine(350, 16000, CHUNK_SAMPLES * CHUNKS, 6000);
        String callId = (String) http.post().uri("/v1/calls").header("X-Api-Key", RunningIngest.API_KEY)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"format\":{\"encoding\":\"pcm_s16le\",\"sampleRate\":16000,\"channels\":1}}")
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody()
                .get("callId");
        for (int seq = 0; seq < 6; seq++) {
            assertThat(put(callId, seq, audio).getStatus().value()).isEqualTo(200);
        }

        broker.kill();
        long sentAt = System.nanoTime();
        EntityExchangeResult<byte[]> refused = put(callId, 6, audio);
        long answeredMs = (System.nanoTime() - sentAt) / 1_000_000;
        assertThat(refused.getStatus().value()).isEqualTo(503);
        assertThat(refused.getResponseHeaders().getFirst("Retry-After")).isEqualTo("1");
        assertThat(new String(refused.getResponseBodyContent())).contains("kafka-unavailable").contains("seq 6");
        // max-block + delivery-timeout bound the wait, with room for a slow machine
        assertThat(answeredMs).as("ms until 503").isLessThan(15_000);
        assertThat(put(callId, 6, audio).getStatus().value()).as("still down").isEqualTo(503);

        broker.start();
        for (int seq = 6; seq < CHUNKS; seq++) {
            sendUntilAcknowledged(callId, seq, audio);
        }
        http.post().uri("/v1/calls/{id}/end", callId).header("X-Api-Key", RunningIngest.API_KEY).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.chunks").isEqualTo(CHUNKS);

        List<AudioEvent> events = new AudioTopic(broker.bootstrapServers()).events(callId, CHUNKS + 2);
        assertThat(events).hasSize(CHUNKS + 2);
        assertThat(events.get(0)).isInstanceOf(CallStarted.class);
        assertThat(events.get(CHUNKS + 1)).isInstanceOf(CallEnded.class);
        List<AudioChunk> chunks = events.subList(1, CHUNKS + 1).stream().map(AudioChunk.class::cast).toList();
        for (int seq = 0; seq < CHUNKS; seq++) {
            AudioChunk chunk = chunks.get(seq);
            assertThat(chunk.seq()).isEqualTo(seq);
            assertThat(chunk.startSample()).isEqualTo((long) seq * CHUNK_SAMPLES);
            assertThat(Wavs.samples(chunk.pcm())).as("audio of chunk %d", seq).containsExactly(piece(audio, seq));
        }
    }

    /** What a feed does: resend the same seq, waiting as Retry-After says, until it is acknowledged. */
    private static void sendUntilAcknowledged(String callId, int seq, short[] audio) throws InterruptedException {
        long deadline = System.nanoTime() + 90_000_000_000L;
        while (true) {
            EntityExchangeResult<byte[]> result = put(callId, seq, audio);
            if (result.getStatus().value() == 200) {
                return;
            }
            assertThat(result.getStatus().value()).as("answer to seq %d", seq).isEqualTo(503);
            assertThat(System.nanoTime()).as("seq %d acknowledged within 90 s of the restart", seq).isLessThan(deadline);
            Thread.sleep(1000L * Long.parseLong(result.getResponseHeaders().getFirst("Retry-After")));
        }
    }

    private static EntityExchangeResult<byte[]> put(String callId, int seq, short[] audio) {
        return http.put().uri("/v1/calls/{id}/chunks/{seq}", callId, seq).header("X-Api-Key", RunningIngest.API_KEY)
                .contentType(MediaType.APPLICATION_OCTET_STREAM).bodyValue(Wavs.samplesToBytes(piece(audio, seq)))
                .exchange().expectBody().returnResult();
    }

    private static short[] piece(short[] audio, int seq) {
        return Arrays.copyOfRange(audio, seq * CHUNK_SAMPLES, (seq + 1) * CHUNK_SAMPLES);
    }
}
