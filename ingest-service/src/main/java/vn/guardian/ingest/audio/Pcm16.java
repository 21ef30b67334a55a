package vn.guardian.ingest.audio;

/** 16-bit little-endian PCM: the samples' byte form on the audio topic and in live call snapshots. */
final class Pcm16 {

    private Pcm16() {
    }

    static byte[] bytes(short[] samples) {
        return bytes(samples, 0, samples.length);
    }

    static byte[] bytes(short[] samples, int from, int length) {
        byte[] pcm = new byte[2 * length];
        for (int i = 0; i < length; i++) {
            short sample = samples[from + i];
            pcm[2 * i] = (byte) sample;
            pcm[2 * i + 1] = (byte) (sample >> 8);
        }
        return pcm;
    }

    static short[] samples(byte[] pcm) {
        if (pcm.length % 2 != 0) {
            throw new IllegalArgumentException("PCM16 needs an even number of bytes, got " + pcm.length);
        }
        short[] samples = new short[pcm.length / 2];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (short) ((pcm[2 * i] & 0xff) | (pcm[2 * i + 1] << 8));
        }
        return samples;
    }
}
