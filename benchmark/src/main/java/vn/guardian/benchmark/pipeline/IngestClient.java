package vn.guardian.benchmark.pipeline;

import vn.guardian.contracts.audio.ModelFormat;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import vn.guardian.benchmark.audio.SampleCall;

/**
 * The feeds' side of ingest-service: whole recordings and the live call API, as a call center would send them.
 * With several ingest URLs a connection error or a 5xx sends the same request (a chunk: the same seq) to the next
 * replica, as the feeder does, for up to {@link #FAILOVER_FOR_MS}; later requests stay on that replica.
 */
public final class IngestClient implements vn.guardian.benchmark.live.CallFeed {

    private static final Pattern CALL_ID = Pattern.compile("\"callId\"\\s*:\\s*\"([^\"]+)\"");

    /** How long a request is sent round the replicas before it fails. */
    public static final long FAILOVER_FOR_MS = 120_000;
    private static final long FAILOVER_PAUSE_MS = 250;

    private final HttpClient http;
    private final List<String> baseUrls;
    private final String apiKey;
    private final AtomicInteger current = new AtomicInteger();
    private final AtomicLong failovers = new AtomicLong();

    public IngestClient(String baseUrl, String apiKey, int threads) {
        this(List.of(baseUrl), apiKey, threads);
    }

    public IngestClient(List<String> baseUrls, String apiKey, int threads) {
        this.baseUrls = List.copyOf(baseUrls);
        this.apiKey = apiKey;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .executor(Executors.newFixedThreadPool(threads, runnable -> {
                    Thread thread = new Thread(runnable, "bench-http-client");
                    thread.setDaemon(true);
                    return thread;
                })).build();
    }

    /** {@code POST /v1/recordings}; completes with the callId once ingest answered 202 (Kafka has the call). */
    public CompletableFuture<String> postRecording(SampleCall sample) {
        return send("/v1/recordings", request -> request.header("Content-Type", "audio/wav")
                .POST(HttpRequest.BodyPublishers.ofByteArray(sample.wav())))
                .thenApply(response -> callId(expect(response, 202, "POST /v1/recordings")));
    }

    @Override
    public String describe() {
        return "live call API: POST /v1/calls, PUT /v1/calls/{id}/chunks/{seq} every 250 ms, POST /v1/calls/{id}/end";
    }

    /** Whether this ingest has the live call API: a start answered 201, not 404. */
    public boolean hasLiveApi() {
        try {
            String callId = start(null).get();
            end(callId).get();
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    /** {@code POST /v1/calls} in the sample's own format (16 kHz mono PCM without one); completes with the callId. */
    @Override
    public CompletableFuture<String> start(SampleCall sample) {
        String encoding = sample == null ? "pcm_s16le" : sample.format().encoding().apiName();
        int rate = sample == null ? ModelFormat.SAMPLE_RATE : sample.format().sampleRate();
        int channels = sample == null ? 1 : sample.channels();
        String body = "{\"language\":\"en\",\"format\":{\"encoding\":\"" + encoding + "\",\"sampleRate\":"
                + rate + ",\"channels\":" + channels + "}}";
        return send("/v1/calls", request -> request.header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)))
                .thenApply(response -> callId(expect(response, 201, "POST /v1/calls")));
    }

    /** {@code PUT /v1/calls/{callId}/chunks/{seq}} with 250 ms of source audio; completes once ingest acknowledged. */
    @Override
    public CompletableFuture<Void> chunk(String callId, SampleCall sample, int seq) {
        byte[] audio = sample.chunkBytes(seq);
        return send("/v1/calls/" + callId + "/chunks/" + seq, request -> request
                .header("Content-Type", "application/octet-stream").PUT(HttpRequest.BodyPublishers.ofByteArray(audio)))
                .thenAccept(response -> expect(response, 200, "PUT chunk " + seq + " of " + callId));
    }

    /** {@code POST /v1/calls/{callId}/end}. */
    @Override
    public CompletableFuture<Void> end(String callId) {
        return send("/v1/calls/" + callId + "/end", request -> request.POST(HttpRequest.BodyPublishers.noBody()))
                .thenAccept(response -> expect(response, 200, "POST end of " + callId));
    }

    /** Which of the base URLs the client sends to now (it moves on after a connection error or a 5xx). */
    public int replicaInUse() {
        return current.get();
    }

    /** Requests sent again to another replica after a connection error or a 5xx. */
    public long failovers() {
        return failovers.get();
    }

    private CompletableFuture<HttpResponse<String>> send(String path, UnaryOperator<HttpRequest.Builder> method) {
        return send(path, method, System.currentTimeMillis() + FAILOVER_FOR_MS);
    }

    private CompletableFuture<HttpResponse<String>> send(String path, UnaryOperator<HttpRequest.Builder> method,
                                                         long deadlineMs) {
        int replica = current.get();
        HttpRequest request = method.apply(HttpRequest.newBuilder(URI.create(baseUrls.get(replica) + path))
                .timeout(Duration.ofSeconds(60)).header("X-Api-Key", apiKey)).build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((response, error) -> {
            boolean failed = error != null || response.statusCode() / 100 == 5;
            if (!failed || baseUrls.size() == 1 || System.currentTimeMillis() >= deadlineMs) {
                return error == null ? CompletableFuture.completedFuture(response)
                        : CompletableFuture.<HttpResponse<String>>failedFuture(error);
            }
            // the first caller to notice moves everyone on; the others just resend to the replica now current
            if (current.compareAndSet(replica, (replica + 1) % baseUrls.size())) {
                failovers.incrementAndGet();
            }
            return CompletableFuture.supplyAsync(() -> null,
                            CompletableFuture.delayedExecutor(FAILOVER_PAUSE_MS, TimeUnit.MILLISECONDS))
                    .thenCompose(ignored -> send(path, method, deadlineMs));
        }).thenCompose(next -> next);
    }

    private static String expect(HttpResponse<String> response, int status, String what) {
        if (response.statusCode() != status) {
            throw new IllegalStateException(new IOException(what + " answered " + response.statusCode()
                    + " instead of " + status + ": " + response.body()));
        }
        return response.body();
    }

    private static String callId(String body) {
        Matcher matcher = CALL_ID.matcher(body);
        if (!matcher.find()) {
            throw new IllegalStateException("ingest answered without a callId: " + body);
        }
        return matcher.group(1);
    }
}
