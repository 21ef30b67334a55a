package vn.guardian.ingest.feed;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import vn.guardian.ingest.RunningIngest;

/** A stream that cannot reach Kafka is refused before anything is sent, with a 503 the client can retry. */
class VerdictFeedWithoutKafkaTest {

    private static RunningIngest ingest;

    @BeforeAll
    static void start() {
        // nothing listens there: opening the topics times out
        ingest = RunningIngest.start(Map.of("spring.kafka.bootstrap-servers", "127.0.0.1:9"));
    }

    @AfterAll
    static void stop() {
        if (ingest != null) {
            ingest.close();
        }
    }

    @Test
    void aStreamThatCannotReachKafkaIsA503WithRetryAfterNotAnEmptyStream() {
        ingest.client().get().uri("/v1/verdicts/stream").header("X-Api-Key", RunningIngest.API_KEY)
                .accept(MediaType.TEXT_EVENT_STREAM).exchange()
                .expectStatus().isEqualTo(503)
                .expectHeader().valueEquals("Retry-After", "5")
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.type").isEqualTo("https://guardian.vn/problems/kafka-unavailable")
                .jsonPath("$.fix").isEqualTo("retry after 5 s, with the same Last-Event-ID");
        // the refused stream gave its place back
        ingest.client().get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
                .expectBody(String.class).value(metrics -> assertThat(metrics)
                        .contains("guardian_ingest_feed_streams 0.0"));
    }
}
