package vn.guardian.ingest.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import vn.guardian.contracts.audio.AudioChunk;
import vn.guardian.contracts.audio.AudioEvent;
import vn.guardian.contracts.audio.CallEnded;
import vn.guardian.contracts.audio.CallStarted;
import vn.guardian.contracts.audio.SourceFormat;
import vn.guardian.ingest.AudioTopic;
import vn.guardian.ingest.RunningIngest;
import vn.guardian.ingest.Wavs;
import vn.guardian.ingest.audio.G711;
import vn.guardian.ingest.audio.Resampler;

/** The live call API against a real broker: what a feed sends arrives once, in order; bad input publishes nothing. */
class LiveCallsApiTest {

    private static final String LIMITED_TENANT = "initech";
    private static final String LIMITED_KEY = "initech-test-key-1";
    private static final String THROTTLED_TENANT = "umbrella";
    private static final String THROTTLED_KEY = "umbrella-test-key-1";
    private static final int MAX_CHUNK = 8 * 1024;
    private static final String PCM16_MONO = "{\"encoding\":\"pcm_s16le\",\"sampleRate\":16000,\"channels\":1}";

    private static RunningIngest ingest;
    private static WebTestClient http;
    private static AudioTopic topic;

    @BeforeAll
    static void start() throws Exception {
        ingest = RunningIngest.withKafka(Map.ofEntries(
                Map.entry("guardian.ingest.max-chunk-size", MAX_CHUNK + "B"),
                Map.entry("guardian.ingest.calls.idle-timeout", "3s"),
                Map.entry("guardian.ingest.tenants." + LIMITED_TENANT + ".api-keys", LIMITED_KEY),
                Map.entry("guardian.ingest.tenants." + LIMITED_TENANT + ".max-concurrent-calls", "2"),
                Map.entry("guardian.ingest.tenants." + THROTTLED_TENANT + ".api-keys", THROTTLED_KEY),
                Map.entry("guardian.ingest.tenants." + THROTTLED_TENANT + ".request-burst", "3"),
                Map.entry("guardian.ingest.tenants." + THROTTLED_TENANT + ".requests-per-second", "0.2")));
        http = ingest.client();
        topic = new AudioTopic(ingest.kafkaBootstrapServers());
    }

    @AfterAll
    static void stop() throws Exception {
        if (ingest != null) {
            ingest.close();
        }
    }

    @Test
    void eightKhzMuLawStereoCallArrivesAsSeamless16kChunksPerChannel() {
        short[] agent = Wavs.sine(440, 8000, 8000, 9000);
        short[] customer = Wavs.sine(1000, 8000, 8000, 9000);
        byte[] mulaw = Wavs.mulawBytes(agent, customer);
        Map<?, ?> started = http.post().uri("/v1/calls").header("X-Api-Key", RunningIngest.API_KEY)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"language\":\"vi\",\"format\":{\"encoding\":\"mulaw\",\"sampleRate\":8000,\"channels\":2},"
                        + "\"channelRoles\":[\"agent\",\"customer\"],\"metadata\":{\"agentId\":\"a-17\",\"queue\":\"billing\"}}")
                .exchange().expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody();
        String callId = (String) started.get("callId");
        assertThat((String) started.get("streamUrl")).startsWith("ws://").endsWith("/v1/calls/" + callId + "/stream");

        // 125 ms client chunks: every published 250 ms chunk spans two of them
        int frameBytes = 2;
        int perChunk = 1000 * frameBytes;
        for (int seq = 0; seq * perChunk < mulaw.length; seq++) {
            byte[] part = Arrays.copyOfRange(mulaw, seq * perChunk, (seq + 1) * perChunk);
            put(RunningIngest.API_KEY, callId, String.valueOf(seq), part).expectStatus().isOk()
                    .expectBody().jsonPath("$.seq").isEqualTo(seq).jsonPath("$.nextSeq").isEqualTo(seq + 1)
                    .jsonPath("$.replayed").isEqualTo(false);
        }
        http.post().uri("/v1/calls/{id}/end", callId).header("X-Api-Key", RunningIngest.API_KEY).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.reason").isEqualTo("completed")
                .jsonPath("$.chunks").isEqualTo(8).jsonPath("$.audioMs").isEqualTo(1000);

