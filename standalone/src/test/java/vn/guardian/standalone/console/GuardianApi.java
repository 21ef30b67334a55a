package vn.guardian.standalone.console;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;
import vn.guardian.contracts.serde.Json;

/** What the browser tests do behind the console's back: upload calls and wait for their verdicts, as a feed would. */
final class GuardianApi {

    static final Duration VERDICT_WAIT = Duration.ofSeconds(90);

    private final HttpClient http = HttpClient.newHttpClient();
    private final String baseUrl;
    private final String apiKey;

    GuardianApi(String baseUrl, String apiKey) {
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
    }

    /** POST /v1/recordings; the call id. */
    String upload(byte[] wav, String channelRoles) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + "/v1/recordings"))
                .header("Content-Type", "audio/wav")
                .header("X-Api-Key", apiKey)
                .POST(HttpRequest.BodyPublishers.ofByteArray(wav));
        if (channelRoles != null) {
            request.header("X-Channel-Roles", channelRoles);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 202) {
            throw new AssertionError("upload answered " + response.statusCode() + ": " + response.body());
        }
        return Json.MAPPER.readTree(response.body()).get("callId").asString();
    }

    /** GET /v1/calls/{id} until {@code condition} holds. */
    JsonNode callWhere(String callId, Predicate<JsonNode> condition) throws Exception {
        long deadline = System.nanoTime() + VERDICT_WAIT.toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/v1/calls/" + callId))
                    .header("X-Api-Key", apiKey).GET().build(), HttpResponse.BodyHandlers.ofString());
            last = response.body();
            if (response.statusCode() == 200) {
                JsonNode call = Json.MAPPER.readTree(last);
                if (condition.test(call)) {
                    return call;
                }
            }
            Thread.sleep(300);
        }
        throw new AssertionError("call " + callId + " never got there within " + VERDICT_WAIT + "; last answer: " + last);
    }

    /** The call once closed with its call verdict: every segment is in. */
    JsonNode closedCall(String callId) throws Exception {
        return callWhere(callId, call -> call.get("summary") != null && !call.get("summary").isNull()
                && !call.get("summary").get("open").asBoolean());
    }
}
