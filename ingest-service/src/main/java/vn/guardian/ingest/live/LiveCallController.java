package vn.guardian.ingest.live;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;
import vn.guardian.ingest.IngestProperties;
import vn.guardian.ingest.calls.CallSyntax;
import vn.guardian.ingest.problem.ProblemException;
import vn.guardian.ingest.recording.RecordingUpload;
import vn.guardian.ingest.tenant.ApiKeyFilter;
import vn.guardian.ingest.transcribers.ServedLanguages;

/**
 * The live call API: {@code POST /v1/calls} starts, {@code PUT /v1/calls/{callId}/chunks/{seq}} appends raw audio
 * in the declared format, {@code POST /v1/calls/{callId}/end} ends. Every 2xx means Kafka has what it produced.
 */
@RestController
public class LiveCallController {

    private static final Pattern SEQ = Pattern.compile("^[0-9]{1,18}$");

    private final LiveCalls calls;
    private final ServedLanguages languages;
    private final JsonMapper json;
    private final long maxChunkBytes;
    private final long maxStartBytes;
    private final Timer chunkHandling;

    public LiveCallController(LiveCalls calls, ServedLanguages languages, JsonMapper json, IngestProperties properties,
                              MeterRegistry meters) {
        this.calls = calls;
        this.languages = languages;
        this.chunkHandling = Timer.builder("guardian.ingest.chunk.handling")
                .description("A chunk PUT from the controller to its answer, Kafka's acknowledgement included; "
                        + "minus guardian.ingest.publish.latency and guardian.ingest.call-state.latency it is "
                        + "ingest's own time per chunk")
                .publishPercentileHistogram().register(meters);
        this.json = json;
        this.maxChunkBytes = properties.maxChunkSize().toBytes();
        this.maxStartBytes = properties.maxStartSize().toBytes();
    }

    @PostMapping("/v1/calls")
    public Mono<ResponseEntity<Map<String, Object>>> start(ServerWebExchange exchange) {
        String tenant = ApiKeyFilter.tenant(exchange);
        return body(exchange.getRequest(), maxStartBytes, "guardian.ingest.max-start-size", "start request")
                .flatMap(body -> blocking(() -> {
                    CallSpec spec = CallSpec.parse(body, json);
                    // refused before anything is published: no transcriber would ever transcribe it
                    languages.require(spec.language(), "language");
                    return calls.start(tenant, spec);
                }))
                .map(started -> {
                    Map<String, Object> answer = new LinkedHashMap<>();
                    String base = "/v1/calls/" + started.callId();
                    answer.put("callId", started.callId());
                    answer.put("streamUrl", webSocketUrl(exchange.getRequest(), base + "/stream"));
                    answer.put("chunkUrl", base + "/chunks/{seq}");
                    answer.put("endUrl", base + "/end");
                    return ResponseEntity.status(started.created() ? HttpStatus.CREATED : HttpStatus.OK)
                            .location(URI.create(base)).body(answer);
                });
    }

    @PutMapping("/v1/calls/{callId}/chunks/{seq}")
    public Mono<LiveCall.ChunkAck> chunk(@PathVariable String callId, @PathVariable String seq,
                                         ServerWebExchange exchange) {
        String tenant = ApiKeyFilter.tenant(exchange);
        CallSyntax.requireCallId(callId, "callId");
        long number = parseSeq(seq);
        long received = System.nanoTime();
        return body(exchange.getRequest(), maxChunkBytes, "guardian.ingest.max-chunk-size", "chunk")
                .flatMap(audio -> blocking(() -> calls.append(tenant, callId, number, audio)))
                .doOnSuccess(ack -> chunkHandling.record(System.nanoTime() - received, TimeUnit.NANOSECONDS));
    }

    @PostMapping("/v1/calls/{callId}/end")
    public Mono<LiveCall.CallEnd> end(@PathVariable String callId, ServerWebExchange exchange) {
        String tenant = ApiKeyFilter.tenant(exchange);
        CallSyntax.requireCallId(callId, "callId");
        return blocking(() -> calls.end(tenant, callId));
    }

    static long parseSeq(String seq) {
        if (!SEQ.matcher(seq).matches()) {
            throw new ProblemException(HttpStatus.BAD_REQUEST, "invalid-seq", "Invalid chunk sequence number",
                    "The chunk number '" + (seq.length() > 40 ? seq.substring(0, 40) + "..." : seq)
                            + "' is not a non-negative integer.")
                    .field("seq").value(seq.length() > 40 ? seq.substring(0, 40) + "..." : seq)
                    .fix("number chunks 0, 1, 2, ... in the path: PUT /v1/calls/{callId}/chunks/0");
        }
        return Long.parseLong(seq);
    }

    /** Normalizing is CPU work and publishing blocks until Kafka acknowledges: off the event loop. */
    private static <T> Mono<T> blocking(java.util.concurrent.Callable<T> work) {
        return Mono.fromCallable(work).subscribeOn(Schedulers.boundedElastic());
    }

    private static Mono<byte[]> body(ServerHttpRequest request, long maxBytes, String key, String what) {
        long declared = request.getHeaders().getContentLength();
        if (declared > maxBytes) {
            return Mono.error(tooLarge(declared, maxBytes, key, what));
        }
        return DataBufferUtils.join(request.getBody(), (int) maxBytes)
                .onErrorMap(DataBufferLimitException.class, e -> tooLarge(-1, maxBytes, key, what))
                .map(RecordingUpload::bytes)
                .defaultIfEmpty(new byte[0]);
    }

    private static ProblemException tooLarge(long declared, long maxBytes, String key, String what) {
        return new ProblemException(HttpStatus.PAYLOAD_TOO_LARGE, what.equals("chunk") ? "chunk-too-large"
                : "body-too-large", "Request body too large", "The " + what + " "
                + (declared > 0 ? "is " + declared + " bytes; " : "exceeds ") + "the limit is " + maxBytes + " bytes.")
                .field("body").value(declared > 0 ? declared : null)
                .fix("send at most " + maxBytes + " bytes per " + what + " (about 250 ms of audio per chunk is "
                        + "typical), or raise " + key);
    }

    private static String webSocketUrl(ServerHttpRequest request, String path) {
        URI uri = request.getURI();
        String scheme = "https".equals(uri.getScheme()) ? "wss" : "ws";
        String host = request.getHeaders().getFirst("Host");
        return scheme + "://" + (host != null ? host : uri.getAuthority()) + path;
    }
}
