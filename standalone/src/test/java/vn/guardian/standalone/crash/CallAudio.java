package vn.guardian.standalone.crash;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One call channel's audio: 16 kHz PCM16LE mono made by joining sample WAVs (samples/make-samples.sh), cut into
 * 250 ms chunks as ingest sends them, with the spans where someone is speaking.
 */
record CallAudio(byte[] pcm, List<Spoken> spoken) {

    static final int SAMPLE_RATE = 16000;
    static final int CHUNK_SAMPLES = 4000;
    static final int CHUNK_MS = CHUNK_SAMPLES * 1000 / SAMPLE_RATE;

    /** A stretch of speech in audio time; pauses shorter than {@link #MERGE_GAP_MS} do not split it. */
    record Spoken(long startMs, long endMs) {
    }

    private static final int FRAME_MS = 10;
    private static final long MERGE_GAP_MS = 400;

    static CallAudio of(Path... wavs) throws IOException {
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (Path wav : wavs) {
            joined.write(pcmOf(wav));
        }
        byte[] pcm = joined.toByteArray();
        return new CallAudio(pcm, spokenIn(pcm));
    }

    int chunkCount() {
        return (pcm.length / 2 + CHUNK_SAMPLES - 1) / CHUNK_SAMPLES;
    }

    byte[] chunk(int index) {
        int from = index * CHUNK_SAMPLES * 2;
        return Arrays.copyOfRange(pcm, from, Math.min(pcm.length, from + CHUNK_SAMPLES * 2));
    }

    /** The speech span around {@code positionMs} with at least {@code before} ms of it heard and {@code after} to come. */
    boolean midSpeech(long positionMs, long before, long after) {
        return spoken.stream().anyMatch(s -> positionMs - s.startMs() >= before && s.endMs() - positionMs >= after);
    }

    private static byte[] pcmOf(Path wav) throws IOException {
        byte[] bytes = Files.readAllBytes(wav);
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (buffer.getShort(22) != 1 || buffer.getInt(24) != SAMPLE_RATE || buffer.getShort(34) != 16) {
            throw new IllegalArgumentException(wav + " is not 16 kHz PCM16 mono; regenerate with samples/make-samples.sh");
        }
        int pos = 12;
        while (pos + 8 <= bytes.length) {
            String id = new String(bytes, pos, 4, StandardCharsets.US_ASCII);
            int size = buffer.getInt(pos + 4);
            if (id.equals("data")) {
                return Arrays.copyOfRange(bytes, pos + 8, Math.min(bytes.length, pos + 8 + size));
            }
            pos += 8 + size + (size & 1);
        }
        throw new IllegalArgumentException(wav + " has no data chunk");
    }

    /** 10 ms frames whose RMS rises above 2 % of full scale, joined across short pauses. */
    private static List<Spoken> spokenIn(byte[] pcm) {
        ByteBuffer samples = ByteBuffer.wrap(pcm).order(ByteOrder.LITTLE_ENDIAN);
        int perFrame = SAMPLE_RATE * FRAME_MS / 1000;
        int total = pcm.length / 2;
        List<Spoken> spans = new ArrayList<>();
        long start = -1;
        long end = -1;
        for (int frame = 0; frame * perFrame < total; frame++) {
            double sum = 0;
            int count = 0;
            for (int i = frame * perFrame; i < Math.min(total, (frame + 1) * perFrame); i++) {
                double sample = samples.getShort(2 * i) / 32768.0;
                sum += sample * sample;
                count++;
            }
            if (Math.sqrt(sum / count) <= 0.02) {
                continue;
            }
            long at = (long) frame * FRAME_MS;
            if (start >= 0 && at - end > MERGE_GAP_MS) {
                spans.add(new Spoken(start, end));
                start = -1;
            }
            if (start < 0) {
                start = at;
            }
            end = at + FRAME_MS;
        }
        if (start >= 0) {
            spans.add(new Spoken(start, end));
        }
        return spans;
    }
}
