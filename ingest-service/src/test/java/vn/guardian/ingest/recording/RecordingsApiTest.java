package vn.guardian.ingest.recording;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import vn.guardian.contracts.Topics;
import vn.guardian.contracts.audio.AudioChunk;
import vn.guardian.contracts.audio.AudioEvent;
import vn.guardian.contracts.audio.CallEnded;
import vn.guardian.contracts.audio.CallStarted;
import vn.guardian.contracts.audio.SourceFormat;
import vn.guardian.ingest.AudioTopic;
import vn.guardian.ingest.RunningIngest;
import vn.guardian.ingest.Wavs;

/** POST /v1/recordings against a real broker: good recordings land on the audio topic, bad ones publish nothing. */
class RecordingsApiTest {

    private static final MediaType WAV = MediaType.parseMediaType("audio/wav");
    private static final int MAX_BYTES = 64 * 1024;

    private static RunningIngest ingest;
    private static WebTestClient http;

    @BeforeAll
    static void start() throws Exception {
        ingest = RunningIngest.withKafka(Map.of(
                "guardian.ingest.max-recording-size", MAX_BYTES + "B"));
        http = ingest.client();
    }

    @AfterAll
    static void stop() throws Exception {
        if (ingest != null) {
            ingest.close();
        }
    }