        List<AudioEvent> events = topic.events(callId, 10);
        assertThat(events).hasSize(10);
        CallStarted start = (CallStarted) events.get(0);
        assertThat(start.sourceFormat()).isEqualTo(new SourceFormat("mulaw", 8000, 2));
        assertThat(start.channelRoles()).containsExactly("agent", "customer");
        assertThat(start.metadata()).containsEntry("agentId", "a-17").containsEntry("queue", "billing");
        assertThat(start.language()).isEqualTo("vi");
        assertThat(events.get(9)).isInstanceOfSatisfying(CallEnded.class,
                ended -> assertThat(ended.reason()).isEqualTo("completed"));
        List<AudioChunk> chunks = events.subList(1, 9).stream().map(AudioChunk.class::cast).toList();
        assertThat(chunks).extracting(AudioChunk::channel).containsExactly(0, 1, 0, 1, 0, 1, 0, 1);
        for (int channel = 0; channel < 2; channel++) {
            int c = channel;
            List<AudioChunk> own = chunks.stream().filter(chunk -> chunk.channel() == c).toList();
            assertThat(own).extracting(AudioChunk::seq).containsExactly(0L, 1L, 2L, 3L);
            assertThat(own).extracting(AudioChunk::startSample).containsExactly(0L, 4000L, 8000L, 12000L);
            // streamed through chunk boundaries, the audio is sample for sample what the whole call resamples to
            short[] decoded = new short[8000];
            for (int i = 0; i < decoded.length; i++) {
                decoded[i] = G711.mulaw(mulaw[2 * i + channel]);
            }
            assertThat(joined(own)).containsExactly(new Resampler(8000, 16000).resample(decoded));
        }
        short[] agentOut = Wavs.samples(chunks.get(2).pcm());
        assertThat(Wavs.amplitudeAt(agentOut, 440, 16000)).isBetween(8500.0, 9500.0);
        assertThat(Wavs.amplitudeAt(agentOut, 1000, 16000)).isLessThan(300);
        assertThat(Wavs.amplitudeAt(Wavs.samples(chunks.get(3).pcm()), 1000, 16000)).isBetween(8500.0, 9500.0);
    }

    @Test
    void startWithAClientCallIdIsIdempotent() {
        String callId = "pbx-" + UUID.randomUUID();
        String body = "{\"callId\":\"" + callId + "\",\"format\":" + PCM16_MONO + "}";
        startRequest(RunningIngest.API_KEY, body).expectStatus().isCreated().expectBody().jsonPath("$.callId").isEqualTo(callId);
        startRequest(RunningIngest.API_KEY, body).expectStatus().isOk().expectBody().jsonPath("$.callId").isEqualTo(callId);
        assertRejected(startRequest(RunningIngest.API_KEY, "{\"callId\":\"" + callId + "\",\"language\":\"vi\",\"format\":"
                + PCM16_MONO + "}"), HttpStatus.CONFLICT, "call-exists").jsonPath("$.field").isEqualTo("callId");
        // another tenant cannot take the id, and is not told whose it is
        assertRejected(startRequest(RunningIngest.OTHER_API_KEY, body), HttpStatus.CONFLICT, "call-id-taken")
                .jsonPath("$.detail").value(detail -> assertThat((String) detail).doesNotContain(RunningIngest.TENANT));

        end(callId);
        assertThat(topic.events(callId, 2)).hasSize(2).first().isInstanceOf(CallStarted.class);
    }

    @Test
    void aResentChunkIsAcknowledgedAgainWithoutPublishingTwice() {
        String callId = startCall(RunningIngest.API_KEY, "{\"format\":" + PCM16_MONO + "}");
        byte[] quarter = pcm(Wavs.sine(300, 16000, 4000, 5000));
        put(RunningIngest.API_KEY, callId, "0", quarter).expectStatus().isOk().expectBody().jsonPath("$.published").isEqualTo(1);
        long before = topic.recordCount();
        put(RunningIngest.API_KEY, callId, "0", quarter).expectStatus().isOk()
                .expectBody().jsonPath("$.replayed").isEqualTo(true).jsonPath("$.nextSeq").isEqualTo(1);
        assertThat(topic.recordCount()).isEqualTo(before);

        assertRejected(put(RunningIngest.API_KEY, callId, "0", pcm(new short[4000])), HttpStatus.CONFLICT,
                "chunk-conflict").jsonPath("$.expectedSeq").isEqualTo(1);
        assertRejected(put(RunningIngest.API_KEY, callId, "2", quarter), HttpStatus.CONFLICT, "out-of-sequence")
                .jsonPath("$.field").isEqualTo("seq").jsonPath("$.value").isEqualTo(2).jsonPath("$.expectedSeq").isEqualTo(1);

        put(RunningIngest.API_KEY, callId, "1", quarter).expectStatus().isOk();
        end(callId);
        assertThat(topic.events(callId, 4)).extracting(event -> event.getClass().getSimpleName())
                .containsExactly("CallStarted", "AudioChunk", "AudioChunk", "CallEnded");
    }

    @Test
    void chunksAfterTheEndAre409AndEndingTwiceAnswersTheSame() {
        String callId = startCall(RunningIngest.API_KEY, "{\"format\":" + PCM16_MONO + "}");
        put(RunningIngest.API_KEY, callId, "0", pcm(new short[1000])).expectStatus().isOk();
        end(callId);
        http.post().uri("/v1/calls/{id}/end", callId).header("X-Api-Key", RunningIngest.API_KEY).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.reason").isEqualTo("completed").jsonPath("$.chunks").isEqualTo(1);
        assertRejected(put(RunningIngest.API_KEY, callId, "1", pcm(new short[1000])), HttpStatus.CONFLICT, "call-ended")
                .jsonPath("$.reason").isEqualTo("completed");
        assertThat(topic.events(callId, 3)).hasSize(3);
    }

    @Test
    void anotherTenantsCallAnswers404LikeAnUnknownOne() {
        String callId = startCall(RunningIngest.API_KEY, "{\"format\":" + PCM16_MONO + "}");
        assertRejected(put(RunningIngest.OTHER_API_KEY, callId, "0", pcm(new short[100])),
                HttpStatus.NOT_FOUND, "call-not-found").jsonPath("$.detail").value(detail ->
                assertThat((String) detail).doesNotContain(RunningIngest.TENANT));
        assertRejected(http.post().uri("/v1/calls/{id}/end", callId).header("X-Api-Key", RunningIngest.OTHER_API_KEY)
                .exchange(), HttpStatus.NOT_FOUND, "call-not-found");
        assertRejected(put(RunningIngest.API_KEY, "no-such-call", "0", pcm(new short[100])), HttpStatus.NOT_FOUND,
                "call-not-found");
        // the owner is unaffected
        put(RunningIngest.API_KEY, callId, "0", pcm(new short[100])).expectStatus().isOk();
        end(callId);
    }

    @Test
    void anIdleCallIsEndedWithReasonIdleTimeout() {
        String callId = startCall(RunningIngest.API_KEY, "{\"format\":" + PCM16_MONO + "}");
        put(RunningIngest.API_KEY, callId, "0", pcm(new short[3000])).expectStatus().isOk();
        put(RunningIngest.API_KEY, callId, "1", pcm(new short[3000])).expectStatus().isOk();

        List<AudioEvent> events = topic.events(callId, 4);

        assertThat(events).extracting(event -> event.getClass().getSimpleName())
                .containsExactly("CallStarted", "AudioChunk", "AudioChunk", "CallEnded");
        assertThat(((CallEnded) events.get(3)).reason()).isEqualTo("idle-timeout");
        assertRejected(put(RunningIngest.API_KEY, callId, "2", pcm(new short[100])), HttpStatus.CONFLICT, "call-ended")
                .jsonPath("$.reason").isEqualTo("idle-timeout");
    }

    @Test
    void webSocketFramesAreChunksAndTheEndMessageEndsTheCall() {
        String callId = startCall(RunningIngest.API_KEY, "{\"format\":" + PCM16_MONO + "}");
        List<String> replies = new CopyOnWriteArrayList<>();
        short[] second = Wavs.sine(500, 16000, 16000, 7000);

        new ReactorNettyWebSocketClient().execute(wsUri(callId), apiKey(RunningIngest.API_KEY), session -> {
            Flux<WebSocketMessage> frames = Flux.range(0, 4)
                    .map(i -> session.binaryMessage(factory -> factory.wrap(pcm(Arrays.copyOfRange(second, i * 4000, i * 4000 + 4000)))))
                    .concatWith(Mono.just(session.textMessage("{\"type\":\"end\"}")));
            return session.send(frames)
                    .and(session.receive().map(WebSocketMessage::getPayloadAsText).doOnNext(replies::add).then());
        }).block(Duration.ofSeconds(20));

        assertThat(replies).hasSize(5);
        assertThat(replies.get(0)).contains("\"type\":\"ack\"").contains("\"seq\":0");
        assertThat(replies.get(3)).contains("\"seq\":3");
        assertThat(replies.get(4)).contains("\"type\":\"ended\"").contains("\"reason\":\"completed\"");
        List<AudioEvent> events = topic.events(callId, 6);
        assertThat(events).hasSize(6);
        assertThat(joined(events.subList(1, 5).stream().map(AudioChunk.class::cast).toList())).containsExactly(second);
    }

    @Test
    void aDroppedWebSocketLeavesTheCallToTheIdleTimeout() {
        String callId = startCall(RunningIngest.API_KEY, "{\"format\":" + PCM16_MONO + "}");
        new ReactorNettyWebSocketClient().execute(wsUri(callId), apiKey(RunningIngest.API_KEY), session ->
                session.send(Mono.just(session.binaryMessage(factory -> factory.wrap(pcm(new short[4000])))))
                        .then(session.receive().next().then())
        ).block(Duration.ofSeconds(20));

        List<AudioEvent> events = topic.events(callId, 3);
        assertThat(events).hasSize(3);
        assertThat(((CallEnded) events.get(2)).reason()).isEqualTo("idle-timeout");
    }

    @Test
    void webSocketToAnotherTenantsCallIsRefusedAtTheHandshake() {
        String callId = startCall(RunningIngest.API_KEY, "{\"format\":" + PCM16_MONO + "}");
        ingest.streamClient().get().uri("/v1/calls/{id}/stream", callId)
                .header("X-Api-Key", RunningIngest.OTHER_API_KEY)
                .header("Upgrade", "websocket").header("Connection", "Upgrade")
                .header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==").header("Sec-WebSocket-Version", "13")
                .exchange().expectStatus().isNotFound()
                .expectBody().jsonPath("$.type").isEqualTo("https://guardian.vn/problems/call-not-found");
        end(callId);
    }

    @Test
    void aTenantOverItsConcurrentCallLimitGets429WithRetryAfter() {
        String first = startCall(LIMITED_KEY, "{\"format\":" + PCM16_MONO + "}");
        String secondCall = startCall(LIMITED_KEY, "{\"format\":" + PCM16_MONO + "}");
        assertRejected(startRequest(LIMITED_KEY, "{\"format\":" + PCM16_MONO + "}"), HttpStatus.TOO_MANY_REQUESTS,
                "too-many-calls").jsonPath("$.value").isEqualTo(2);
        startRequest(LIMITED_KEY, "{\"format\":" + PCM16_MONO + "}").expectHeader().valueEquals("Retry-After", "10");
        // other tenants are not affected
        end(startCall(RunningIngest.API_KEY, "{\"format\":" + PCM16_MONO + "}"));

        end(LIMITED_KEY, first);
        end(LIMITED_KEY, startCall(LIMITED_KEY, "{\"format\":" + PCM16_MONO + "}"));
        end(LIMITED_KEY, secondCall);
    }

    @Test
    void aTenantOverItsRequestRateGets429WithRetryAfter() {
        for (int i = 0; i < 3; i++) {
            http.get().uri("/v1/calls/none-{i}/end", i).header("X-Api-Key", THROTTLED_KEY).exchange()
                    .expectStatus().value(status -> assertThat(status).isNotEqualTo(429));
        }
        assertRejected(startRequest(THROTTLED_KEY, "{\"format\":" + PCM16_MONO + "}"), HttpStatus.TOO_MANY_REQUESTS,
                "rate-limited");
        startRequest(THROTTLED_KEY, "{}").expectStatus().isEqualTo(429).expectHeader().valueEquals("Retry-After", "5");
    }

    // ---- bad input: a precise problem each, nothing published, the bystander call undisturbed

    @Test
    void malformedJson() {
        assertBad(bystander -> startRequest(RunningIngest.API_KEY, "{\"format\": {\"encoding\": \"mulaw\","), "malformed-json")
                .jsonPath("$.field").isEqualTo("body").jsonPath("$.value").isEqualTo("at line 1, column 33");
    }

    @Test
    void unknownField() {
        assertBad(bystander -> startRequest(RunningIngest.API_KEY, "{\"format\":" + PCM16_MONO + ",\"sampleRte\":\"x\"}"),
                "unknown-field").jsonPath("$.field").isEqualTo("sampleRte").jsonPath("$.value").isEqualTo("\"x\"")
                .jsonPath("$.fix").value(fix -> assertThat((String) fix).contains("channelRoles, format, language"));
    }

    @Test
    void knownFieldWithAWrongType() {
        assertBad(bystander -> startRequest(RunningIngest.API_KEY,
                "{\"format\":{\"encoding\":\"mulaw\",\"sampleRate\":\"8000\",\"channels\":1}}"), "invalid-field")
                .jsonPath("$.field").isEqualTo("format.sampleRate").jsonPath("$.value").isEqualTo("\"8000\"")
                .jsonPath("$.fix").value(fix -> assertThat((String) fix).contains("8000..48000"));
        assertBad(bystander -> startRequest(RunningIngest.API_KEY, "{\"format\":" + PCM16_MONO + ",\"metadata\":{\"agent\":17}}"),
                "invalid-field").jsonPath("$.field").isEqualTo("metadata.agent");
    }

    @Test
    void sampleRateZero() {
        assertBad(bystander -> startRequest(RunningIngest.API_KEY, format("pcm_s16le", "0", "1")), "invalid-field")
                .jsonPath("$.field").isEqualTo("format.sampleRate").jsonPath("$.value").isEqualTo(0);
    }

    @Test
    void sampleRateOfABillion() {
        assertBad(bystander -> startRequest(RunningIngest.API_KEY, format("pcm_s16le", "1000000000", "1")), "invalid-field")
                .jsonPath("$.field").isEqualTo("format.sampleRate").jsonPath("$.value").isEqualTo(1000000000)
                .jsonPath("$.fix").isEqualTo("send an integer 8000..48000 (Hz)");
    }

    @Test
    void threeChannels() {
        assertBad(bystander -> startRequest(RunningIngest.API_KEY, format("alaw", "8000", "3")), "invalid-field")
                .jsonPath("$.field").isEqualTo("format.channels").jsonPath("$.value").isEqualTo(3);
    }

    @Test
    void unknownEncoding() {
        assertBad(bystander -> startRequest(RunningIngest.API_KEY, format("opus", "8000", "1")), "invalid-field")
                .jsonPath("$.field").isEqualTo("format.encoding")
                .jsonPath("$.fix").value(fix -> assertThat((String) fix).contains("pcm_s16le, mulaw, alaw"));
    }

    @Test
    void oddByteCountFor16BitAudio() {
        // the call itself then takes a whole-frame chunk 1
        assertBad(bystander -> put(RunningIngest.API_KEY, bystander, "1", new byte[101]), "partial-frame")
                .jsonPath("$.field").isEqualTo("body").jsonPath("$.value").isEqualTo(101);
    }

    @Test
    void negativeSeq() {
        assertBad(bystander -> put(RunningIngest.API_KEY, bystander, "-1", new byte[2]), "invalid-seq")
                .jsonPath("$.field").isEqualTo("seq").jsonPath("$.value").isEqualTo("-1");
    }

    @Test
    void nonNumericSeq() {
        assertBad(bystander -> put(RunningIngest.API_KEY, bystander, "one", new byte[2]), "invalid-seq")
                .jsonPath("$.value").isEqualTo("one");
    }

    @Test
    void oversizedChunk() {
        assertBad(bystander -> put(RunningIngest.API_KEY, bystander, "1", new byte[MAX_CHUNK + 2]),
                HttpStatus.PAYLOAD_TOO_LARGE, "chunk-too-large")
                .jsonPath("$.fix").value(fix -> assertThat((String) fix).contains("guardian.ingest.max-chunk-size"));
    }

    @Test
    void callIdWithPathCharacters() {
        assertBad(bystander -> http.put().uri(URI.create(ingestUrl() + "/v1/calls/a%2F..%2Fb/chunks/0"))
                .header("X-Api-Key", RunningIngest.API_KEY).bodyValue(new byte[2]).exchange(), "invalid-call-id")
                .jsonPath("$.field").isEqualTo("callId").jsonPath("$.value").isEqualTo("a/../b");
        assertBad(bystander -> startRequest(RunningIngest.API_KEY, "{\"callId\":\"../etc\",\"format\":" + PCM16_MONO + "}"),
                "invalid-call-id").jsonPath("$.value").isEqualTo("../etc");
    }

    @Test
    void callIdOver128Characters() {
        String longId = "c".repeat(129);
        assertBad(bystander -> put(RunningIngest.API_KEY, longId, "0", new byte[2]), "invalid-call-id")
                .jsonPath("$.detail").value(detail -> assertThat((String) detail).contains("129 characters"));
    }

    @Test
    void unknownCall() {
        assertBad(bystander -> put(RunningIngest.API_KEY, "never-started", "0", new byte[2]), HttpStatus.NOT_FOUND, "call-not-found");
    }

    @Test
    void chunkAfterEnd() {
        String callId = startCall(RunningIngest.API_KEY, "{\"format\":" + PCM16_MONO + "}");
        end(callId);
        assertBad(bystander -> put(RunningIngest.API_KEY, callId, "0", new byte[2]), HttpStatus.CONFLICT, "call-ended");
    }

    @Test
    void gapInSequence() {
        assertBad(bystander -> put(RunningIngest.API_KEY, bystander, "6", new byte[2]),
                HttpStatus.CONFLICT, "out-of-sequence").jsonPath("$.expectedSeq").isEqualTo(1);
    }

    @Test
    void openApiDescriptionAndLiveMetricsAreServed() {
        String spec = http.get().uri("/openapi.yaml").exchange().expectStatus().isOk().expectBody(String.class)
                .returnResult().getResponseBody();
        assertThat(spec).contains("/v1/calls/{callId}/chunks/{seq}").contains("/v1/calls/{callId}/stream");
        String metrics = http.get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(metrics).contains("guardian_ingest_calls_active").contains("guardian_ingest_chunks_received_total")
                .contains("guardian_ingest_bytes_received_bytes_total").contains("guardian_ingest_calls_started_total");
    }

    @Test
    void everyChunkAnswerWaitsForItsCallStateAndThatWaitIsMeasured() {
        double before = metric("guardian_ingest_call_state_latency_seconds_count");
        String callId = startCall(RunningIngest.API_KEY, "{\"format\":" + PCM16_MONO + "}");
        put(RunningIngest.API_KEY, callId, "0", pcm(new short[4000])).expectStatus().isOk();
        put(RunningIngest.API_KEY, callId, "1", pcm(new short[4000])).expectStatus().isOk();
        // the start, two chunks and the end each wrote the call's state
        end(callId);
        assertThat(metric("guardian_ingest_call_state_latency_seconds_count") - before).isGreaterThanOrEqualTo(4);
    }

    // ---- helpers

    private static double metric(String name) {
        String metrics = http.get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        return metrics.lines().filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    private static WebTestClient.BodyContentSpec assertBad(Function<String, WebTestClient.ResponseSpec> request,
                                                           String slug) {
        return assertBad(request, HttpStatus.BAD_REQUEST, slug);
    }

    /**
     * Sends {@code request} (given a bystander call that has taken chunk 0) and expects it rejected as
     * {@code slug} with field and fix, nothing published, and the bystander still taking its chunk 1.
     */
    private static WebTestClient.BodyContentSpec assertBad(Function<String, WebTestClient.ResponseSpec> request,
                                                           HttpStatus status, String slug) {
        String bystander = startCall(RunningIngest.API_KEY, "{\"format\":" + PCM16_MONO + "}");
        put(RunningIngest.API_KEY, bystander, "0", pcm(new short[4000])).expectStatus().isOk();
        long before = topic.recordCount();
        WebTestClient.BodyContentSpec body = assertRejected(request.apply(bystander), status, slug)
                .jsonPath("$.field").exists().jsonPath("$.fix").exists();
        assertThat(topic.recordCount()).as("records published by a rejected request").isEqualTo(before);
        put(RunningIngest.API_KEY, bystander, "1", pcm(new short[4000])).expectStatus().isOk()
                .expectBody().jsonPath("$.nextSeq").isEqualTo(2).jsonPath("$.published").isEqualTo(1);
        end(bystander);
        assertThat(topic.events(bystander, 4)).extracting(AudioEvent::getClass).containsExactly(
                CallStarted.class, AudioChunk.class, AudioChunk.class, CallEnded.class);
        return body;
    }

    private static WebTestClient.BodyContentSpec assertRejected(WebTestClient.ResponseSpec response, HttpStatus status,
                                                                String slug) {
        return response.expectStatus().isEqualTo(status.value())
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.type").isEqualTo("https://guardian.vn/problems/" + slug)
                .jsonPath("$.status").isEqualTo(status.value())
                .jsonPath("$.title").exists()
                .jsonPath("$.detail").exists();
    }

    private static String format(String encoding, String rate, String channels) {
        return "{\"format\":{\"encoding\":\"" + encoding + "\",\"sampleRate\":" + rate + ",\"channels\":" + channels + "}}";
    }

    private static WebTestClient.ResponseSpec startRequest(String apiKey, String json) {
        return http.post().uri("/v1/calls").header("X-Api-Key", apiKey).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(json).exchange();
    }

    private static String startCall(String apiKey, String json) {
        Map<?, ?> answer = startRequest(apiKey, json).expectStatus().isCreated().expectBody(Map.class).returnResult()
                .getResponseBody();
        return (String) answer.get("callId");
    }

    private static WebTestClient.ResponseSpec put(String apiKey, String callId, String seq, byte[] audio) {
        return http.put().uri("/v1/calls/{id}/chunks/{seq}", callId, seq).header("X-Api-Key", apiKey)
                .contentType(MediaType.APPLICATION_OCTET_STREAM).bodyValue(audio).exchange();
    }

    private static void end(String callId) {
        end(RunningIngest.API_KEY, callId);
    }

    private static void end(String apiKey, String callId) {
        http.post().uri("/v1/calls/{id}/end", callId).header("X-Api-Key", apiKey).exchange().expectStatus().isOk();
    }

    private static byte[] pcm(short[] samples) {
        return Wavs.samplesToBytes(samples);
    }

    private static short[] joined(List<AudioChunk> chunks) {
        List<Short> all = new ArrayList<>();
        for (AudioChunk chunk : chunks) {
            for (short sample : Wavs.samples(chunk.pcm())) {
                all.add(sample);
            }
        }
        short[] out = new short[all.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = all.get(i);
        }
        return out;
    }

    private static HttpHeaders apiKey(String key) {
        HttpHeaders headers = new HttpHeaders();
        headers.set("X-Api-Key", key);
        return headers;
    }

    private static String ingestUrl() {
        int port = ((org.springframework.boot.web.server.context.WebServerApplicationContext) ingest.context())
                .getWebServer().getPort();
        return "http://localhost:" + port;
    }

    private static URI wsUri(String callId) {
        return URI.create(ingestUrl().replace("http:", "ws:") + "/v1/calls/" + callId + "/stream");
    }
}
