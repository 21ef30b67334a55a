package vn.guardian.contracts.audio;

import java.util.Arrays;

/**
 * A piece of one channel's audio, normalized to PCM16LE mono at {@code sampleRate}.
 * On Kafka the PCM bytes are the record value and every other field is a header.
 *
 * @param callId      the call, also the record key
 * @param channel     channel number, 0-based
 * @param seq         0, 1, 2 ... per call and channel, without gaps
 * @param startSample index of this chunk's first sample in the channel's audio, so audio time survives replays
 * @param sampleRate  samples per second of {@code pcm}
 * @param ingestedAt  epoch millis when ingest accepted the bytes of this chunk; the start of utterance-end latency
 * @param pcm         signed 16-bit little-endian mono samples
 */
public record AudioChunk(String callId, int channel, long seq, long startSample, int sampleRate,
                         long ingestedAt, byte[] pcm) implements AudioEvent {

    /** Number of samples in this chunk. */
    public int samples() {
        return pcm.length / 2;
    }

    /** Audio time of the first sample, in milliseconds since the channel started. */
    public long startMs() {
        return startSample * 1000 / sampleRate;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AudioChunk c && callId.equals(c.callId) && channel == c.channel && seq == c.seq
                && startSample == c.startSample && sampleRate == c.sampleRate && ingestedAt == c.ingestedAt
                && Arrays.equals(pcm, c.pcm);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * callId.hashCode() + channel) + Long.hashCode(seq);
    }

    @Override
    public String toString() {
        return "AudioChunk[callId=" + callId + ", channel=" + channel + ", seq=" + seq + ", startSample="
                + startSample + ", sampleRate=" + sampleRate + ", ingestedAt=" + ingestedAt + ", bytes=" + pcm.length + "]";
    }
}
