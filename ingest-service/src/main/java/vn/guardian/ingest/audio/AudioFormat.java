package vn.guardian.ingest.audio;

import java.util.Arrays;
import java.util.Optional;
import vn.guardian.contracts.audio.SourceFormat;

/**
 * The format a feed sends: encoding, rate and channel count, interleaved frames.
 *
 * @param encoding   how one sample is coded
 * @param sampleRate frames per second, 8000..48000
 * @param channels   1 or 2
 */
public record AudioFormat(Encoding encoding, int sampleRate, int channels) {

    public static final int MIN_SAMPLE_RATE = 8000;
    public static final int MAX_SAMPLE_RATE = 48000;
    public static final int MAX_CHANNELS = 2;

    /** Raw {@code audio/basic}: 8 kHz mu-law mono (RFC 2046). */
    public static final AudioFormat AUDIO_BASIC = new AudioFormat(Encoding.MULAW, 8000, 1);

    /** Sample codings a feed may send; the name is what the API and {@code CallStarted.sourceFormat} carry. */
    public enum Encoding {
        PCM_S16LE("pcm_s16le", 2), MULAW("mulaw", 1), ALAW("alaw", 1);

        private final String apiName;
        private final int bytesPerSample;

        Encoding(String apiName, int bytesPerSample) {
            this.apiName = apiName;
            this.bytesPerSample = bytesPerSample;
        }

        public String apiName() {
            return apiName;
        }

        public int bytesPerSample() {
            return bytesPerSample;
        }

        public static Optional<Encoding> byApiName(String name) {
            return Arrays.stream(values()).filter(e -> e.apiName.equals(name)).findFirst();
        }

        public static String allowed() {
            return String.join(", ", Arrays.stream(values()).map(Encoding::apiName).toList());
        }
    }

    public int frameBytes() {
        return encoding.bytesPerSample() * channels;
    }

    public SourceFormat sourceFormat() {
        return new SourceFormat(encoding.apiName(), sampleRate, channels);
    }

    /** De-interleaves and decodes {@code frames} whole frames starting at {@code offset}: one array per channel. */
    public short[][] decode(byte[] data, int offset, int frames) {
        short[][] out = new short[channels][frames];
        int frameBytes = frameBytes();
        for (int channel = 0; channel < channels; channel++) {
            short[] samples = out[channel];
            int at = offset + channel * encoding.bytesPerSample();
            for (int i = 0; i < frames; i++, at += frameBytes) {
                switch (encoding) {
                    case PCM_S16LE:
                        samples[i] = (short) ((data[at] & 0xff) | (data[at + 1] << 8));
                        break;
                    case MULAW:
                        samples[i] = G711.mulaw(data[at]);
                        break;
                    default:
                        samples[i] = G711.alaw(data[at]);
                        break;
                }
            }
        }
        return out;
    }
}
