package vn.guardian.ingest.recording;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import vn.guardian.ingest.RunningIngest;
import vn.guardian.ingest.Wavs;

/** With no broker listening, a recording is refused with 503 and Retry-After in bounded time, and readiness is down. */
class BrokerDownTest {

    private static RunningIngest ingest;
    private static WebTestClient http;

    @BeforeAll
    static void start() throws IOException {
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort();
        }
        ingest = RunningIngest.start(Map.of(
                "spring.kafka.bootstrap-servers", "127.0.0.1:" + deadPort,
                "guardian.ingest.publish.max-block", "1s",
                "guardian.ingest.publish.delivery-timeout", "2s",
                "guardian.ingest.publish.retry-after", "7s"));
        http = ingest.client();
    }

    @AfterAll
    static void stop() {
        if (ingest != null) {
            ingest.close();
        }
    }

    @Test
    void recordingIsRefusedWith503AndRetryAfterWhenKafkaIsUnreachable() {
        long started = System.currentTimeMillis();

        http.post().uri("/v1/recordings").header("X-Api-Key", RunningIngest.API_KEY)
                .contentType(MediaType.parseMediaType("audio/wav"))
                .bodyValue(Wavs.pcm16(8000, Wavs.sine(400, 8000, 8000, 5000)))
                .exchange()
                .expectStatus().isEqualTo(503)
                .expectHeader().valueEquals("Retry-After", "7")
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.type").isEqualTo("https://guardian.vn/problems/kafka-unavailable")
                .jsonPath("$.fix").exists();

        assertThat(System.currentTimeMillis() - started).as("time to answer 503").isLessThan(10_000);
    }

    @Test
    void readinessIsDownWhileLivenessStaysUp() {
        http.get().uri("/actuator/health/readiness").exchange().expectStatus().isEqualTo(503)
                .expectBody().jsonPath("$.status").isEqualTo("DOWN");
        http.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
    }
}
