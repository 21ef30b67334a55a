package vn.guardian.ingest.audio;

import java.util.ArrayList;
import java.util.List;
import vn.guardian.contracts.audio.AudioChunk;

/** Cuts normalized channels into fixed-duration chunks, interleaved in time order across channels. */
public final class Chunker {

    private Chunker() {
    }

    /**
     * @param channels     one array of samples per channel, all at {@code sampleRate}
     * @param chunkSamples samples per chunk; the last chunk of a channel may be shorter
     */
    public static List<AudioChunk> chunks(String callId, List<short[]> channels, int sampleRate, int chunkSamples,
                                          long ingestedAt) {
        if (chunkSamples <= 0) {
            throw new IllegalArgumentException("chunkSamples must be positive, got " + chunkSamples);
        }
        int longest = channels.stream().mapToInt(samples -> samples.length).max().orElse(0);
        List<AudioChunk> chunks = new ArrayList<>();
        for (long seq = 0, start = 0; start < longest; seq++, start += chunkSamples) {
            for (int channel = 0; channel < channels.size(); channel++) {
                short[] samples = channels.get(channel);
                if (start < samples.length) {
                    int length = (int) Math.min(chunkSamples, samples.length - start);
                    chunks.add(new AudioChunk(callId, channel, seq, start, sampleRate, ingestedAt,
                            pcm16le(samples, (int) start, length)));
                }
            }
        }
        return chunks;
    }

    private static byte[] pcm16le(short[] samples, int from, int length) {
        byte[] pcm = new byte[2 * length];
        for (int i = 0; i < length; i++) {
            short sample = samples[from + i];
            pcm[2 * i] = (byte) sample;
            pcm[2 * i + 1] = (byte) (sample >> 8);
        }
        return pcm;
    }
}
