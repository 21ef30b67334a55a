package vn.guardian.ingest.live;

import vn.guardian.contracts.audio.ModelFormat;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import vn.guardian.contracts.audio.AudioChunk;
import vn.guardian.contracts.audio.AudioEvent;
import vn.guardian.contracts.audio.CallEnded;
import vn.guardian.contracts.audio.CallStarted;
import vn.guardian.ingest.IngestProperties;
import vn.guardian.ingest.audio.CallNormalizer;
import vn.guardian.ingest.problem.ProblemException;
import vn.guardian.ingest.publish.AudioPublisher;
import vn.guardian.ingest.recording.RecordingIngest;
import vn.guardian.ingest.tenant.TenantLimits;

/**
 * The live calls of this ingest instance, in memory: a call is pinned to the replica that started it (route by
 * callId), and a restart forgets its open calls (their next chunk gets 404). Every method blocks until Kafka
 * acknowledged what it produced, and changes a call's state only after that, so a 503 can be retried with the
 * same request. Call these off the event loop.
 */
@Component
public class LiveCalls implements AutoCloseable {

    public static final String IDLE_TIMEOUT = "idle-timeout";
    public static final String COMPLETED = "completed";

    private static final Logger log = LoggerFactory.getLogger(LiveCalls.class);

    private final Map<String, LiveCall> calls = new ConcurrentHashMap<>();
    private final AudioPublisher publisher;
    private final TenantLimits limits;
    private final IngestProperties properties;
    private final int chunkSamples;
    private final MeterRegistry meters;
    private final Counter chunksReceived;
    private final Counter bytesReceived;
    private final ScheduledExecutorService sweeper;