    @Test
    void stereo8kRecordingIsPublishedAsOneCallWith16kChunksPerChannel() {
        int seconds = 2;
        short[] agent = Wavs.sine(440, 8000, 8000 * seconds, 8000);
        short[] customer = Wavs.sine(1000, 8000, 8000 * seconds, 8000);
        long before = System.currentTimeMillis();

        Map<?, ?> answer = http.post().uri("/v1/recordings")
                .header("X-Api-Key", RunningIngest.API_KEY).header("X-Call-Language", "vi")
                .contentType(MediaType.parseMediaType("audio/x-wav"))
                .bodyValue(Wavs.pcm16(8000, agent, customer))
                .exchange()
                .expectStatus().isAccepted()
                .expectBody(Map.class).returnResult().getResponseBody();

        String callId = (String) answer.get("callId");
        assertThat(answer.get("channels")).isEqualTo(2);
        assertThat(((Number) answer.get("durationMs")).longValue()).isEqualTo(2000);
        assertThat(answer.get("chunks")).isEqualTo(16);
        assertThat(answer.get("links")).isEqualTo(Map.of("call", "/v1/calls/" + callId));

        List<ConsumerRecord<String, AudioEvent>> records = readAudioTopic(callId, 18);
        assertThat(records).hasSize(18).allSatisfy(record -> assertThat(record.key()).isEqualTo(callId));
        assertThat(records.stream().map(ConsumerRecord::partition).distinct()).hasSize(1);
        List<AudioEvent> events = records.stream().map(ConsumerRecord::value).toList();

        CallStarted started = (CallStarted) events.get(0);
        assertThat(started.tenant()).isEqualTo(RunningIngest.TENANT);
        assertThat(started.language()).isEqualTo("vi");
        assertThat(started.sourceFormat()).isEqualTo(new SourceFormat("pcm_s16le", 8000, 2));
        assertThat(started.channelRoles()).containsExactly("agent", "customer");
        assertThat(started.sampleRate()).isEqualTo(16000);
        assertThat(started.startedAt()).isBetween(before, System.currentTimeMillis());
        assertThat(events.get(events.size() - 1)).isInstanceOfSatisfying(CallEnded.class,
                ended -> assertThat(ended.reason()).isEqualTo("completed"));

        List<AudioChunk> chunks = events.subList(1, events.size() - 1).stream().map(AudioChunk.class::cast).toList();
        Map<Integer, List<AudioChunk>> byChannel = chunks.stream()
                .collect(Collectors.groupingBy(AudioChunk::channel));
        for (int channel = 0; channel < 2; channel++) {
            List<AudioChunk> own = byChannel.get(channel);
            assertThat(own).extracting(AudioChunk::seq).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L);
            assertThat(own).extracting(AudioChunk::startSample)
                    .containsExactly(0L, 4000L, 8000L, 12000L, 16000L, 20000L, 24000L, 28000L);
            assertThat(own).allSatisfy(chunk -> {
                assertThat(chunk.sampleRate()).isEqualTo(16000);
                assertThat(chunk.samples()).isEqualTo(4000);
                assertThat(chunk.ingestedAt()).isEqualTo(started.startedAt());
            });
        }
        // each channel carries its own speaker: the agent's 440 Hz, the customer's 1 kHz
        short[] agentMiddle = Wavs.samples(byChannel.get(0).get(3).pcm());
        short[] customerMiddle = Wavs.samples(byChannel.get(1).get(3).pcm());
        assertThat(Wavs.amplitudeAt(agentMiddle, 440, 16000)).isGreaterThan(7000);
        assertThat(Wavs.amplitudeAt(agentMiddle, 1000, 16000)).isLessThan(500);
        assertThat(Wavs.amplitudeAt(customerMiddle, 1000, 16000)).isGreaterThan(7000);
        assertThat(Wavs.amplitudeAt(customerMiddle, 440, 16000)).isLessThan(500);
    }

    @Test
    void g711WavAndRawAudioBasicAreDecodedAndResampled() {
        short[] agent = Wavs.sine(440, 8000, 8000, 8000);
        short[] customer = Wavs.sine(1000, 8000, 8000, 8000);
        Map<?, ?> wav = http.post().uri("/v1/recordings").header("X-Api-Key", RunningIngest.API_KEY).contentType(WAV)
                .bodyValue(Wavs.wav(7, 2, 8000, 8, Wavs.mulawBytes(agent, customer)))
                .exchange().expectStatus().isAccepted().expectBody(Map.class).returnResult().getResponseBody();
        List<AudioEvent> events = readAudioTopic((String) wav.get("callId"), 10).stream().map(ConsumerRecord::value).toList();
        assertThat(((CallStarted) events.get(0)).sourceFormat()).isEqualTo(new SourceFormat("mulaw", 8000, 2));
        AudioChunk customerChunk = (AudioChunk) events.get(4);
        assertThat(customerChunk.channel()).isEqualTo(1);
        assertThat(Wavs.amplitudeAt(Wavs.samples(customerChunk.pcm()), 1000, 16000)).isBetween(7500.0, 8500.0);

        Map<?, ?> basic = http.post().uri("/v1/recordings").header("X-Api-Key", RunningIngest.API_KEY)
                .contentType(MediaType.parseMediaType("audio/basic")).bodyValue(Wavs.mulawBytes(agent))
                .exchange().expectStatus().isAccepted().expectBody(Map.class).returnResult().getResponseBody();
        assertThat(basic.get("durationMs")).isEqualTo(1000);
        List<AudioEvent> raw = readAudioTopic((String) basic.get("callId"), 6).stream().map(ConsumerRecord::value).toList();
        assertThat(raw).hasSize(6);
        assertThat(((CallStarted) raw.get(0)).sourceFormat()).isEqualTo(new SourceFormat("mulaw", 8000, 1));
        assertThat(Wavs.amplitudeAt(Wavs.samples(((AudioChunk) raw.get(2)).pcm()), 440, 16000)).isBetween(7500.0, 8500.0);
    }

    @Test
    void monoRecordingGetsTheMonoRoleAndCustomRolesOverrideStereoDefaults() {
        Map<?, ?> mono = http.post().uri("/v1/recordings").header("X-Api-Key", RunningIngest.API_KEY)
                .contentType(WAV).bodyValue(Wavs.pcm16(16000, Wavs.sine(300, 16000, 16000, 5000)))
                .exchange().expectStatus().isAccepted().expectBody(Map.class).returnResult().getResponseBody();
        CallStarted monoStart = (CallStarted) readAudioTopic((String) mono.get("callId"), 6).get(0).value();
        assertThat(monoStart.channelRoles()).containsExactly("mono");
        assertThat(monoStart.language()).isEqualTo("en");

        Map<?, ?> stereo = http.post().uri("/v1/recordings").header("X-Api-Key", RunningIngest.API_KEY)
                .header("X-Channel-Roles", "customer, agent").contentType(MediaType.parseMediaType("audio/wave"))
                .bodyValue(Wavs.pcm16(16000, new short[100], new short[100]))
                .exchange().expectStatus().isAccepted().expectBody(Map.class).returnResult().getResponseBody();
        CallStarted stereoStart = (CallStarted) readAudioTopic((String) stereo.get("callId"), 4).get(0).value();
        assertThat(stereoStart.channelRoles()).containsExactly("customer", "agent");
    }

    @Test
    void missingApiKeyIs401AndPublishesNothing() {
        assertRejectedWithoutPublishing(() -> http.post().uri("/v1/recordings").contentType(WAV).bodyValue(goodWav())
                .exchange(), HttpStatus.UNAUTHORIZED, "missing-api-key");
    }

    @Test
    void wrongApiKeyIs401AndPublishesNothing() {
        assertRejectedWithoutPublishing(() -> post("not-a-key", WAV, goodWav()), HttpStatus.UNAUTHORIZED, "invalid-api-key")
                .jsonPath("$.value").doesNotExist();
    }

    @Test
    void randomBytesAre415NotWav() {
        byte[] noise = new byte[4096];
        new Random(7).nextBytes(noise);
        noise[0] = 'Z';
        assertRejectedWithoutPublishing(() -> post(RunningIngest.API_KEY, WAV, noise), HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                "not-wav");
    }

    @Test
    void truncatedFileIs400NamingTheLyingLength() {
        byte[] wav = goodWav();
        assertRejectedWithoutPublishing(() -> post(RunningIngest.API_KEY, WAV, java.util.Arrays.copyOf(wav, wav.length / 2)),
                HttpStatus.BAD_REQUEST, "truncated-wav").jsonPath("$.field").isEqualTo("RIFF chunk size");
    }

    @Test
    void floatEncodingIs415SayingWhatIsSupported() {
        assertRejectedWithoutPublishing(() -> post(RunningIngest.API_KEY, WAV, Wavs.wav(3, 1, 16000, 32, new byte[4000])),
                HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-encoding")
                .jsonPath("$.field").isEqualTo("encoding")
                .jsonPath("$.value").isEqualTo("IEEE float 32-bit")
                .jsonPath("$.fix").value(fix -> assertThat((String) fix).contains("supported: PCM 16-bit"));
    }

    @Test
    void eightBitPcmIs415() {
        assertRejectedWithoutPublishing(() -> post(RunningIngest.API_KEY, WAV, Wavs.wav(1, 1, 8000, 8, new byte[800])),
                HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-encoding");
    }

    @Test
    void sampleRateAbove48kIs415() {
        assertRejectedWithoutPublishing(() -> post(RunningIngest.API_KEY, WAV, Wavs.pcm16(96000, new short[960])),
                HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-sample-rate").jsonPath("$.value").isEqualTo(96000);
    }

    @Test
    void emptyBodyIs400() {
        assertRejectedWithoutPublishing(() -> post(RunningIngest.API_KEY, WAV, new byte[0]), HttpStatus.BAD_REQUEST,
                "empty-recording");
    }

    @Test
    void oversizedRecordingIs413() {
        byte[] big = Wavs.pcm16(16000, new short[MAX_BYTES / 2 + 100]);
        assertRejectedWithoutPublishing(() -> post(RunningIngest.API_KEY, WAV, big), HttpStatus.PAYLOAD_TOO_LARGE,
                "recording-too-large");
    }

    @Test
    void badLanguageIs400NamingTheHeader() {
        assertRejectedWithoutPublishing(() -> http.post().uri("/v1/recordings").header("X-Api-Key", RunningIngest.API_KEY)
                        .header("X-Call-Language", "Vietnamese!").contentType(WAV).bodyValue(goodWav()).exchange(),
                HttpStatus.BAD_REQUEST, "invalid-language")
                .jsonPath("$.field").isEqualTo("X-Call-Language")
                .jsonPath("$.value").isEqualTo("Vietnamese!");
    }

    @Test
    void rolesThatDoNotMatchTheChannelsAre400() {
        assertRejectedWithoutPublishing(() -> http.post().uri("/v1/recordings").header("X-Api-Key", RunningIngest.API_KEY)
                        .header("X-Channel-Roles", "agent,customer").contentType(WAV).bodyValue(goodWav()).exchange(),
                HttpStatus.BAD_REQUEST, "invalid-channel-roles");
    }

    @Test
    void wrongContentTypeIs415ProblemFromTheFramework() {
        assertRejectedWithoutPublishing(() -> post(RunningIngest.API_KEY, MediaType.APPLICATION_JSON, goodWav()),
                HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type")
                .jsonPath("$.field").isEqualTo("Content-Type");
    }

    @Test
    void wrongMethodIs405Problem() {
        http.get().uri("/v1/recordings").header("X-Api-Key", RunningIngest.API_KEY).exchange()
                .expectStatus().isEqualTo(HttpStatus.METHOD_NOT_ALLOWED)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo("https://guardian.vn/problems/method-not-allowed");
    }

    @Test
    void unknownPathIs404Problem() {
        http.get().uri("/v1/nothing-here").header("X-Api-Key", RunningIngest.API_KEY).exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.status").isEqualTo(404);
    }

    @Test
    void probesAndMetricsAreExposed() {
        http.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("UP");
        http.get().uri("/actuator/health/readiness?show-details=always").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("UP");
        // a rejection first, so the counter exists whichever test ran before
        post("wrong", WAV, goodWav()).expectStatus().isUnauthorized();
        String metrics = http.get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(metrics).contains("guardian_ingest_rejections_total{reason=\"invalid-api-key\"")
                .contains("guardian_ingest_chunks_published_total")
                .contains("guardian_ingest_pcm_published_bytes_total")
                .contains("guardian_ingest_publish_latency_seconds_count");
    }

    private static byte[] goodWav() {
        return Wavs.pcm16(8000, Wavs.sine(500, 8000, 4000, 3000));
    }

    private static WebTestClient.ResponseSpec post(String apiKey, MediaType type, byte[] body) {
        return http.post().uri("/v1/recordings").header("X-Api-Key", apiKey).contentType(type).bodyValue(body)
                .exchange();
    }

    private static WebTestClient.BodyContentSpec assertRejectedWithoutPublishing(java.util.function.Supplier<WebTestClient.ResponseSpec> request,
                                                                                 HttpStatus status, String slug) {
        // counted before the request is sent: the request itself must not publish
        long before = audioRecordCount();
        WebTestClient.BodyContentSpec body = request.get().expectStatus().isEqualTo(status.value())
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.type").isEqualTo("https://guardian.vn/problems/" + slug)
                .jsonPath("$.status").isEqualTo(status.value())
                .jsonPath("$.title").exists()
                .jsonPath("$.detail").exists();
        assertThat(audioRecordCount()).as("records on %s after a rejected request", Topics.AUDIO).isEqualTo(before);
        return body;
    }

    private static long audioRecordCount() {
        return new AudioTopic(ingest.kafkaBootstrapServers()).recordCount();
    }

    private static List<ConsumerRecord<String, AudioEvent>> readAudioTopic(String callId, int expected) {
        return new AudioTopic(ingest.kafkaBootstrapServers()).read(callId, expected);
    }
}
