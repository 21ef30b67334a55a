package vn.guardian.ingest.feed;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.Disposable;

/** A client of {@code GET /v1/verdicts/stream} as a console would be: it reads events until it disconnects. */
final class FeedStream implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final BlockingQueue<ServerSentEvent<String>> received = new LinkedBlockingQueue<>();
    private final Disposable subscription;
    /** How the server ended the stream, if it did: it never should while the client reads. */
    private volatile String ended;

    private FeedStream(WebTestClient http, String apiKey, String query, String lastEventId) {
        WebTestClient.RequestHeadersSpec<?> request = http.get().uri("/v1/verdicts/stream" + query)
                .header("X-Api-Key", apiKey).accept(MediaType.TEXT_EVENT_STREAM);
        if (lastEventId != null) {
            request = request.header("Last-Event-ID", lastEventId);
        }
        subscription = request.exchange().expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM)
                .returnResult(new ParameterizedTypeReference<ServerSentEvent<String>>() { })
                .getResponseBody().subscribe(received::add, error -> ended = "with " + error,
                        () -> ended = "complete");
    }

    /** Connects and waits for the keepalive sent on connect: from then on, nothing published is missed. */
    static FeedStream open(WebTestClient http, String apiKey, String query, String lastEventId)
            throws InterruptedException {
        FeedStream stream = new FeedStream(http, apiKey, query, lastEventId);
        ServerSentEvent<String> first = stream.received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(first).as("the first thing on a new stream").isNotNull();
        assertThat(first.comment()).isEqualTo("keepalive");
        return stream;
    }

    /** The next {@code count} events, keepalives skipped. */
    List<ServerSentEvent<String>> next(int count) throws InterruptedException {
        List<ServerSentEvent<String>> events = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (events.size() < count) {
            ServerSentEvent<String> event = received.poll(Math.max(0, deadline - System.nanoTime()),
                    TimeUnit.NANOSECONDS);
            assertThat(event).as("event %d of %d; the stream ended: %s; got %s", events.size() + 1, count, ended,
                    describe(events)).isNotNull();
            if (event.comment() == null) {
                events.add(event);
            }
        }
        return events;
    }

    /** Each event's segment or call id and its resume position, decoded, so a failure says where the stream was. */
    static String describe(List<ServerSentEvent<String>> events) {
        StringBuilder text = new StringBuilder();
        for (ServerSentEvent<String> event : events) {
            String data = event.data() == null ? "" : event.data();
            text.append("\n  ").append(event.event()).append(' ')
                    .append(data, 0, Math.min(data.length(), 80)).append("... @ ")
                    .append(new String(Base64.getUrlDecoder().decode(event.id()), StandardCharsets.UTF_8));
        }
        return text.toString();
    }

    /** Fails if an event (not a keepalive) arrives within {@code quiet}. */
    void expectNoMoreEventsWithin(Duration quiet) throws InterruptedException {
        long deadline = System.nanoTime() + quiet.toNanos();
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            ServerSentEvent<String> event = received.poll(left, TimeUnit.NANOSECONDS);
            assertThat(event == null || event.comment() != null).as("unexpected event %s", event).isTrue();
        }
    }

    /** Disconnects, as a browser tab closing. */
    @Override
    public void close() {
        subscription.dispose();
    }
}
