package vn.guardian.benchmark.audio;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.springframework.web.ErrorResponseException;
import vn.guardian.contracts.audio.AudioChunk;
import vn.guardian.contracts.audio.ModelFormat;
import vn.guardian.ingest.audio.AudioFormat;
import vn.guardian.ingest.audio.CallNormalizer;
import vn.guardian.ingest.audio.WavAudio;
import vn.guardian.ingest.audio.WavParser;

/**
 * One call as a feed sends it (a WAV in any format ingest accepts: PCM, G.711 mu-law or A-law, mono or stereo,
 * 8..48 kHz), and the audio the transcriber receives for it: ingest's own {@link CallNormalizer} decodes, splits the
 * channels and resamples each to the model's rate in the same 250 ms chunks, so the raw run decodes exactly what the
 * pipeline decodes.
 */
public record SampleCall(String name, byte[] wav, WavAudio audio) {

    /** Ingest's default {@code guardian.ingest.chunk-duration}, and the live feed's chunk. */
    public static final int CHUNK_MS = 250;
    /** Samples per normalized chunk, at the model's rate. */
    public static final int CHUNK_SAMPLES = ModelFormat.SAMPLE_RATE * CHUNK_MS / 1000;

    /** The WAV, checked by ingest's own parser; an error names the file and what ingest would answer. */
    public static SampleCall load(Path file) throws IOException {
        byte[] wav = Files.readAllBytes(file);
        try {
            return new SampleCall(file.getFileName().toString(), wav, WavParser.parse(wav));
        } catch (ErrorResponseException e) {
            throw new IOException(file + " would be refused by ingest: " + e.getBody().getDetail() + "; regenerate it "
                    + "(benchmark/corpus/make-corpus.py or samples/make-samples.sh)", e);
        }
    }

    /** The files in order; every one must be a WAV ingest accepts. */
    public static List<SampleCall> loadAll(List<Path> files) throws IOException {
        List<SampleCall> calls = new ArrayList<>();
        for (Path file : files) {
            calls.add(load(file));
        }
        return List.copyOf(calls);
    }

    public AudioFormat format() {
        return audio.format();
    }

    public int channels() {
        return audio.channels();
    }

    /** The call's length: wall time at real-time pace. */
    public double seconds() {
        return (double) audio.frames() / audio.sampleRate();
    }

    /** Audio the transcriber decodes for this call: every channel's length. */
    public double audioSeconds() {
        return seconds() * channels();
    }

    /**
     * The chunks ingest publishes for this call, all channels interleaved as ingest interleaves them; the whole
     * recording is pushed once and flushed, as {@code POST /v1/recordings} does (a stream fed in pieces comes out
     * sample for sample the same).
     */
    public List<AudioChunk> normalizedChunks(String callId) {
        CallNormalizer normalizer = new CallNormalizer(callId, audio.format(), ModelFormat.SAMPLE_RATE, CHUNK_SAMPLES);
        List<AudioChunk> chunks = new ArrayList<>(normalizer.push(audio.bytes(), audio.dataOffset(), audio.frames(), 0));
        chunks.addAll(normalizer.flush(0));
        return chunks;
    }

    /** Source frames in one live chunk of 250 ms. */
    private int framesPerChunk() {
        return audio.sampleRate() * CHUNK_MS / 1000;
    }

    /** Live chunks of 250 ms of source audio (the last one shorter). */
    public int chunkCount() {
        return (audio.frames() + framesPerChunk() - 1) / framesPerChunk();
    }

    /** The {@code seq}-th 250 ms of the source audio, in the source format, as a live feed PUTs it. */
    public byte[] chunkBytes(int seq) {
        int frameBytes = audio.format().frameBytes();
        int from = audio.dataOffset() + seq * framesPerChunk() * frameBytes;
        int to = audio.dataOffset() + Math.min(audio.frames(), (seq + 1) * framesPerChunk()) * frameBytes;
        return Arrays.copyOfRange(audio.bytes(), from, to);
    }

    @Override
    public String toString() {
        return name + " (" + audio.format().encoding().apiName() + " " + audio.sampleRate() + " Hz x" + channels() + ", "
                + String.format("%.1f", seconds()) + " s)";
    }
}
