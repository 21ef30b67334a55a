package vn.guardian.benchmark.audio;

import vn.guardian.contracts.audio.ModelFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import vn.guardian.contracts.audio.AudioChunk;

/**
 * One sample call in the model's own format (16 kHz, 16-bit PCM, mono), so ingest passes the audio through
 * unchanged and the raw run decodes exactly the samples the pipeline decodes, in the same 250 ms chunks.
 */
public record SampleCall(String name, byte[] wav, byte[] pcm) {

    /** Ingest's default {@code guardian.ingest.chunk-duration}, and the live feed's chunk. */
    public static final int CHUNK_MS = 250;
    public static final int CHUNK_BYTES = ModelFormat.SAMPLE_RATE * CHUNK_MS / 1000 * 2;

    /** The WAV's PCM, or empty with the reason printed when it is not 16 kHz 16-bit mono PCM. */
    public static SampleCall load(Path file) throws IOException {
        byte[] wav = Files.readAllBytes(file);
        ByteBuffer in = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        if (wav.length < 12 || in.getInt(0) != 0x46464952 || in.getInt(8) != 0x45564157) {
            throw new IOException(file + " is not a RIFF/WAVE file");
        }
        int at = 12;
        int format = -1;
        int channels = -1;
        int rate = -1;
        int bits = -1;
        while (at + 8 <= wav.length) {
            int id = in.getInt(at);
            int size = in.getInt(at + 4);
            if (id == 0x20746d66) { // "fmt "
                format = in.getShort(at + 8);
                channels = in.getShort(at + 10);
                rate = in.getInt(at + 12);
                bits = in.getShort(at + 22);
            } else if (id == 0x61746164) { // "data"
                if (format != 1 || channels != 1 || rate != ModelFormat.SAMPLE_RATE || bits != 16) {
                    return null;
                }
                int end = Math.min(wav.length, at + 8 + size);
                return new SampleCall(file.getFileName().toString(), wav, Arrays.copyOfRange(wav, at + 8, end & ~1));
            }
            at += 8 + size + (size & 1);
        }
        throw new IOException(file + " has no data chunk");
    }

    /** Every 16 kHz mono {@code *.wav} in the folder, by name; other formats are named and skipped. */
    public static List<SampleCall> loadAll(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("--samples " + dir + " is not a folder; run from the repository root or pass "
                    + "--samples <folder with *.wav>");
        }
        List<SampleCall> calls = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".wav")).sorted().toList()) {
                SampleCall call = load(file);
                if (call == null) {
                    System.err.println("[benchmark] skipping " + file + ": not 16 kHz 16-bit mono PCM, so ingest would "
                            + "resample it and the raw run would not decode the same audio");
                } else {
                    calls.add(call);
                }
            }
        }
        if (calls.isEmpty()) {
            throw new IOException("No 16 kHz mono *.wav in " + dir + "; make them with samples/make-samples.sh");
        }
        return List.copyOf(calls);
    }

    public double seconds() {
        return pcm.length / 2.0 / ModelFormat.SAMPLE_RATE;
    }

    public int chunkCount() {
        return (pcm.length + CHUNK_BYTES - 1) / CHUNK_BYTES;
    }

    /** The {@code seq}-th 250 ms of audio (the last one shorter). */
    public byte[] chunkBytes(int seq) {
        int from = seq * CHUNK_BYTES;
        return Arrays.copyOfRange(pcm, from, Math.min(pcm.length, from + CHUNK_BYTES));
    }

    /** The chunk as ingest publishes it. */
    public AudioChunk chunk(String callId, int seq, long ingestedAt) {
        return new AudioChunk(callId, 0, seq, (long) seq * CHUNK_BYTES / 2, ModelFormat.SAMPLE_RATE, ingestedAt, chunkBytes(seq));
    }
}
