package vn.guardian.ingest.audio;

/**
 * Parsed audio located inside the original bytes: interleaved frames in {@code format}.
 *
 * @param format      encoding, rate and channels, as sent
 * @param bytes       the whole file
 * @param dataOffset  where the first sample starts in {@code bytes}
 * @param frames      number of whole frames (one sample per channel) in the audio
 */
public record WavAudio(AudioFormat format, byte[] bytes, int dataOffset, int frames) {

    public int sampleRate() {
        return format.sampleRate();
    }

    public int channels() {
        return format.channels();
    }

    /** One channel's samples, de-interleaved and decoded to 16-bit linear PCM. */
    public short[] channel(int channel) {
        return format.decode(bytes, dataOffset, frames)[channel];
    }

    /** Audio time in milliseconds. */
    public long durationMs() {
        return frames * 1000L / format.sampleRate();
    }
}
