package vn.guardian.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import reactor.core.publisher.Flux;
import vn.guardian.testsupport.Fuzzing;

/**
 * The ingest API against a real broker, on broken input: mutated WAVs to {@code POST /v1/recordings} (whole or
 * streamed in random pieces, under random content types, languages and channel roles), mutated and random JSON
 * to {@code POST /v1/calls}, and live calls fed chunks of random sizes with random, repeated and skipped seqs.
 * Every answer is a success or a 4xx {@code application/problem+json} that says what to fix; none is a 5xx, none
 * takes longer than its bound, and the service logs no error and no exception meanwhile.
 */
class IngestApiFuzzTest {

    /** Small limits, so that too-large bodies and streamed (past the threshold) recordings come up often. */
    private static final int MAX_RECORDING = 48 * 1024;
    private static final int BUFFER_THRESHOLD = 16 * 1024;
    private static final int MAX_CHUNK = 4 * 1024;
    /** No answer may take longer, on a busy 2-core machine; a hang fails the try instead of the build. */
    private static final Duration BOUND = Duration.ofSeconds(20);
    private static final List<String> WAV_TYPES = List.of("audio/wav", "audio/x-wav", "audio/wave", "audio/basic",
            "application/octet-stream", "audio/wav; charset=utf-8");

    private static RunningIngest ingest;
    private static WebTestClient http;
    private static final Queue<ILoggingEvent> logged = new ConcurrentLinkedQueue<>();
    /** Answers seen, "2xx" or "4xx" per endpoint: the generators must reach both the accepting and refusing paths. */
    private static final Map<String, Set<String>> outcomes = new ConcurrentHashMap<>();
    private static AppenderBase<ILoggingEvent> logCapture;

