package vn.guardian.feeder;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code --follow}: prints the call's verdicts from ingest's live feed ({@code GET /v1/verdicts/stream?callId=}) as
 * they arrive, then, once the call has ended, waits for its closed call verdict and prints the summary. A dropped
 * stream is reopened after the last event received, so nothing is missed or printed twice.
 */
final class CallFollower implements AutoCloseable {

    private static final Duration RECONNECT = Duration.ofSeconds(1);
    private static final Duration STATUS_POLL = Duration.ofSeconds(1);

    private final IngestClient client;
    private final String callId;
    private final PrintStream out;
    private final Object lock = new Object();
    private volatile boolean stopped;
    private volatile InputStream body;
    private volatile String lastEventId;
    /** Guarded by lock: when the last verdict arrived (nanoTime), and the call verdict once closed. */
    private long lastVerdictAt = System.nanoTime();
    private Map<?, ?> closedVerdict;

    private CallFollower(IngestClient client, String callId, PrintStream out) {
        this.client = client;
        this.callId = callId;
        this.out = out;
    }

    /** Opens the stream and waits for the keepalive it starts with: from then on no verdict of the call is missed. */
    static CallFollower open(IngestClient client, String callId, PrintStream out)
            throws IOException, InterruptedException {
        CallFollower follower = new CallFollower(client, callId, out);
        BufferedReader lines = follower.connect();
        String first = lines.readLine();
        if (!": keepalive".equals(first)) {
            follower.close();
            throw new IOException("the verdict stream did not start with its keepalive but with: " + first);
        }
        Thread reader = new Thread(() -> follower.read(lines), "feeder-follow-" + callId);
        reader.setDaemon(true);
        reader.start();
        return follower;
    }

