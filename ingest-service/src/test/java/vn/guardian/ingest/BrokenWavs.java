package vn.guardian.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * WAV files as feeds get them wrong, for fuzz tests: the committed sample calls (cut to their first second) and
 * small synthesized files in every accepted format, then mutated: bytes flipped, cut short, header fields (RIFF
 * size, chunk sizes, format tag, channels, rate, byte rate, block align, bits) set to lies or extremes, junk
 * chunks inserted, garbage appended. One file in five is left valid, so the accepting path is fuzzed too.
 */
public final class BrokenWavs {

    /** Audio kept from each sample: about a second, enough for a few chunks, small enough for many tries. */
    private static final int SAMPLE_AUDIO_BYTES = 32_000;
    private static final long[] EXTREMES = {0, 1, 2, 3, 7, 8, 16, 255, 0x7fff, 0xffff, 7999, 8000, 16000, 44100,
            48001, 0x7fffffffL, 0x80000000L, 0xfffffff0L, 0xffffffffL};
    private static final int[][] ENCODINGS = {{1, 16}, {7, 8}, {6, 8}};
    private static final int[] RATES = {8000, 11025, 16000, 22050, 44100, 48000};
    private static final String[] CHUNK_IDS = {"LIST", "junk", "fmt ", "data", "fact", "\0\0\0\0"};
    private static final List<byte[]> SAMPLES = samples();

    private BrokenWavs() {
    }

    /** A valid file, or one mutated one to three times (four times in five). */
    public static byte[] any(Random random) {
        byte[] wav = valid(random);
        if (random.nextInt(5) == 0) {
            return wav;
        }
        for (int mutations = 1 + random.nextInt(3); mutations > 0; mutations--) {
            wav = mutate(wav, random);
        }
        return wav;
    }

    /** A committed sample cut short, or a synthesized file in an accepted encoding, rate and channel count. */
    public static byte[] valid(Random random) {
        if (random.nextBoolean()) {
            return SAMPLES.get(random.nextInt(SAMPLES.size())).clone();
        }
        int[] encoding = ENCODINGS[random.nextInt(ENCODINGS.length)];
        int channels = 1 + random.nextInt(2);
        int frameBytes = channels * encoding[1] / 8;
        byte[] data = new byte[frameBytes * (1 + random.nextInt(2000))];
        random.nextBytes(data);
        return Wavs.wav(encoding[0], channels, RATES[random.nextInt(RATES.length)], encoding[1], data);
    }

    /** One mutation of {@code wav}. */
    public static byte[] mutate(byte[] wav, Random random) {
        switch (random.nextInt(6)) {
            case 0: {
                // flip bits of a byte, in the header or anywhere
                int at = random.nextBoolean() ? random.nextInt(Math.max(1, Math.min(wav.length, 64)))
                        : random.nextInt(Math.max(1, wav.length));
                byte[] out = wav.clone();
                if (at < out.length) {
                    out[at] ^= (byte) (1 + random.nextInt(255));
                }
                return out;
            }
            case 1:
                // cut short
                return Arrays.copyOf(wav, random.nextInt(wav.length + 1));
            case 2:
            case 3: {
                // a header field lies
                List<int[]> fields = headerFields(wav);
                return set(wav, fields.get(random.nextInt(fields.size())), value(random));
            }
            case 4: {
                // a chunk before the audio announces a size it does not have
                byte[] payload = new byte[random.nextInt(41)];
                random.nextBytes(payload);
                return insertChunk(wav, CHUNK_IDS[random.nextInt(CHUNK_IDS.length)], value(random), payload);
            }
            default: {
                // bytes after the end
                byte[] tail = new byte[1 + random.nextInt(100)];
                random.nextBytes(tail);
                return append(wav, tail);
            }
        }
    }

    /** An extreme or a random unsigned 32-bit value. */
    private static long value(Random random) {
        return random.nextBoolean() ? EXTREMES[random.nextInt(EXTREMES.length)] : random.nextLong() & 0xffffffffL;
    }

    /** Offset and width of each header field, found by walking the chunks as far as they make sense. */
    private static List<int[]> headerFields(byte[] wav) {
        List<int[]> fields = new ArrayList<>();
        if (wav.length >= 8) {
            fields.add(new int[]{4, 4});
        }
        int at = 12;
        while (at + 8 <= wav.length && at < 4096) {
            String id = new String(wav, at, 4, StandardCharsets.ISO_8859_1);
            long size = ByteBuffer.wrap(wav, at + 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
            fields.add(new int[]{at + 4, 4});
            if (id.equals("fmt ") && at + 8 + 16 <= wav.length) {
                int fmt = at + 8;
                fields.addAll(List.of(new int[]{fmt, 2}, new int[]{fmt + 2, 2}, new int[]{fmt + 4, 4},
                        new int[]{fmt + 8, 4}, new int[]{fmt + 12, 2}, new int[]{fmt + 14, 2}));
            }
            if (id.equals("data")) {
                break;
            }
            at += 8 + (int) Math.min(size + (size & 1), 4096);
        }
        return fields.isEmpty() ? List.of(new int[]{0, 1}) : fields;
    }

    private static byte[] set(byte[] wav, int[] field, long value) {
        byte[] out = wav.clone();
        for (int i = 0; i < field[1] && field[0] + i < out.length; i++) {
            out[field[0] + i] = (byte) (value >>> (8 * i));
        }
        return out;
    }

    private static byte[] insertChunk(byte[] wav, String id, long size, byte[] payload) {
        if (wav.length < 12) {
            return append(wav, payload);
        }
        ByteBuffer chunk = ByteBuffer.allocate(8 + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        chunk.put(id.getBytes(StandardCharsets.ISO_8859_1)).putInt((int) size).put(payload);
        byte[] out = new byte[wav.length + chunk.capacity()];
        System.arraycopy(wav, 0, out, 0, 12);
        System.arraycopy(chunk.array(), 0, out, 12, chunk.capacity());
        System.arraycopy(wav, 12, out, 12 + chunk.capacity(), wav.length - 12);
        return out;
    }

    private static byte[] append(byte[] wav, byte[] tail) {
        byte[] out = Arrays.copyOf(wav, wav.length + tail.length);
        System.arraycopy(tail, 0, out, wav.length, tail.length);
        return out;
    }

    private static List<byte[]> samples() {
        try (var files = Files.list(Path.of("..", "samples"))) {
            List<byte[]> samples = new ArrayList<>();
            for (Path file : files.filter(f -> f.toString().endsWith(".wav")).sorted().toList()) {
                samples.add(firstAudio(Files.readAllBytes(file)));
            }
            return samples;
        } catch (IOException e) {
            throw new UncheckedIOException("the sample calls are read from ../samples", e);
        }
    }

    /** The sample with its header chunks and its first audio bytes, sizes rewritten to match. */
    private static byte[] firstAudio(byte[] wav) {
        ByteBuffer buffer = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        int at = 12;
        while (!new String(wav, at, 4, StandardCharsets.ISO_8859_1).equals("data")) {
            at += 8 + buffer.getInt(at + 4);
        }
        int keep = Math.min(buffer.getInt(at + 4), SAMPLE_AUDIO_BYTES);
        byte[] out = Arrays.copyOf(wav, at + 8 + keep);
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putInt(4, out.length - 8).putInt(at + 4, keep);
        return out;
    }
}
