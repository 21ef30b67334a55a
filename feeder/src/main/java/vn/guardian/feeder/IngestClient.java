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
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The live call API as a feed uses it: start, chunks in sequence, end. A 503 or 429 is retried with the same
 * request (for a chunk: the same seq and bytes) after the server's Retry-After, until {@code retryFor} runs out.
 * With several ingest replicas, a connection error or a 5xx sends the same request to the next replica at once
 * (a replica that died or lost Kafka must not stall the call), and later requests stay on that replica.
 */
final class IngestClient {

    private static final Pattern CALL_ID = Pattern.compile("\"callId\"\\s*:\\s*\"([^\"]+)\"");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final List<URI> bases;
    private final String apiKey;
    private final Duration retryFor;
    private final Consumer<String> log;
    private int current;
    private int retries;
    private int failovers;

    IngestClient(List<URI> bases, String apiKey, Duration retryFor, Consumer<String> log) {
        if (bases.isEmpty()) {
            throw new IllegalArgumentException("at least one ingest URL is needed");
        }
        this.bases = List.copyOf(bases);
        this.apiKey = apiKey;
        this.retryFor = retryFor;
        this.log = log;
    }

    /** @return the call id */
    String start(String json) throws IOException, InterruptedException {
        HttpResponse<String> response = send("start", base -> HttpRequest.newBuilder(base.resolve("/v1/calls"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
        Matcher callId = CALL_ID.matcher(response.body());
        if (!callId.find()) {
            throw new IOException("start answered without a callId: " + response.body());
        }
        return callId.group(1);
    }

    void chunk(String callId, long seq, byte[] audio) throws IOException, InterruptedException {
        send("chunk " + seq, base -> HttpRequest.newBuilder(base.resolve("/v1/calls/" + callId + "/chunks/" + seq))
                .header("Content-Type", "application/octet-stream").PUT(HttpRequest.BodyPublishers.ofByteArray(audio)));
    }

    String end(String callId) throws IOException, InterruptedException {
        return send("end", base -> HttpRequest.newBuilder(base.resolve("/v1/calls/" + callId + "/end"))
                .POST(HttpRequest.BodyPublishers.noBody())).body();
    }

    /**
     * Opens the call's verdict stream ({@code GET /v1/verdicts/stream?callId=}), resuming after {@code lastEventId}
     * if not null.
     *
     * @return the event stream's body, open until closed
     */
    InputStream verdicts(String callId, String lastEventId) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base().resolve("/v1/verdicts/stream?callId="
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
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(base().resolve("/v1/calls/" + callId))
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

    /** Requests sent again to another ingest replica after a connection error or a 5xx. */
    int failovers() {
        return failovers;
    }

    /** The replica requests go to now. */
    URI base() {
        return bases.get(current);
    }

    private HttpResponse<String> send(String what, Function<URI, HttpRequest.Builder> request)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + retryFor.toNanos();
        int triedSinceWait = 0;
        while (true) {
            URI base = base();
            HttpRequest built = request.apply(base).header("X-Api-Key", apiKey).timeout(Duration.ofSeconds(60)).build();
            HttpResponse<String> response;
            try {
                response = http.send(built, HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                if (bases.size() == 1 || System.nanoTime() >= deadline) {
                    throw new IOException(what + " failed: " + base + " is unreachable (" + e + ")"
                            + (bases.size() == 1 ? "; give several --url values to fail over to another replica" : ""), e);
                }
                triedSinceWait = failOver(what, base, e.toString(), triedSinceWait);
                continue;
            }
            int status = response.statusCode();
            if (status / 100 == 2) {
                return response;
            }
            boolean retryable = status == 429 || status / 100 == 5;
            if (retryable && System.nanoTime() < deadline) {
                if (bases.size() > 1 && status != 429 && triedSinceWait < bases.size() - 1) {
                    triedSinceWait = failOver(what, base, "answered " + status, triedSinceWait);
                    continue;
                }
                if (status == 503 || status == 429) {
                    long waitSeconds = response.headers().firstValue("Retry-After").map(Long::parseLong).orElse(1L);
                    log.accept(what + ": " + status + ", retrying the same request in " + waitSeconds + " s");
                    retries++;
                    triedSinceWait = 0;
                    Thread.sleep(Math.max(1, waitSeconds) * 1000);
                    continue;
                }
            }
            throw new IOException(what + " failed with " + status + ": " + response.body());
        }
    }

    /** Moves to the next replica; once every replica failed in a row, waits a second before going round again. */
    private int failOver(String what, URI from, String why, int triedSinceWait) throws InterruptedException {
        current = (current + 1) % bases.size();
        failovers++;
        log.accept(what + ": " + from + " " + why + ", sending the same request to " + base());
        if (triedSinceWait + 1 >= bases.size()) {
            Thread.sleep(1000);
            return 0;
        }
        return triedSinceWait + 1;
    }
}