    @BeforeAll
    static void start() throws Exception {
        ingest = RunningIngest.withKafka(Map.of(
                "guardian.ingest.max-recording-size", MAX_RECORDING + "B",
                "guardian.ingest.recordings.buffer-threshold", BUFFER_THRESHOLD + "B",
                "guardian.ingest.max-chunk-size", MAX_CHUNK + "B"));
        http = ingest.client().mutate().responseTimeout(BOUND).build();
        // attached after start: Spring Boot resets Logback's appenders while it starts
        logCapture = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {
                // not the test's own HTTP client (it logs a pooled connection the service closed after a refusal)
                // nor the test's broker in this JVM (it logs slow events when the machine is busy)
                String logger = event.getLoggerName();
                if (event.getLevel().isGreaterOrEqual(Level.WARN) && !logger.startsWith("reactor.netty.http.client")
                        && !logger.startsWith("kafka.") && !(logger.startsWith("org.apache.kafka.")
                        && !logger.startsWith("org.apache.kafka.clients."))) {
                    logged.add(event);
                }
            }
        };
        logCapture.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logCapture);
    }

    @AfterAll
    static void stop() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logCapture);
        if (ingest != null) {
            ingest.close();
        }
        if (Fuzzing.count(8) >= 8) {
            assertThat(outcomes).as("answers per endpoint").containsEntry("recordings", Set.of("2xx", "4xx"))
                    .containsEntry("calls", Set.of("2xx", "4xx")).containsEntry("chunks", Set.of("2xx", "4xx"));
        }
    }

    /** No error, and no exception at warning level, from the service while the try ran. */
    @AfterEach
    void serviceLoggedNoErrorOrException() {
        List<String> bad = new ArrayList<>();
        for (ILoggingEvent event; (event = logged.poll()) != null; ) {
            if (event.getLevel().isGreaterOrEqual(Level.ERROR) || event.getThrowableProxy() != null) {
                bad.add(event.getLevel() + " " + event.getLoggerName() + ": " + event.getFormattedMessage()
                        + (event.getThrowableProxy() == null ? "" : " / " + event.getThrowableProxy().getClassName()
                        + ": " + event.getThrowableProxy().getMessage()));
            }
        }
        assertThat(bad).as("error and exception log lines").isEmpty();
    }

    static Stream<Fuzzing.Try> recordings() {
        return Fuzzing.tries(30);
    }

    static Stream<Fuzzing.Try> starts() {
        return Fuzzing.tries(40);
    }

    static Stream<Fuzzing.Try> liveCalls() {
        return Fuzzing.tries(8);
    }

    @ParameterizedTest
    @MethodSource("recordings")
    void aBrokenRecordingIsAcceptedOrRefusedWithAProblem(Fuzzing.Try example) {
        Random random = example.random();
        byte[] wav = BrokenWavs.any(random);
        if (random.nextInt(4) == 0) {
            // past the size limit: refused with 413 whether announced or found out while streaming
            wav = Arrays.copyOf(wav, MAX_RECORDING + 1 + random.nextInt(MAX_RECORDING));
        }
        WebTestClient.RequestBodySpec request = http.post().uri("/v1/recordings")
                .header("X-Api-Key", RunningIngest.API_KEY)
                .header("Content-Type", WAV_TYPES.get(random.nextInt(WAV_TYPES.size())));
        if (random.nextInt(4) == 0) {
            request.header("X-Call-Language", random.nextBoolean() ? "vi" : BrokenCallStarts.string(random, 12)
                    .replaceAll("[^\\x20-\\x7e]", ""));
        }
        if (random.nextInt(4) == 0) {
            request.header("X-Channel-Roles", List.of("agent,customer", "mono", "", "a,b,c", "Agent,", ",")
                    .get(random.nextInt(6)));
        }
        if (random.nextBoolean()) {
            assertSuccessOrProblem(request.bodyValue(wav).exchange().expectBody().returnResult(), 202);
            return;
        }
        EntityExchangeResult<byte[]> answer;
        try {
            answer = request.body(pieces(wav, random), DataBuffer.class).exchange().expectBody().returnResult();
        } catch (WebClientRequestException closed) {
            // KNOWN OPEN ISSUE (docs/reliability.md, Fuzzing): a chunked upload refused before its body has arrived
            // is answered with Connection: close while the client still sends, and the client may see the reset
            // instead of the problem; tolerated for chunked bodies only, and only as a closed connection
            assertThat(closed).hasRootCauseInstanceOf(reactor.netty.http.client.PrematureCloseException.class);
            return;
        }
        assertSuccessOrProblem(answer, 202);
    }

    @ParameterizedTest
    @MethodSource("starts")
    void aBrokenCallStartStartsACallOrIsRefusedWithAProblem(Fuzzing.Try example) {
        Random random = example.random();
        byte[] body = BrokenCallStarts.any(random);
        EntityExchangeResult<byte[]> answer = http.post().uri("/v1/calls")
                .header("X-Api-Key", RunningIngest.API_KEY)
                .contentType(random.nextInt(5) == 0 ? MediaType.TEXT_PLAIN : MediaType.APPLICATION_JSON)
                .bodyValue(body).exchange().expectBody().returnResult();

        assertSuccessOrProblem(answer, 200, 201);
        if (answer.getStatus().is2xxSuccessful()) {
            String callId = callId(answer);
            assertSuccessOrProblem(http.post().uri("/v1/calls/{id}/end", callId).header("X-Api-Key", RunningIngest.API_KEY)
                    .exchange().expectBody().returnResult(), 200);
        }
    }

    @ParameterizedTest
    @MethodSource("liveCalls")
    void aLiveCallFedRandomChunksAndSeqsAnswersEachWithSuccessOrAProblem(Fuzzing.Try example) {
        Random random = example.random();
        EntityExchangeResult<byte[]> started = http.post().uri("/v1/calls")
                .header("X-Api-Key", RunningIngest.API_KEY).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(BrokenCallStarts.json(BrokenCallStarts.valid(random))).exchange().expectBody().returnResult();
        assertSuccessOrProblem(started, 201);
        String callId = callId(started);
        long nextSeq = 0;
        for (int chunk = 0; chunk < 15; chunk++) {
            String seq = Long.toString(nextSeq);
            String target = callId;
            switch (random.nextInt(12)) {
                case 0 -> seq = Long.toString(nextSeq + 1 + random.nextInt(5));
                case 1 -> seq = Long.toString(Math.max(0, nextSeq - 1 - random.nextInt(3)));
                case 2 -> seq = List.of("-1", "1e3", "abc", "99999999999999999999", "0x1", " 1", "%00")
                        .get(random.nextInt(7));
                case 3 -> target = List.of("no-such-call", "a".repeat(200), "..", "%2F", "call id")
                        .get(random.nextInt(5));
                default -> {
                }
            }
            byte[] audio = new byte[random.nextInt(4) == 0 ? random.nextInt(2 * MAX_CHUNK) : random.nextInt(MAX_CHUNK)];
            random.nextBytes(audio);
            EntityExchangeResult<byte[]> answer = http.put().uri("/v1/calls/" + target + "/chunks/" + seq)
                    .header("X-Api-Key", RunningIngest.API_KEY).contentType(MediaType.APPLICATION_OCTET_STREAM)
                    .bodyValue(audio).exchange().expectBody().returnResult();
            assertSuccessOrProblem(answer, 200, 202);
            if (answer.getStatus().is2xxSuccessful() && target.equals(callId) && seq.equals(Long.toString(nextSeq))) {
                nextSeq++;
            }
        }
        assertSuccessOrProblem(http.post().uri("/v1/calls/{id}/end", callId).header("X-Api-Key", RunningIngest.API_KEY)
                .exchange().expectBody().returnResult(), 200);
    }

    /** A 2xx of the expected kind, or a 4xx problem+json with type, title, detail and the fix. */
    private static void assertSuccessOrProblem(EntityExchangeResult<byte[]> answer, int... successes) {
        HttpStatusCode status = answer.getStatus();
        String path = answer.getUrl().getPath();
        String endpoint = path.startsWith("/v1/recordings") ? "recordings" : path.contains("/chunks/") ? "chunks"
                : path.endsWith("/end") ? "end" : "calls";
        outcomes.computeIfAbsent(endpoint, key -> ConcurrentHashMap.newKeySet())
                .add(status.is2xxSuccessful() ? "2xx" : status.is4xxClientError() ? "4xx" : status.toString());
        String body = answer.getResponseBody() == null ? "" : new String(answer.getResponseBody());
        if (status.is2xxSuccessful()) {
            assertThat(successes).as("%s answered %s %s", answer.getUrl(), status, body).contains(status.value());
            return;
        }
        assertThat(status.is4xxClientError()).as("%s answered %s %s", answer.getUrl(), status, body).isTrue();
        assertThat(answer.getResponseHeaders().getContentType()).as(body).isNotNull()
                .matches(type -> type.isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON), "problem+json");
        Map<String, Object> problem = BrokenCallStarts.read(answer.getResponseBody());
        assertThat(problem).as(body).containsKeys("type", "title", "detail", "fix").containsEntry("status", status.value());
    }

    private static String callId(EntityExchangeResult<byte[]> answer) {
        return (String) BrokenCallStarts.read(answer.getResponseBody()).get("callId");
    }

    /** The body in random pieces with no Content-Length, as a streaming client sends it. */
    private static Flux<DataBuffer> pieces(byte[] body, Random random) {
        List<DataBuffer> pieces = new ArrayList<>();
        for (int from = 0; from < body.length; ) {
            int to = Math.min(body.length, from + 1 + random.nextInt(8 * 1024));
            pieces.add(DefaultDataBufferFactory.sharedInstance.wrap(Arrays.copyOfRange(body, from, to)));
            from = to;
        }
        return Flux.fromIterable(pieces);
    }
}
