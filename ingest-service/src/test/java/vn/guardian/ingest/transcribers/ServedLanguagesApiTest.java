package vn.guardian.ingest.transcribers;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import vn.guardian.contracts.Topics;
import vn.guardian.contracts.serde.EventSerdes;
import vn.guardian.contracts.transcriber.ModelReport;
import vn.guardian.ingest.AudioTopic;
import vn.guardian.ingest.RunningIngest;
import vn.guardian.ingest.Wavs;

/**
 * Calls in a language no running transcriber serves are refused up front, against a real broker: transcribers'
 * reports go on {@code guardian.transcriber-models} as a transcriber would write them, and ingest follows them.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServedLanguagesApiTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String MONO_PCM = "\"format\":{\"encoding\":\"pcm_s16le\",\"sampleRate\":16000,\"channels\":1}";

    private static RunningIngest ingest;
    private static WebTestClient http;
    private static AudioTopic audio;
    private static KafkaProducer<String, ModelReport> transcribers;

    @BeforeAll
    static void start() throws Exception {
        ingest = RunningIngest.withKafka(Map.of());
        http = ingest.client();
        audio = new AudioTopic(ingest.kafkaBootstrapServers());
        transcribers = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                ingest.kafkaBootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), EventSerdes.modelReport());
    }

    @AfterAll
    static void stop() {
        if (transcribers != null) {
            transcribers.close();
        }
        if (ingest != null) {
            ingest.close();
        }
    }

    @Test
    @Order(1)
    void beforeAnyTranscriberHasReportedEveryLanguageIsAccepted() {
        assertThat(served().served()).isEmpty();

        startCall("vi").expectStatus().isCreated();
        record("vi").expectStatus().isAccepted();
    }

    @Test
    @Order(2)
    void aLanguageNoReportingTranscriberServesIsRefusedBeforeAnythingIsPublished() throws Exception {
        report(new ModelReport("transcriber-1", List.of("en"), System.currentTimeMillis()));
        await(() -> served().served(), Optional.of(Set.of("en")));
        long published = audio.recordCount();

        startCall("vi").expectStatus().isEqualTo(422)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.type").isEqualTo("https://guardian.vn/problems/language-not-served")
                .jsonPath("$.field").isEqualTo("language")
                .jsonPath("$.value").isEqualTo("vi")
                .jsonPath("$.servedLanguages").isEqualTo(List.of("en"))
                .jsonPath("$.fix").isEqualTo(
                        "configure guardian.transcriber.models.vi on the transcribers, or start the call in one of [en]");
        record("vi").expectStatus().isEqualTo(422)
                .expectBody()
                .jsonPath("$.type").isEqualTo("https://guardian.vn/problems/language-not-served")
                .jsonPath("$.field").isEqualTo("X-Call-Language")
                .jsonPath("$.value").isEqualTo("vi")
                .jsonPath("$.servedLanguages").isEqualTo(List.of("en"))
                .jsonPath("$.fix").value(fix -> assertThat((String) fix)
                        .contains("guardian.transcriber.models.vi", "[en]"));
        assertThat(audio.recordCount()).as("records on the audio topic after the refusals").isEqualTo(published);

        startCall("en").expectStatus().isCreated();
        record("en").expectStatus().isAccepted();
        http.get().uri("/actuator/info").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.transcribers.servedLanguages").isEqualTo(List.of("en"))
                .jsonPath("$.transcribers.replicas.transcriber-1.fresh").isEqualTo(true);
    }

    @Test
    @Order(3)
    void aReportOlderThanTheReportTtlCountsAsAReplicaGone() throws Exception {
        long tenMinutesAgo = System.currentTimeMillis() - Duration.ofMinutes(10).toMillis();
        report(new ModelReport("transcriber-gone", List.of("en", "vi"), tenMinutesAgo));
        await(() -> served().reports().containsKey("transcriber-gone"), true);

        assertThat(served().served()).contains(Set.of("en"));
        startCall("vi").expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.servedLanguages").isEqualTo(List.of("en"));
    }

    @Test
    @Order(4)
    void whenTheLastFreshReportIsWithdrawnEveryLanguageIsAcceptedAgain() throws Exception {
        report("transcriber-1", null);
        await(() -> served().reports().containsKey("transcriber-1"), false);

        assertThat(served().served()).as("only a stale report is left").isEmpty();
        startCall("vi").expectStatus().isCreated();
        record("vi").expectStatus().isAccepted();
    }

    private static WebTestClient.ResponseSpec startCall(String language) {
        return http.post().uri("/v1/calls").header("X-Api-Key", RunningIngest.API_KEY)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"language\":\"" + language + "\"," + MONO_PCM + "}")
                .exchange();
    }

    private static WebTestClient.ResponseSpec record(String language) {
        return http.post().uri("/v1/recordings").header("X-Api-Key", RunningIngest.API_KEY)
                .header("X-Call-Language", language).contentType(MediaType.parseMediaType("audio/wav"))
                .bodyValue(Wavs.pcm16(16000, Wavs.sine(300, 16000, 4000, 5000)))
                .exchange();
    }

    private static void report(ModelReport report) throws Exception {
        report(report.instanceId(), report);
    }

    /** What a transcriber writes: its report, or a null tombstone when it stops. */
    private static void report(String instanceId, ModelReport report) throws Exception {
        transcribers.send(new ProducerRecord<>(Topics.TRANSCRIBER_MODELS, instanceId, report)).get();
    }

    private static ServedLanguages served() {
        return ingest.context().getBean(ServedLanguages.class);
    }

    private static <T> void await(Supplier<T> actual, T expected) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!expected.equals(actual.get()) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(actual.get()).isEqualTo(expected);
    }
}
