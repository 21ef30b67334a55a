package vn.guardian.ingest.audio;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import vn.guardian.contracts.audio.AudioChunk;

/**
 * Cuts one channel's normalized samples into fixed-size chunks as they arrive: seq and startSample run on
 * without gaps across pushes, and the samples of an unfinished chunk wait for the next push or {@link #flush}.
 * Not thread-safe.
 */
public final class Chunker {

    private final String callId;
    private final int channel;
    private final int sampleRate;
    private final int chunkSamples;
    private short[] pending = new short[0];
    private long nextSeq;
    private long nextStartSample;

    /** @param chunkSamples samples per chunk; the last chunk of a channel may be shorter */
    public Chunker(String callId, int channel, int sampleRate, int chunkSamples) {
        if (chunkSamples <= 0) {
            throw new IllegalArgumentException("chunkSamples must be positive, got " + chunkSamples);
        }
        this.callId = callId;
        this.channel = channel;
        this.sampleRate = sampleRate;
        this.chunkSamples = chunkSamples;
    }

    /** An independent copy: work on it, keep it only if the work is committed. */
    public Chunker copy() {
        Chunker copy = new Chunker(callId, channel, sampleRate, chunkSamples);
        copy.pending = pending.clone();
        copy.nextSeq = nextSeq;
        copy.nextStartSample = nextStartSample;
        return copy;
    }

    /**
     * Where a channel's chunking stands: the samples of the unfinished chunk and the numbering of the next one.
     *
     * @param pending         normalized samples waiting for a whole chunk
     * @param nextSeq         seq of the next chunk
     * @param nextStartSample start sample of the next chunk
     */
    public record State(short[] pending, long nextSeq, long nextStartSample) {
    }

    public State state() {
        return new State(pending.clone(), nextSeq, nextStartSample);
    }

    /** A chunker continuing where the one that gave {@code state} stopped. */
    public static Chunker restore(String callId, int channel, int sampleRate, int chunkSamples, State state) {
        Chunker chunker = new Chunker(callId, channel, sampleRate, chunkSamples);
        chunker.pending = state.pending().clone();
        chunker.nextSeq = state.nextSeq();
        chunker.nextStartSample = state.nextStartSample();
        return chunker;
    }

    /** The whole chunks completed by these samples, stamped with the time their last bytes arrived. */
    public List<AudioChunk> push(short[] samples, long ingestedAt) {
        short[] joined = Arrays.copyOf(pending, pending.length + samples.length);
        System.arraycopy(samples, 0, joined, pending.length, samples.length);
        List<AudioChunk> chunks = new ArrayList<>();
        int at = 0;
        for (; joined.length - at >= chunkSamples; at += chunkSamples) {
            chunks.add(chunk(joined, at, chunkSamples, ingestedAt));
        }
        pending = Arrays.copyOfRange(joined, at, joined.length);
        return chunks;
    }

    /** The last, shorter chunk, if samples are waiting. */
    public List<AudioChunk> flush(long ingestedAt) {
        if (pending.length == 0) {
            return List.of();
        }
        AudioChunk last = chunk(pending, 0, pending.length, ingestedAt);
        pending = new short[0];
        return List.of(last);
    }

    private AudioChunk chunk(short[] samples, int from, int length, long ingestedAt) {
        AudioChunk chunk = new AudioChunk(callId, channel, nextSeq++, nextStartSample, sampleRate, ingestedAt,
                Pcm16.bytes(samples, from, length));
        nextStartSample += length;
        return chunk;
    }
}
