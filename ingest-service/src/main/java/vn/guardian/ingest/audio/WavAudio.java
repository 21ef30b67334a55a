package vn.guardian.ingest.audio;

/**
 * A parsed WAV recording: PCM 16-bit little-endian, interleaved frames, located inside the original bytes.
 *
 * @param sampleRate  frames per second, as sent
 * @param channels    1 or 2
 * @param bytes       the whole file
 * @param dataOffset  where the first sample starts in {@code bytes}
 * @param frames      number of whole frames (one sample per channel) in the data chunk
 */
public record WavAudio(int sampleRate, int channels, byte[] bytes, int dataOffset, int frames) {

    /** One channel's samples, de-interleaved. */
    public short[] channel(int channel) {
        short[] samples = new short[frames];
        int frameBytes = 2 * channels;
        for (int i = 0, at = dataOffset + 2 * channel; i < frames; i++, at += frameBytes) {
            samples[i] = (short) ((bytes[at] & 0xff) | (bytes[at + 1] << 8));
        }
        return samples;
    }

    /** Audio time in milliseconds. */
    public long durationMs() {
        return frames * 1000L / sampleRate;
    }
}
