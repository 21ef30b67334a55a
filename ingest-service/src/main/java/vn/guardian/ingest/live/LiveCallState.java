package vn.guardian.ingest.live;

import vn.guardian.ingest.audio.CallNormalizer;

/**
 * A live call's recoverable state, the value on {@code guardian.live-calls} (key: callId, JSON). Written only after
 * Kafka acknowledged the audio of the step it describes, so {@code nextSeq = N + 1} means client chunk N is durable
 * on the audio topic; another replica rebuilds the call from it and continues with identical chunks.
 *
 * @param callId          the call
 * @param tenant          its tenant: any other tenant gets 404
 * @param spec            what the start request declared
 * @param state           {@code OPEN} or {@code ENDED}
 * @param nextSeq         the client chunk seq the call expects next
 * @param lastChunkHash   SHA-256 of client chunk {@code nextSeq - 1}, so its resend is a replay
 * @param lastAck         the answer that chunk got, repeated to a replay
 * @param chunksPublished audio chunks (all channels) published so far
 * @param end             how the call ended, when ENDED
 * @param normalizer      the normalizer after the last step
 * @param writer          the ingest instance that wrote this record
 * @param updatedAt       epoch ms of the write
 */
record LiveCallState(String callId, String tenant, CallSpec spec, LiveCall.State state, long nextSeq,
                     byte[] lastChunkHash, LiveCall.ChunkAck lastAck, long chunksPublished, LiveCall.CallEnd end,
                     CallNormalizer.Snapshot normalizer, String writer, long updatedAt) {
}
