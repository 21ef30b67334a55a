package vn.guardian.benchmark.live;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import vn.guardian.contracts.serde.Json;

/**
 * A supervisor's view of the live feed: one SSE client on {@code GET /v1/verdicts/stream} that notes the wall clock
 * at which each segment verdict arrives, to set against the verdict's decision time and its PostgreSQL row.
 */
public final class FeedClock implements AutoCloseable {

    private final Map<String, Long> arrivedAt = new ConcurrentHashMap<>();
    private final Thread reader;
    private volatile InputStream body;
    private volatile boolean open = true;

    public FeedClock(String ingestUrl, String apiKey) throws Exception {
        HttpResponse<InputStream> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(ingestUrl + "/v1/verdicts/stream"))
                        .header("X-Api-Key", apiKey).header("Accept", "text/event-stream").GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("The verdict feed answered " + response.statusCode() + ": "
                    + new String(response.body().readAllBytes(), StandardCharsets.UTF_8));
        }
        body = response.body();
        reader = new Thread(this::read, "bench-feed-clock");
        reader.setDaemon(true);
        reader.start();
    }

    /** Epoch millis when the verdict of {@code segmentId} arrived on the feed, or null. */
    public Long arrivedAt(String segmentId) {
        return arrivedAt.get(segmentId);
    }

    private void read() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String event = null;
            for (String line = lines.readLine(); line != null && open; line = lines.readLine()) {
                long now = System.currentTimeMillis();
                if (line.startsWith("event:")) {
                    event = line.substring(6).strip();
                } else if (line.startsWith("data:") && "segment".equals(event)) {
                    String segmentId = Json.MAPPER.readTree(line.substring(5).strip()).get("segmentId").asString();
                    arrivedAt.putIfAbsent(segmentId, now);
                } else if (line.isEmpty()) {
                    event = null;
                }
            }
        } catch (Exception e) {
            if (open) {
                System.err.println("[benchmark] the verdict feed stopped: " + e);
            }
        }
    }

    @Override
    public void close() throws Exception {
        open = false;
        body.close();
    }
}
