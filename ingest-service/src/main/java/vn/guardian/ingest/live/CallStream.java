package vn.guardian.ingest.live;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.reactive.socket.server.upgrade.ReactorNettyRequestUpgradeStrategy;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.server.WebsocketServerSpec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import vn.guardian.ingest.IngestProperties;
import vn.guardian.ingest.calls.CallSyntax;
import vn.guardian.ingest.problem.ProblemException;
import vn.guardian.ingest.tenant.ApiKeyFilter;

/**
 * {@code /v1/calls/{callId}/stream}: a WebSocket per live call. Binary frames are the next chunks (implicit seq),
 * the text frame {@code {"type":"end"}} ends the call. Each frame is answered with a text frame
 * ({@code ack}, {@code ended} or {@code error}). With {@code ?seq=N} the first binary frame is client chunk N (then
 * N+1, ...), so a client that reconnects, to this or another replica, resends from its last acknowledged chunk and
 * a frame already stored is answered as a replay instead of being stored twice. Frames are handled one at a time and at most
 * {@value #FRAMES_AHEAD} are read ahead, so a slow Kafka slows the sender (TCP backpressure) instead of filling
 * memory. A dropped connection leaves the call open until its idle timeout ends it.
 */
@Configuration(proxyBeanMethods = false)
public class CallStream implements WebFluxConfigurer {

    public static final String PATH = "/v1/calls/*/stream";
    static final int FRAMES_AHEAD = 2;

    @Bean
    HandlerMapping callStreamMapping(JsonMapper json) {
        // before the annotated controllers (order 0)
        return new SimpleUrlHandlerMapping(Map.of(PATH, new Handler(calls, json)), -1);
    }

    private final LiveCalls calls;
    private final IngestProperties properties;

    public CallStream(LiveCalls calls, IngestProperties properties) {
        this.calls = calls;
        this.properties = properties;
    }

    /** The WebFlux WebSocket adapter's service: frame size limit, tenant check before the upgrade. */
    @Override
    public WebSocketService getWebSocketService() {
        int maxFrame = (int) properties.maxChunkSize().toBytes();
        HandshakeWebSocketService handshake = new HandshakeWebSocketService(new ReactorNettyRequestUpgradeStrategy(
                () -> WebsocketServerSpec.builder().maxFramePayloadLength(maxFrame)));
        return new CheckedHandshake(handshake, calls);
    }

    /** Refuses the upgrade with a problem+json answer unless the caller's tenant has the call open. */
    private record CheckedHandshake(WebSocketService delegate, LiveCalls calls) implements WebSocketService {
        @Override
        public Mono<Void> handleRequest(ServerWebExchange exchange, WebSocketHandler handler) {
            String[] parts = exchange.getRequest().getPath().pathWithinApplication().value().split("/");
            String callId = java.net.URLDecoder.decode(parts[3], java.nio.charset.StandardCharsets.UTF_8);
            String tenant = ApiKeyFilter.tenant(exchange);
            String seq = exchange.getRequest().getQueryParams().getFirst("seq");
            return Mono.fromCallable(() -> {
                        CallSyntax.requireCallId(callId, "callId");
                        Long firstSeq = seq == null ? null : LiveCallController.parseSeq(seq);
                        // may adopt the call from another replica: blocking, off the event loop
                        calls.requireOpen(tenant, callId);
                        return Optional.ofNullable(firstSeq);
                    })
                    .subscribeOn(Schedulers.boundedElastic())
                    // the session learns its tenant and call here, from the authenticated handshake
                    .flatMap(firstSeq -> delegate.handleRequest(exchange,
                            session -> ((Handler) handler).handle(session, tenant, callId, firstSeq.orElse(null))));
        }
    }

    private record Frame(boolean binary, byte[] bytes) {
    }

    private record Reply(String json, CloseStatus close) {
    }

    static final class Handler implements WebSocketHandler {
        private final LiveCalls calls;
        private final JsonMapper json;

