package vn.guardian.feeder;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The live call API as a feed uses it: start, chunks in sequence, end. A 503 or 429 is retried with the same
 * request (for a chunk: the same seq and bytes) after the server's Retry-After, until {@code retryFor} runs out.
 */
final class IngestClient {

    private static final Pattern CALL_ID = Pattern.compile("\"callId\"\\s*:\\s*\"([^\"]+)\"");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final URI base;
    private final String apiKey;
    private final Duration retryFor;
    private final Consumer<String> log;
    private int retries;

    IngestClient(URI base, String apiKey, Duration retryFor, Consumer<String> log) {
        this.base = base;
        this.apiKey = apiKey;
        this.retryFor = retryFor;
        this.log = log;
    }

    /** @return the call id */
    String start(String json) throws IOException, InterruptedException {
        HttpResponse<String> response = send("start", HttpRequest.newBuilder(base.resolve("/v1/calls"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
        Matcher callId = CALL_ID.matcher(response.body());
        if (!callId.find()) {
            throw new IOException("start answered without a callId: " + response.body());
        }
        return callId.group(1);
    }

    void chunk(String callId, long seq, byte[] audio) throws IOException, InterruptedException {
        send("chunk " + seq, HttpRequest.newBuilder(base.resolve("/v1/calls/" + callId + "/chunks/" + seq))
                .header("Content-Type", "application/octet-stream").PUT(HttpRequest.BodyPublishers.ofByteArray(audio)));
    }

    String end(String callId) throws IOException, InterruptedException {
        return send("end", HttpRequest.newBuilder(base.resolve("/v1/calls/" + callId + "/end"))
                .POST(HttpRequest.BodyPublishers.noBody())).body();
    }

    /**
     * Opens the call's verdict stream ({@code GET /v1/verdicts/stream?callId=}), resuming after {@code lastEventId}
     * if not null.
     *
     * @return the event stream's body, open until closed
     */
    InputStream verdicts(String callId, String lastEventId) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("/v1/verdicts/stream?callId="
                        + URLEncoder.encode(callId, StandardCharsets.UTF_8)))
                .header("X-Api-Key", apiKey).header("Accept", "text/event-stream").GET();
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            try (InputStream body = response.body()) {
                throw new IOException("the verdict stream answered " + response.statusCode() + ": "
                        + new String(body.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return response.body();
    }

    /** {@code GET /v1/calls/{callId}}: the call's JSON, or null while the read API does not know it (404). */
    String call(String callId) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve("/v1/calls/" + callId))
                .header("X-Api-Key", apiKey).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 404) {
            return null;
        }
        if (response.statusCode() != 200) {
            throw new IOException("GET /v1/calls/" + callId + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return response.body();
    }

    /** Requests that were answered 503/429 and sent again. */
    int retries() {
        return retries;
    }

    private HttpResponse<String> send(String what, HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpRequest built = request.header("X-Api-Key", apiKey).timeout(Duration.ofSeconds(60)).build();
        long deadline = System.nanoTime() + retryFor.toNanos();
        while (true) {
            HttpResponse<String> response = http.send(built, HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            if (status / 100 == 2) {
                return response;
            }
            if ((status == 503 || status == 429) && System.nanoTime() < deadline) {
                long waitSeconds = response.headers().firstValue("Retry-After").map(Long::parseLong).orElse(1L);
                log.accept(what + ": " + status + ", retrying the same request in " + waitSeconds + " s");
                retries++;
                Thread.sleep(Math.max(1, waitSeconds) * 1000);
                continue;
            }
            throw new IOException(what + " failed with " + status + ": " + response.body());
        }
    }
}