    /**
     * After the call has ended: waits for its closed call verdict and prints the summary.
     *
     * @param timeout the longest to wait without any verdict arriving
     * @return the closed call verdict
     * @throws IOException when the call failed (with the reason the read API gives), or nothing arrived in time
     */
    Map<?, ?> awaitSummary(Duration timeout) throws IOException, InterruptedException {
        synchronized (lock) {
            // the wait counts from the end of the call, or from the last verdict if that came later
            lastVerdictAt = System.nanoTime();
        }
        Map<?, ?> verdict;
        while (true) {
            synchronized (lock) {
                if (closedVerdict != null) {
                    verdict = closedVerdict;
                    break;
                }
                long idle = System.nanoTime() - lastVerdictAt;
                if (idle >= timeout.toNanos()) {
                    throw new IOException("no verdict for call " + callId + " within " + timeout.toSeconds()
                            + " s (--follow-timeout); check that the transcriber and moderation services run, and "
                            + "GET /v1/calls/" + callId + " for the call's status");
                }
                lock.wait(Math.max(1, Math.min(STATUS_POLL.toMillis(), (timeout.toNanos() - idle) / 1_000_000)));
            }
            requireNotFailed(false);
        }
        // a refused call closes too: the read API says whether it failed, once it has caught up
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!requireNotFailed(true) && System.nanoTime() < deadline) {
            Thread.sleep(STATUS_POLL.toMillis());
        }
        printSummary(verdict);
        return verdict;
    }

    /**
     * @param settled whether only {@code closed} or {@code failed} counts as an answer
     * @return whether the read API gave a settled status (always false when it cannot be reached)
     * @throws IOException when the call failed
     */
    private boolean requireNotFailed(boolean settled) throws IOException, InterruptedException {
        Object call;
        try {
            String body = client.call(callId);
            if (body == null) {
                return false;
            }
            call = JsonText.parse(body);
        } catch (IOException | IllegalArgumentException e) {
            return false; // the read API is optional to following: the feed decides
        }
        Object status = JsonText.get(call, "status");
        if ("failed".equals(status)) {
            throw new IOException("call " + callId + " failed: " + JsonText.get(call, "failure"));
        }
        return !settled || "closed".equals(status);
    }

    private BufferedReader connect() throws IOException, InterruptedException {
        body = client.verdicts(callId, lastEventId);
        return new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
    }

    private void read(BufferedReader lines) {
        while (!stopped) {
            try {
                readEvents(lines);
            } catch (IOException e) {
                // the connection dropped: reopen it below, after the last event received
            }
            while (!stopped) {
                try {
                    Thread.sleep(RECONNECT.toMillis());
                    lines = connect();
                    break;
                } catch (IOException e) {
                    synchronized (out) {
                        out.println("  (verdict stream: " + e.getMessage() + "; reconnecting)");
                    }
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** Reads SSE events until the stream ends. */
    private void readEvents(BufferedReader lines) throws IOException {
        String event = null;
        String id = null;
        StringBuilder data = new StringBuilder();
        String line;
        while ((line = lines.readLine()) != null) {
            if (line.isEmpty()) {
                if (event != null && !data.isEmpty()) {
                    dispatch(event, data.toString());
                }
                if (id != null) {
                    lastEventId = id;
                }
                event = null;
                id = null;
                data.setLength(0);
                continue;
            }
            if (line.startsWith(":")) {
                continue; // keepalive
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            value = value.startsWith(" ") ? value.substring(1) : value;
            switch (field) {
                case "event" -> event = value;
                case "id" -> id = value;
                case "data" -> data.append(data.isEmpty() ? "" : "\n").append(value);
                default -> { } // SSE says: ignore unknown fields
            }
        }
    }

    private void dispatch(String event, String data) {
        Map<?, ?> json = (Map<?, ?>) JsonText.parse(data);
        synchronized (out) {
            out.println(event.equals("segment") ? segmentLine(json) : callLine(json));
        }
        synchronized (lock) {
            lastVerdictAt = System.nanoTime();
            if (event.equals("call") && Boolean.FALSE.equals(json.get("open"))) {
                closedVerdict = json;
            }
            lock.notifyAll();
        }
    }

    /** {@code [  1.2 -   3.4 s] customer "you stupid idiot"  INSULT 0.83, VIOLENCE_OR_THREAT 0.95 -> ESCALATE} */
    static String segmentLine(Map<?, ?> verdict) {
        List<String> categories = new ArrayList<>();
        if (verdict.get("categories") instanceof List<?> scores) {
            for (Object score : scores) {
                categories.add(JsonText.get(score, "category") + String.format(" %.2f",
                        ((Number) JsonText.get(score, "score")).doubleValue()));
            }
        }
        return String.format("  [%6.1f - %6.1f s] %s \"%s\"  %s -> %s",
                number(verdict, "startMs") / 1000.0, number(verdict, "endMs") / 1000.0, verdict.get("channelRole"),
                verdict.get("text"), categories.isEmpty() ? "no category" : String.join(", ", categories),
                verdict.get("action"));
    }

    /** {@code call: FLAG, 2 segments, risk 0.45 (open)} */
    static String callLine(Map<?, ?> verdict) {
        return String.format("  call: %s, %d segments, risk %.2f (%s)", verdict.get("action"),
                (long) number(verdict, "segments"), number(verdict, "riskScore"),
                Boolean.FALSE.equals(verdict.get("open")) ? "closed: " + verdict.get("closeReason") : "open");
    }

    private void printSummary(Map<?, ?> verdict) {
        List<String> counts = new ArrayList<>();
        if (verdict.get("countsByCategory") instanceof Map<?, ?> byCategory) {
            byCategory.forEach((category, count) -> counts.add(category + " " + ((Number) count).longValue()));
        }
        synchronized (out) {
            out.printf("call %s closed (%s): %s%n", callId, verdict.get("closeReason"), verdict.get("action"));
            Object rule = JsonText.get(verdict, "escalation", "rule");
            if (rule != null) {
                out.printf("  escalation: %s: %s (segments %s)%n", rule, JsonText.get(verdict, "escalation", "detail"),
                        JsonText.get(verdict, "escalation", "segmentIds"));
            }
            out.printf("  segments: %d; by category: %s%n", (long) number(verdict, "segments"),
                    counts.isEmpty() ? "none" : String.join(", ", counts));
        }
    }

    private static double number(Map<?, ?> json, String name) {
        return json.get(name) instanceof Number value ? value.doubleValue() : 0;
    }

    @Override
    public void close() {
        stopped = true;
        try {
            InputStream open = body;
            if (open != null) {
                open.close();
            }
        } catch (IOException e) {
            // closing a stream we no longer read: nothing to do
        }
    }
}
