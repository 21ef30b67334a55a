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
import vn.guardian.contracts.Topics;
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
 * The live calls this ingest instance serves, in memory, each recorded on {@code guardian.live-calls} after every
 * step so that any replica can continue it: a replica that does not hold a call (it started elsewhere, or its
 * replica died) reads the newest recorded state and adopts it. Every method blocks until Kafka acknowledged what it
 * produced (the audio first, then the call's state) and answers only after that, so a 503 can be retried with the
 * same request, here or on another replica. Call these off the event loop.
 */
@Component
public class LiveCalls implements AutoCloseable {

    public static final String IDLE_TIMEOUT = "idle-timeout";
    public static final String COMPLETED = "completed";

    private static final Logger log = LoggerFactory.getLogger(LiveCalls.class);

    private final Map<String, LiveCall> calls = new ConcurrentHashMap<>();
    private final AudioPublisher publisher;
    private final LiveCallLog callLog;
    private final TenantLimits limits;
    private final IngestProperties properties;
    private final int chunkSamples;
    private final MeterRegistry meters;
    private final Counter chunksReceived;
    private final Counter bytesReceived;
    private final Counter adopted;
    private final ScheduledExecutorService sweeper;

    public LiveCalls(AudioPublisher publisher, LiveCallLog callLog, TenantLimits limits, IngestProperties properties,
                     MeterRegistry meters) {
        this.publisher = publisher;
        this.callLog = callLog;
        this.limits = limits;
        this.properties = properties;
        this.chunkSamples = RecordingIngest.chunkSamples(properties);
        this.meters = meters;
        this.chunksReceived = Counter.builder("guardian.ingest.chunks.received")
                .description("Live client chunks accepted (HTTP and WebSocket)").register(meters);
        this.bytesReceived = Counter.builder("guardian.ingest.bytes.received").baseUnit("bytes")
                .description("Audio bytes of accepted live client chunks, as sent").register(meters);
        this.adopted = Counter.builder("guardian.ingest.calls.adopted")
                .description("Live calls continued here from the state another replica recorded").register(meters);
        Gauge.builder("guardian.ingest.calls.active", calls,
                        all -> all.values().stream().filter(call -> call.state == LiveCall.State.OPEN).count())
                .description("Live calls open on this instance").register(meters);
        callLog.onForeignState(this::supersede);
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
        // a client's own call id may already be in use on another replica: its repeat is answered like one here
        LiveCall call = spec.callId() != null ? heldOrAdopted(tenant, callId, false) : null;
        if (call == null && spec.callId() != null
                && callLog.latest(callId).filter(state -> !state.tenant().equals(tenant)).isPresent()) {
            throw callIdTaken(callId);
        }
        if (call == null) {
            LiveCall fresh = new LiveCall(callId, tenant, spec,
                    new CallNormalizer(callId, spec.format(), ModelFormat.SAMPLE_RATE, chunkSamples));
            call = calls.putIfAbsent(callId, fresh);
            if (call == null) {
                call = fresh;
                try {
                    limits.admitCall(tenant);
                } catch (ProblemException tooMany) {
                    calls.remove(callId, fresh);
                    throw tooMany;
                }
            }
        }
        if (!call.tenant.equals(tenant)) {
            throw callIdTaken(callId);
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
                    recordIfBehind(call, "the same start request");
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
                record(call, "the same start request");
                return new Started(callId, true);
            }
        }
    }

    /** Throws 404 unless the tenant has this call open (or ended) here or recorded by another replica. */
    public void requireOpen(String tenant, String callId) {
        LiveCall call = find(tenant, callId, false);
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
        boolean refreshed = false;
        while (true) {
            LiveCall call = find(tenant, callId, refreshed);
            synchronized (call) {
                try (MDC.MDCCloseable ignored = MDC.putCloseable("callId", callId)) {
                    if (calls.get(callId) != call) {
                        // another replica took the call over meanwhile: continue from its newer state
                        if (refreshed) {
                            throw contended(callId);
                        }
                        refreshed = true;
                        continue;
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
                            recordIfBehind(call, "the same chunk (seq " + actual + ")");
                            call.lastActivityNanos = System.nanoTime();
                            return call.lastAck.asReplay();
                        }
                        throw new ProblemException(HttpStatus.CONFLICT, "chunk-conflict", "Chunk already acknowledged",
                                "Chunk " + actual + " of call " + callId + " was acknowledged with different bytes.")
                                .field("seq").value(actual).with("expectedSeq", expected)
                                .fix("a resend must carry the same bytes; send new audio as seq " + expected);
                    }
                    if (actual != expected && !refreshed) {
                        // this copy may be older than what another replica recorded since: look again first
                        refreshed = true;
                        continue;
                    }
                    if (actual != expected) {
                        throw new ProblemException(HttpStatus.CONFLICT, "out-of-sequence", "Chunk out of sequence",
                                "Call " + callId + " expects chunk " + expected + ", got " + actual + ".")
                                .field("seq").value(actual).with("expectedSeq", expected)
                                .fix("send chunk " + expected + " next; chunks are numbered 0, 1, 2, ... without gaps");
                    }
                    // the previous step's state record comes first, so the log never skips a step
                    recordIfBehind(call, "the same chunk (seq " + actual + ")");
                    long now = System.currentTimeMillis();
                    CallNormalizer next = call.normalizer.copy();
                    List<AudioChunk> chunks = next.push(audio, 0, audio.length / frameBytes, now);
                    if (!chunks.isEmpty()) {
                        publisher.publish(callId, new ArrayList<>(chunks), "the same chunk (seq " + actual + ")");
                    }
                    // the audio is durable: the call moves on, and a resend of this chunk is a replay from now on
                    call.normalizer = next;
                    call.nextSeq = actual + 1;
                    call.lastChunkHash = hash;
                    call.chunksPublished += chunks.size();
                    call.lastAck = new LiveCall.ChunkAck(callId, actual, call.nextSeq, chunks.size(), next.receivedMs(), false);
                    call.lastActivityNanos = System.nanoTime();
                    chunksReceived.increment();
                    bytesReceived.increment(audio.length);
                    record(call, "the same chunk (seq " + actual + ")");
                    return call.lastAck;
                }
            }
        }
    }

    /** Ends the call (idempotent: ending an ended call answers how it ended). */
    public LiveCall.CallEnd end(String tenant, String callId) {
        for (int attempt = 0; ; attempt++) {
            // always the newest state: ending a stale copy would publish a second end
            LiveCall call = find(tenant, callId, true);
            synchronized (call) {
                try (MDC.MDCCloseable ignored = MDC.putCloseable("callId", callId)) {
                    if (calls.get(callId) != call) {
                        if (attempt > 0) {
                            throw contended(callId);
                        }
                        continue;
                    }
                    if (call.state == LiveCall.State.ENDED) {
                        recordIfBehind(call, "the end request");
                        return call.end;
                    }
                    recordIfBehind(call, "the end request");
                    return finish(call, COMPLETED, "the end request");
                }
            }
        }
    }

    private LiveCall.CallEnd finish(LiveCall call, String reason, String retryAdvice) {
        long now = System.currentTimeMillis();
        CallNormalizer next = call.normalizer.copy();
        List<AudioEvent> events = new ArrayList<>(next.flush(now));
        int tail = events.size();
        events.add(new CallEnded(call.callId, call.tenant, reason, now));
        publisher.publish(call.callId, events, retryAdvice);
        call.normalizer = next;
        call.chunksPublished += tail;
        call.state = LiveCall.State.ENDED;
        call.end = new LiveCall.CallEnd(call.callId, reason, call.chunksPublished, next.receivedMs(), now);
        call.lastActivityNanos = System.nanoTime();
        limits.callClosed(call.tenant);
        meters.counter("guardian.ingest.calls.ended", "reason", reason).increment();
        log.info("Ended live call {} ({}): {} ms of audio, {} chunks", call.callId, reason, call.end.audioMs(),
                call.chunksPublished);
        record(call, retryAdvice);
        return call.end;
    }

    /** Writes the call's state as it is now; until Kafka acknowledged it, the call's next answer writes it again. */
    private void record(LiveCall call, String retryAdvice) {
        call.stateUnwritten = true;
        callLog.write(call.toState(callLog.instanceId(), System.currentTimeMillis()), retryAdvice);
        call.stateUnwritten = false;
    }

    private void recordIfBehind(LiveCall call, String retryAdvice) {
        if (call.stateUnwritten) {
            record(call, retryAdvice);
        }
    }

    /**
     * Ends idle calls this replica holds, and orphaned ones (their state older than idle-timeout plus the orphan
     * grace, held by no replica that writes); forgets ended calls after the retention, here and on the topic.
     * Failures (Kafka down) are retried on the next sweep.
     */
    void sweep() {
        long now = System.nanoTime();
        long idle = properties.calls().idleTimeout().toNanos();
        long retention = properties.calls().endedRetention().toNanos();
        for (LiveCall call : calls.values()) {
            synchronized (call) {
                try (MDC.MDCCloseable ignored = MDC.putCloseable("callId", call.callId)) {
                    if (calls.get(call.callId) != call) {
                        continue;
                    }
                    if (call.state == LiveCall.State.OPEN && now - call.lastActivityNanos > idle) {
                        recordIfBehind(call, "nothing (the sweeper retries)");
                        finish(call, IDLE_TIMEOUT, "nothing (the sweeper retries)");
                    } else if (call.state == LiveCall.State.ENDED && call.stateUnwritten) {
                        record(call, "nothing (the sweeper retries)");
                    } else if (call.state == LiveCall.State.ENDED && now - call.lastActivityNanos > retention) {
                        callLog.forget(call.callId);
                        calls.remove(call.callId, call);
                    }
                } catch (ProblemException e) {
                    log.warn("Could not end or record idle call {}; retrying on the next sweep: {}", call.callId,
                            e.getMessage());
                } catch (RuntimeException e) {
                    log.error("Sweeping call {} failed", call.callId, e);
                }
            }
        }
        sweepOrphans();
    }

    /** The calls of replicas that died: any replica ends them once idle for long enough, and forgets them later. */
    private void sweepOrphans() {
        long wallNow = System.currentTimeMillis();
        long grace = properties.calls().orphanGrace().toMillis();
        long idle = properties.calls().idleTimeout().toMillis();
        long retention = properties.calls().endedRetention().toMillis();
        for (LiveCallState state : callLog.states()) {
            if (calls.containsKey(state.callId())) {
                continue;
            }
            boolean mine = callLog.instanceId().equals(state.writer());
            try (MDC.MDCCloseable ignored = MDC.putCloseable("callId", state.callId())) {
                if (state.state() == LiveCall.State.OPEN && !mine && wallNow - state.updatedAt() > idle + grace) {
                    LiveCall call = adopt(state);
                    synchronized (call) {
                        if (calls.get(state.callId()) == call && call.state == LiveCall.State.OPEN) {
                            log.info("Ending orphaned live call {}: instance {} last wrote it {} ms ago", state.callId(),
                                    state.writer(), wallNow - state.updatedAt());
                            finish(call, IDLE_TIMEOUT, "nothing (the sweeper retries)");
                        }
                    }
                } else if (state.state() == LiveCall.State.ENDED
                        && wallNow - state.updatedAt() > retention + (mine ? 0 : grace)) {
                    callLog.forget(state.callId());
                }
            } catch (ProblemException e) {
                log.warn("Could not end or forget orphaned call {}; retrying on the next sweep: {}", state.callId(),
                        e.getMessage());
            } catch (RuntimeException e) {
                log.error("Sweeping orphaned call {} failed", state.callId(), e);
            }
        }
    }

    /**
     * The tenant's call: the copy held here, or the newest recorded state adopted from another replica.
     *
     * @param fresh true to read the topic up to its end first, dropping a copy another replica has moved on from
     */
    private LiveCall find(String tenant, String callId, boolean fresh) {
        LiveCall call = heldOrAdopted(tenant, callId, fresh);
        // another tenant's call, a call still starting and no call at all look the same
        if (call == null || !call.tenant.equals(tenant) || call.state == LiveCall.State.STARTING) {
            throw notFound(callId);
        }
        return call;
    }

    /**
     * The call held here, else the tenant's call adopted from {@code guardian.live-calls}; null when no replica
     * recorded it for this tenant (another tenant's call is never adopted).
     */
    private LiveCall heldOrAdopted(String tenant, String callId, boolean fresh) {
        LiveCall held = calls.get(callId);
        if (held != null && !fresh) {
            return held;
        }
        if (!callLog.awaitCaughtUp(properties.calls().recoveryWait())) {
            throw recovering(callId);
        }
        // the reader has dropped any copy here that another replica has since moved on from
        held = calls.get(callId);
        if (held != null) {
            return held;
        }
        return callLog.latest(callId).filter(state -> state.tenant().equals(tenant)).map(this::adopt).orElse(null);
    }

    private LiveCall adopt(LiveCallState state) {
        LiveCall call = LiveCall.adopt(state);
        LiveCall raced = calls.putIfAbsent(state.callId(), call);
        if (raced != null) {
            return raced;
        }
        if (call.state == LiveCall.State.OPEN) {
            limits.callAdopted(call.tenant);
        }
        call.lastActivityNanos = System.nanoTime();
        adopted.increment();
        try (MDC.MDCCloseable ignored = MDC.putCloseable("callId", state.callId())) {
            log.info("Adopted live call {} from instance {} at seq {} ({})", state.callId(), state.writer(),
                    state.nextSeq(), state.state() == LiveCall.State.OPEN ? "open" : "ended " + state.end().reason());
        }
        return call;
    }

    /** Another replica wrote this call's state: a copy held here is out of date from now on. */
    private void supersede(LiveCallState newer) {
        LiveCall held = calls.get(newer.callId());
        if (held == null || held.state == LiveCall.State.STARTING) {
            return;
        }
        synchronized (held) {
            if (calls.remove(newer.callId(), held)) {
                if (held.state == LiveCall.State.OPEN) {
                    limits.callClosed(held.tenant);
                }
                try (MDC.MDCCloseable ignored = MDC.putCloseable("callId", newer.callId())) {
                    log.info("Live call {} continues on instance {} (next seq {}); dropped the copy held here",
                            newer.callId(), newer.writer(), newer.nextSeq());
                }
            }
        }
    }

    private static ProblemException callIdTaken(String callId) {
        // call ids are global Kafka keys; the answer does not say whose call holds it
        return new ProblemException(HttpStatus.CONFLICT, "call-id-taken", "Call id in use",
                "The call id " + callId + " cannot be used.").field("callId").value(callId)
                .fix("choose another callId, e.g. prefixed with your system's name, or omit it to get one");
    }

    private static ProblemException notFound(String callId) {
        return new ProblemException(HttpStatus.NOT_FOUND, "call-not-found", "Call not found",
                "No live call " + callId + " for this tenant on any ingest instance.")
                .field("callId").value(callId)
                .fix("start the call with POST /v1/calls (use the callId it answered); calls ended more than "
                        + "guardian.ingest.calls.ended-retention ago are forgotten");
    }

    private ProblemException recovering(String callId) {
        long seconds = Math.max(1, properties.publish().retryAfter().toSeconds());
        ProblemException problem = new ProblemException(HttpStatus.SERVICE_UNAVAILABLE, "call-state-unavailable",
                "Call state not readable yet", "This ingest instance could not read the newest state of call "
                + callId + " from " + Topics.LIVE_CALLS + " within " + properties.calls().recoveryWait() + ".")
                .field("callId").value(callId)
                .fix("resend the same request after " + seconds + " s, here or on another ingest instance");
        problem.getHeaders().set("Retry-After", Long.toString(seconds));
        return problem;
    }

    private static ProblemException ended(LiveCall call) {
        return new ProblemException(HttpStatus.CONFLICT, "call-ended", "Call has ended",
                "Call " + call.callId + " ended (" + call.end.reason() + "); it takes no more audio.")
                .field("callId").value(call.callId).with("reason", call.end.reason())
                .fix("start a new call for more audio");
    }

    private static ProblemException contended(String callId) {
        ProblemException problem = new ProblemException(HttpStatus.SERVICE_UNAVAILABLE, "call-contended",
                "Call served by two instances at once", "Call " + callId + " moved between ingest instances twice "
                + "while this request waited; nothing of it was accepted.")
                .field("callId").value(callId).fix("send the call's requests one at a time to one instance, and "
                        + "resend this one");
        problem.getHeaders().set("Retry-After", "1");
        return problem;
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