        Handler(LiveCalls calls, JsonMapper json) {
            this.calls = calls;
            this.json = json;
        }

        @Override
        public Mono<Void> handle(WebSocketSession session) {
            return Mono.error(new IllegalStateException("a call stream starts through CheckedHandshake"));
        }

        /** @param firstSeq the seq of the first binary frame, or null for "whatever the call expects next" */
        Mono<Void> handle(WebSocketSession session, String tenant, String callId, Long firstSeq) {
            AtomicReference<CloseStatus> closeWith = new AtomicReference<>();
            AtomicLong nextSeq = firstSeq == null ? null
                    : new AtomicLong(firstSeq);
            Flux<WebSocketMessage> replies = session.receive()
                    // copy out of the frame's buffer now: it is released once this operator returns
                    .map(message -> new Frame(message.getType() == WebSocketMessage.Type.BINARY, copy(message.getPayload())))
                    .concatMap(frame -> Mono.fromCallable(() -> handle(tenant, callId, frame, nextSeq))
                            .subscribeOn(Schedulers.boundedElastic()), FRAMES_AHEAD)
                    .takeUntil(reply -> reply.close() != null)
                    .doOnNext(reply -> closeWith.set(reply.close()))
                    .map(reply -> session.textMessage(reply.json()));
            return session.send(replies)
                    .then(Mono.defer(() -> closeWith.get() == null ? Mono.empty() : session.close(closeWith.get())));
        }

        private Reply handle(String tenant, String callId, Frame frame, AtomicLong nextSeq) {
            try {
                if (frame.binary()) {
                    LiveCall.ChunkAck ack = calls.append(tenant, callId, nextSeq == null ? null : nextSeq.get(),
                            frame.bytes());
                    if (nextSeq != null) {
                        nextSeq.incrementAndGet();
                    }
                    return new Reply(json.writeValueAsString(Map.of("type", "ack", "seq", ack.seq(),
                            "published", ack.published(), "audioMs", ack.audioMs(), "replayed", ack.replayed())), null);
                }
                String type = endType(frame.bytes());
                if (!"end".equals(type)) {
                    throw new ProblemException(HttpStatus.BAD_REQUEST, "unknown-message", "Unknown text message",
                            "Text frames carry control messages; '" + type + "' is not one.")
                            .field("type").value(type).fix("send audio as binary frames and {\"type\":\"end\"} to end");
                }
                LiveCall.CallEnd end = calls.end(tenant, callId);
                return new Reply(json.writeValueAsString(Map.of("type", "ended", "reason", end.reason(),
                        "chunks", end.chunks(), "audioMs", end.audioMs())), CloseStatus.NORMAL);
            } catch (ProblemException problem) {
                Map<String, Object> error = new LinkedHashMap<>();
                error.put("type", "error");
                error.put("status", problem.getStatusCode().value());
                error.put("problem", problem.getBody().getType().toString());
                error.put("detail", problem.getBody().getDetail());
                if (problem.getBody().getProperties() != null) {
                    error.putAll(problem.getBody().getProperties());
                }
                String retryAfter = problem.getHeaders().getFirst("Retry-After");
                if (retryAfter != null) {
                    error.put("retryAfter", Long.parseLong(retryAfter));
                }
                // the call state did not move: the client can reconnect and resend the same audio
                CloseStatus close = problem.getStatusCode().value() == 503 ? new CloseStatus(1013, "try again later")
                        : CloseStatus.POLICY_VIOLATION;
                return new Reply(json.writeValueAsString(error), close);
            }
        }

        private String endType(byte[] text) {
            try {
                JsonNode node = json.readTree(text);
                JsonNode type = node == null ? null : node.get("type");
                return type != null && type.isString() ? type.stringValue() : "(no type)";
            } catch (RuntimeException e) {
                return "(not JSON)";
            }
        }

        private static byte[] copy(DataBuffer payload) {
            byte[] bytes = new byte[payload.readableByteCount()];
            payload.read(bytes);
            return bytes;
        }
    }
}