    public LiveCalls(AudioPublisher publisher, TenantLimits limits, IngestProperties properties, MeterRegistry meters) {
        this.publisher = publisher;
        this.limits = limits;
        this.properties = properties;
        this.chunkSamples = RecordingIngest.chunkSamples(properties);
        this.meters = meters;
        this.chunksReceived = Counter.builder("guardian.ingest.chunks.received")
                .description("Live client chunks accepted (HTTP and WebSocket)").register(meters);
        this.bytesReceived = Counter.builder("guardian.ingest.bytes.received").baseUnit("bytes")
                .description("Audio bytes of accepted live client chunks, as sent").register(meters);
        Gauge.builder("guardian.ingest.calls.active", calls,
                        all -> all.values().stream().filter(call -> call.state == LiveCall.State.OPEN).count())
                .description("Live calls open on this instance").register(meters);
        long sweepMs = Math.max(50, Math.min(5_000, properties.calls().idleTimeout().toMillis() / 4));
        this.sweeper = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "live-call-sweeper");
            thread.setDaemon(true);
            return thread;
        });
        sweeper.scheduleWithFixedDelay(this::sweep, sweepMs, sweepMs, TimeUnit.MILLISECONDS);
    }

    /** A started call: {@code created} is false when an identical start was repeated. */
    public record Started(String callId, boolean created) {
    }

    public Started start(String tenant, CallSpec spec) {
        String callId = spec.callId() != null ? spec.callId() : UUID.randomUUID().toString();
        LiveCall fresh = new LiveCall(callId, tenant, spec,
                new CallNormalizer(callId, spec.format(), ModelFormat.SAMPLE_RATE, chunkSamples));
        LiveCall call = calls.putIfAbsent(callId, fresh);
        if (call == null) {
            call = fresh;
            try {
                limits.admitCall(tenant);
            } catch (ProblemException tooMany) {
                calls.remove(callId, fresh);
                throw tooMany;
            }
        } else if (!call.tenant.equals(tenant)) {
            // call ids are global Kafka keys; the answer does not say whose call holds it
            throw new ProblemException(HttpStatus.CONFLICT, "call-id-taken", "Call id in use",
                    "The call id " + callId + " cannot be used.").field("callId").value(callId)
                    .fix("choose another callId, e.g. prefixed with your system's name, or omit it to get one");
        } else if (!call.spec.sameAs(spec)) {
            throw new ProblemException(HttpStatus.CONFLICT, "call-exists", "Call exists with another declaration",
                    "Call " + callId + " was started with a different language, format, channelRoles or metadata.")
                    .field("callId").value(callId)
                    .fix("repeat the original start request exactly, or start a new call with another callId");
        }
        synchronized (call) {
            try (MDC.MDCCloseable ignored = MDC.putCloseable("callId", callId)) {
                if (calls.get(callId) != call) {
                    throw startFailed(callId);
                }
                if (call.state == LiveCall.State.ENDED) {
                    throw ended(call);
                }
                if (call.state == LiveCall.State.OPEN) {
                    return new Started(callId, false);
                }
                long now = System.currentTimeMillis();
                try {
                    publisher.publish(callId, List.of(new CallStarted(callId, tenant, spec.language(),
                            spec.format().sourceFormat(), spec.channelRoles(), ModelFormat.SAMPLE_RATE,
                            spec.metadata(), now)), "the same start request");
                } catch (ProblemException unavailable) {
                    // forget it: a retry registers the call afresh (and with a client callId, the same one)
                    calls.remove(callId, call);
                    limits.callClosed(tenant);
                    throw unavailable;
                }
                call.state = LiveCall.State.OPEN;
                call.lastActivityNanos = System.nanoTime();
                meters.counter("guardian.ingest.calls.started").increment();
                log.info("Started live call {} for tenant {}: {} {} Hz x{}, roles {}", callId, tenant,
                        spec.format().encoding().apiName(), spec.format().sampleRate(), spec.format().channels(),
                        spec.channelRoles());
                return new Started(callId, true);
            }
        }
    }

    /** Throws 404 unless the tenant has this call open (or ended) on this instance. */
    public void requireOpen(String tenant, String callId) {
        LiveCall call = find(tenant, callId);
        synchronized (call) {
            if (call.state == LiveCall.State.ENDED) {
                throw ended(call);
            }
        }
    }

    /**
     * Normalizes and publishes one client chunk.
     *
     * @param seq the client's sequence number, or null for "the next one" (WebSocket frames)
     */
    public LiveCall.ChunkAck append(String tenant, String callId, Long seq, byte[] audio) {
        LiveCall call = find(tenant, callId);
        synchronized (call) {
            try (MDC.MDCCloseable ignored = MDC.putCloseable("callId", callId)) {
                if (calls.get(callId) != call) {
                    throw notFound(callId);
                }
                if (call.state == LiveCall.State.ENDED) {
                    throw ended(call);
                }
                int frameBytes = call.spec.format().frameBytes();
                if (audio.length == 0 || audio.length % frameBytes != 0) {
                    throw new ProblemException(HttpStatus.BAD_REQUEST, audio.length == 0 ? "empty-chunk" : "partial-frame",
                            audio.length == 0 ? "Empty chunk" : "Chunk is not whole frames",
                            "The chunk has " + audio.length + " bytes; the call's format ("
                                    + call.spec.format().encoding().apiName() + ", " + call.spec.format().channels()
                                    + " channel(s)) has " + frameBytes + "-byte frames.")
                            .field("body").value(audio.length)
                            .fix("send a non-empty multiple of " + frameBytes + " bytes; keep a partial frame for the next chunk");
                }
                long expected = call.nextSeq;
                long actual = seq == null ? expected : seq;
                byte[] hash = sha256(audio);
                if (actual == expected - 1 && call.lastAck != null) {
                    if (MessageDigest.isEqual(hash, call.lastChunkHash)) {
                        call.lastActivityNanos = System.nanoTime();
                        return call.lastAck.asReplay();
                    }
                    throw new ProblemException(HttpStatus.CONFLICT, "chunk-conflict", "Chunk already acknowledged",
                            "Chunk " + actual + " of call " + callId + " was acknowledged with different bytes.")
                            .field("seq").value(actual).with("expectedSeq", expected)
                            .fix("a resend must carry the same bytes; send new audio as seq " + expected);
                }
                if (actual != expected) {
                    throw new ProblemException(HttpStatus.CONFLICT, "out-of-sequence", "Chunk out of sequence",
                            "Call " + callId + " expects chunk " + expected + ", got " + actual + ".")
                            .field("seq").value(actual).with("expectedSeq", expected)
                            .fix("send chunk " + expected + " next; chunks are numbered 0, 1, 2, ... without gaps");
                }
                long now = System.currentTimeMillis();
                CallNormalizer next = call.normalizer.copy();
                List<AudioChunk> chunks = next.push(audio, 0, audio.length / frameBytes, now);
                if (!chunks.isEmpty()) {
                    publisher.publish(callId, new ArrayList<>(chunks), "the same chunk (seq " + actual + ")");
                }
                call.normalizer = next;
                call.nextSeq = actual + 1;
                call.lastChunkHash = hash;
                call.chunksPublished += chunks.size();
                call.lastAck = new LiveCall.ChunkAck(callId, actual, call.nextSeq, chunks.size(), next.receivedMs(), false);
                call.lastActivityNanos = System.nanoTime();
                chunksReceived.increment();
                bytesReceived.increment(audio.length);
                return call.lastAck;
            }
        }
    }

    /** Ends the call (idempotent: ending an ended call answers how it ended). */
    public LiveCall.CallEnd end(String tenant, String callId) {
        LiveCall call = find(tenant, callId);
        synchronized (call) {
            try (MDC.MDCCloseable ignored = MDC.putCloseable("callId", callId)) {
                if (call.state == LiveCall.State.ENDED) {
                    return call.end;
                }
                return finish(call, COMPLETED);
            }
        }
    }

    private LiveCall.CallEnd finish(LiveCall call, String reason) {
        long now = System.currentTimeMillis();
        CallNormalizer next = call.normalizer.copy();
        List<AudioEvent> events = new ArrayList<>(next.flush(now));
        int tail = events.size();
        events.add(new CallEnded(call.callId, call.tenant, reason, now));
        publisher.publish(call.callId, events, "the end request");
        call.normalizer = next;
        call.chunksPublished += tail;
        call.state = LiveCall.State.ENDED;
        call.end = new LiveCall.CallEnd(call.callId, reason, call.chunksPublished, next.receivedMs(), now);
        call.lastActivityNanos = System.nanoTime();
        limits.callClosed(call.tenant);
        meters.counter("guardian.ingest.calls.ended", "reason", reason).increment();
        log.info("Ended live call {} ({}): {} ms of audio, {} chunks", call.callId, reason, call.end.audioMs(),
                call.chunksPublished);
        return call.end;
    }

    /** Ends idle calls and forgets long-ended ones; a failed end (Kafka down) is retried on the next sweep. */
    void sweep() {
        long now = System.nanoTime();
        long idle = properties.calls().idleTimeout().toNanos();
        long retention = properties.calls().endedRetention().toNanos();
        for (LiveCall call : calls.values()) {
            synchronized (call) {
                try (MDC.MDCCloseable ignored = MDC.putCloseable("callId", call.callId)) {
                    if (call.state == LiveCall.State.OPEN && now - call.lastActivityNanos > idle) {
                        finish(call, IDLE_TIMEOUT);
                    } else if (call.state == LiveCall.State.ENDED && now - call.lastActivityNanos > retention) {
                        calls.remove(call.callId, call);
                    }
                } catch (ProblemException e) {
                    log.warn("Could not end idle call {}; retrying on the next sweep: {}", call.callId, e.getMessage());
                } catch (RuntimeException e) {
                    log.error("Sweeping call {} failed", call.callId, e);
                }
            }
        }
    }

    private LiveCall find(String tenant, String callId) {
        LiveCall call = calls.get(callId);
        // another tenant's call, a call still starting and no call at all look the same
        if (call == null || !call.tenant.equals(tenant) || call.state == LiveCall.State.STARTING) {
            throw notFound(callId);
        }
        return call;
    }

    private static ProblemException notFound(String callId) {
        return new ProblemException(HttpStatus.NOT_FOUND, "call-not-found", "Call not found",
                "No live call " + callId + " for this tenant on this ingest instance.")
                .field("callId").value(callId)
                .fix("start the call with POST /v1/calls; after an ingest restart, start a new call");
    }

    private static ProblemException ended(LiveCall call) {
        return new ProblemException(HttpStatus.CONFLICT, "call-ended", "Call has ended",
                "Call " + call.callId + " ended (" + call.end.reason() + "); it takes no more audio.")
                .field("callId").value(call.callId).with("reason", call.end.reason())
                .fix("start a new call for more audio");
    }

    private static ProblemException startFailed(String callId) {
        ProblemException problem = new ProblemException(HttpStatus.SERVICE_UNAVAILABLE, "start-failed",
                "Call start did not complete", "A concurrent start of call " + callId + " failed.")
                .field("callId").value(callId).fix("repeat the start request");
        problem.getHeaders().set("Retry-After", "1");
        return problem;
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This JVM lacks SHA-256, which every Java SE runtime must provide", e);
        }
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }
}
