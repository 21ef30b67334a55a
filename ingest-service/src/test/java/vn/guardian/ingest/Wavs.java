package vn.guardian.ingest;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Synthesizes WAV files for tests: sines per channel, and headers bent in the ways real files go wrong. */
public final class Wavs {

    private Wavs() {
    }

    /** A sine of {@code hz} at amplitude {@code amplitude} (0..32767), {@code samples} long. */
    public static short[] sine(double hz, int rate, int samples, double amplitude) {
        short[] out = new short[samples];
        for (int i = 0; i < samples; i++) {
            out[i] = (short) Math.round(amplitude * Math.sin(2 * Math.PI * hz * i / rate));
        }
        return out;
    }

    /** A PCM 16-bit WAV with one array per channel, all the same length. */
    public static byte[] pcm16(int rate, short[]... channels) {
        return wav(1, channels.length, rate, 16, samplesToBytes(channels));
    }

    /** Interleaved little-endian PCM16 frames, one array per channel, all the same length. */
    public static byte[] samplesToBytes(short[]... channels) {
        int frames = channels[0].length;
        ByteBuffer data = ByteBuffer.allocate(frames * channels.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < frames; i++) {
            for (short[] channel : channels) {
                data.putShort(channel[i]);
            }
        }
        return data.array();
    }

    /** G.711 mu-law code of a linear sample (ITU-T G.711 compressor), for tests that need telephony audio. */
    public static byte mulaw(short sample) {
        int pcm = sample;
        int sign = pcm < 0 ? 0x80 : 0;
        int magnitude = Math.min(Math.abs(pcm), 32635) + 0x84;
        int exponent = 7;
        for (int mask = 0x4000; (magnitude & mask) == 0 && exponent > 0; mask >>= 1) {
            exponent--;
        }
        int mantissa = (magnitude >> (exponent + 3)) & 0x0f;
        return (byte) ~(sign | exponent << 4 | mantissa);
    }

    /** Interleaved mu-law frames, one array per channel. */
    public static byte[] mulawBytes(short[]... channels) {
        byte[] out = new byte[channels[0].length * channels.length];
        for (int i = 0, at = 0; i < channels[0].length; i++) {
            for (short[] channel : channels) {
                out[at++] = mulaw(channel[i]);
            }
        }
        return out;
    }

    /** A WAV with an arbitrary format tag and sample size; {@code data} as given. */
    public static byte[] wav(int formatTag, int channels, int rate, int bits, byte[] data) {
        ByteBuffer fmt = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        fmt.putShort((short) formatTag).putShort((short) channels).putInt(rate)
                .putInt(rate * channels * bits / 8).putShort((short) (channels * bits / 8)).putShort((short) bits);
        return riff(chunk("fmt ", fmt.array()), chunk("data", data));
    }

    public static byte[] riff(byte[]... chunks) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] chunk : chunks) {
            body.writeBytes(chunk);
        }
        ByteBuffer out = ByteBuffer.allocate(12 + body.size()).order(ByteOrder.LITTLE_ENDIAN);
        out.put("RIFF".getBytes()).putInt(4 + body.size()).put("WAVE".getBytes()).put(body.toByteArray());
        return out.array();
    }

    public static byte[] chunk(String id, byte[] payload) {
        int padded = payload.length + (payload.length & 1);
        ByteBuffer out = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        out.put(id.getBytes()).putInt(payload.length).put(payload);
        return out.array();
    }

    /** Little-endian PCM16 bytes to samples. */
    public static short[] samples(byte[] pcm) {
        short[] out = new short[pcm.length / 2];
        ByteBuffer.wrap(pcm).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(out);
        return out;
    }

    /** Signal power at {@code hz} (Goertzel), normalized so a full sine of amplitude A gives about A. */
    public static double amplitudeAt(short[] samples, double hz, int rate) {
        double coefficient = 2 * Math.cos(2 * Math.PI * hz / rate);
        double previous = 0;
        double beforePrevious = 0;
        for (short sample : samples) {
            double current = sample + coefficient * previous - beforePrevious;
            beforePrevious = previous;
            previous = current;
        }
        double power = previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious;
        return 2 * Math.sqrt(Math.max(0, power)) / samples.length;
    }
}
