package vn.guardian.ingest.live;

import vn.guardian.ingest.audio.CallNormalizer;

/**
 * One live call's state on this ingest instance. Guarded by its own monitor: every request for the call
 * locks it, so one call's chunks are normalized and published strictly in order. Its recoverable part is recorded
 * on {@code guardian.live-calls} after every step ({@link #toState}), and any replica can rebuild it ({@link #adopt}).
 */
final class LiveCall {

    enum State {
        /** Registered, CallStarted not yet acknowledged by Kafka (a failed start stays here until retried). */
        STARTING,
        OPEN,
        ENDED
    }

    final String callId;
    final String tenant;
    final CallSpec spec;
    volatile State state = State.STARTING;
    CallNormalizer normalizer;
    long nextSeq;
    /** SHA-256 of the last acknowledged client chunk, so its resend is recognized. */
    byte[] lastChunkHash;
    ChunkAck lastAck;
    long chunksPublished;
    long lastActivityNanos = System.nanoTime();
    CallEnd end;
    /** Kafka has this step's audio but not yet its state record: the record is written before the next answer. */
    boolean stateUnwritten;

    LiveCall(String callId, String tenant, CallSpec spec, CallNormalizer normalizer) {
        this.callId = callId;
        this.tenant = tenant;
        this.spec = spec;
        this.normalizer = normalizer;
    }

    /** The call as another replica last recorded it, continued here. */
    static LiveCall adopt(LiveCallState state) {
        LiveCall call = new LiveCall(state.callId(), state.tenant(), state.spec(),
                CallNormalizer.restore(state.callId(), state.spec().format(), state.normalizer()));
        call.state = state.state();
        call.nextSeq = state.nextSeq();
        call.lastChunkHash = state.lastChunkHash();
        call.lastAck = state.lastAck();
        call.chunksPublished = state.chunksPublished();
        call.end = state.end();
        return call;
    }

    LiveCallState toState(String writer, long now) {
        return new LiveCallState(callId, tenant, spec, state, nextSeq, lastChunkHash, lastAck, chunksPublished, end,
                normalizer.snapshot(), writer, now);
    }

    /**
     * The answer to an acknowledged chunk.
     *
     * @param seq       the client chunk's sequence number
     * @param nextSeq   the seq the call expects next
     * @param published audio chunks (all channels) this client chunk completed and Kafka acknowledged
     * @param audioMs   audio time received in the call so far
     * @param replayed  true when this was a resend of the last chunk, acknowledged again without publishing
     */
    record ChunkAck(String callId, long seq, long nextSeq, int published, long audioMs, boolean replayed) {
        ChunkAck asReplay() {
            return new ChunkAck(callId, seq, nextSeq, published, audioMs, true);
        }
    }

    /**
     * The answer to an ended call.
     *
     * @param reason   {@code completed} or {@code idle-timeout}
     * @param chunks   audio chunks published for the whole call
     * @param audioMs  audio time received
     * @param endedAt  epoch ms
     */
    record CallEnd(String callId, String reason, long chunks, long audioMs, long endedAt) {
    }
}
