package vn.guardian.feeder;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A WAV file's audio as the feeder sends it: the raw interleaved frames of the {@code data} chunk, in the file's
 * own encoding (PCM 16-bit, mu-law or A-law), never converted, so the server sees what a PBX would send.
 *
 * @param encoding   {@code pcm_s16le}, {@code mulaw} or {@code alaw}: the ingest API's names
 * @param sampleRate frames per second
 * @param channels   1 or 2
 * @param data       the frames
 */
public record WavFile(String encoding, int sampleRate, int channels, byte[] data) {

    public static WavFile read(Path path) throws IOException {
        return parse(Files.readAllBytes(path), path.toString());
    }

    static WavFile parse(byte[] bytes, String name) {
        ByteBuffer wav = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 12 || !fourCc(bytes, 0).equals("RIFF") || !fourCc(bytes, 8).equals("WAVE")) {
            throw new IllegalArgumentException(name + " is not a WAV file (no RIFF/WAVE header)");
        }
        String encoding = null;
        int rate = 0;
        int channels = 0;
        byte[] data = null;
        int at = 12;
        while (at + 8 <= bytes.length) {
            String id = fourCc(bytes, at);
            long size = Integer.toUnsignedLong(wav.getInt(at + 4));
            int body = at + 8;
            long available = Math.min(size, bytes.length - body);
            if (id.equals("fmt ") && available >= 16) {
                int tag = Short.toUnsignedInt(wav.getShort(body));
                channels = Short.toUnsignedInt(wav.getShort(body + 2));
                rate = wav.getInt(body + 4);
                int bits = Short.toUnsignedInt(wav.getShort(body + 14));
                if (tag == 0xFFFE && available >= 26) {
                    tag = Short.toUnsignedInt(wav.getShort(body + 24));
                }
                encoding = tag == 1 && bits == 16 ? "pcm_s16le" : tag == 7 && bits == 8 ? "mulaw"
                        : tag == 6 && bits == 8 ? "alaw" : null;
                if (encoding == null) {
                    throw new IllegalArgumentException(name + ": format tag " + tag + ", " + bits + "-bit is not "
                            + "supported; convert with: sox in.wav -e signed-integer -b 16 out.wav");
                }
            } else if (id.equals("data")) {
                // a header that overstates its length (still being recorded) sends what is there
                data = java.util.Arrays.copyOfRange(bytes, body, body + (int) available);
            }
            at = body + (int) available + (int) (size & 1);
        }
        if (encoding == null || data == null) {
            throw new IllegalArgumentException(name + " has no " + (encoding == null ? "'fmt '" : "'data'") + " chunk");
        }
        int frameBytes = (encoding.equals("pcm_s16le") ? 2 : 1) * channels;
        if (frameBytes == 0) {
            throw new IllegalArgumentException(name + " declares 0 channels");
        }
        return new WavFile(encoding, rate, channels, java.util.Arrays.copyOf(data, data.length - data.length % frameBytes));
    }

    public int frameBytes() {
        return (encoding.equals("pcm_s16le") ? 2 : 1) * channels;
    }

    public long durationMs() {
        return (long) (data.length / frameBytes()) * 1000 / sampleRate;
    }

    private static String fourCc(byte[] bytes, int at) {
        return new String(bytes, at, 4, StandardCharsets.ISO_8859_1);
    }
}
