package vn.guardian.benchmark.pipeline;

import vn.guardian.contracts.audio.ModelFormat;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import vn.guardian.benchmark.audio.SampleCall;

/** The feeds' side of ingest-service: whole recordings and the live call API, as a call center would send them. */
public final class IngestClient implements vn.guardian.benchmark.live.CallFeed {

    private static final Pattern CALL_ID = Pattern.compile("\"callId\"\\s*:\\s*\"([^\"]+)\"");

    private final HttpClient http;
    private final String baseUrl;
    private final String apiKey;

    public IngestClient(String baseUrl, String apiKey, int threads) {
        this.baseUrl = baseUrl;
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
        HttpRequest request = request("/v1/recordings").header("Content-Type", "audio/wav")
                .POST(HttpRequest.BodyPublishers.ofByteArray(sample.wav())).build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
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
        HttpRequest request = request("/v1/calls").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenApply(response -> callId(expect(response, 201, "POST /v1/calls")));
    }

    /** {@code PUT /v1/calls/{callId}/chunks/{seq}} with 250 ms of source audio; completes once ingest acknowledged. */
    @Override
    public CompletableFuture<Void> chunk(String callId, SampleCall sample, int seq) {
        byte[] audio = sample.chunkBytes(seq);
        HttpRequest request = request("/v1/calls/" + callId + "/chunks/" + seq)
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(audio)).build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenAccept(response -> expect(response, 200, "PUT chunk " + seq + " of " + callId));
    }

    /** {@code POST /v1/calls/{callId}/end}. */
    @Override
    public CompletableFuture<Void> end(String callId) {
        HttpRequest request = request("/v1/calls/" + callId + "/end").POST(HttpRequest.BodyPublishers.noBody()).build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenAccept(response -> expect(response, 200, "POST end of " + callId));
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(60))
                .header("X-Api-Key", apiKey);
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
