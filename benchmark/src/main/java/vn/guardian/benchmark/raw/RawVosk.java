package vn.guardian.benchmark.raw;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicReference;
import org.vosk.LibVosk;
import org.vosk.LogLevel;
import org.vosk.Model;
import vn.guardian.benchmark.audio.SampleCall;
import vn.guardian.contracts.audio.AudioChunk;
import vn.guardian.transcriber.recognition.BundledModel;
import vn.guardian.transcriber.recognition.ChannelRecognizer;
import vn.guardian.transcriber.recognition.RecognizerPool;

/**
 * The machine's ceiling: Vosk alone, no Kafka, no database. Every channel of every copy of the samples is decoded
 * by the transcriber's own {@link ChannelRecognizer} in the same 250 ms chunks ingest produces, by as many threads
 * as there are cores, each taking the next channel from a shared queue. Recognizers come from a
 * {@link RecognizerPool} as in the transcriber, so a thread's next channel gets its warm recognizer.
 */
public final class RawVosk implements AutoCloseable {

    private final Model model;
    private final long modelLoadMs;
    /** Kept across runs like the transcriber's across calls: its warm recognizers are part of the ceiling. */
    private final RecognizerPool recognizers = new RecognizerPool(Integer.MAX_VALUE);

    private RawVosk(Model model, long modelLoadMs) {
        this.model = model;
        this.modelLoadMs = modelLoadMs;
    }

    /** Loads the bundled English model from the transcriber's cache folder (extracting it on first use). */
    public static RawVosk load(Path modelCacheDir) throws Exception {
        LibVosk.setLogLevel(LogLevel.WARNINGS);
        long start = System.nanoTime();
        Model model = new Model(BundledModel.extract(modelCacheDir).toString());
        return new RawVosk(model, (System.nanoTime() - start) / 1_000_000);
    }

    /** Extraction check plus {@code new Model(dir)}: what a transcriber pays before it is ready. */
    public long modelLoadMs() {
        return modelLoadMs;
    }

    /**
     * Decodes {@code copies} of every sample with {@code threads} threads; returns audio seconds per wall second and
     * the utterances (TranscriptSegments) each sample yields, which is what the pipeline must store for it.
     */
    public Result run(List<SampleCall> samples, int copies, int threads) throws InterruptedException {
        ConcurrentLinkedQueue<List<AudioChunk>> work = new ConcurrentLinkedQueue<>();
        Map<String, String> sampleByCall = new HashMap<>();
        Map<String, Integer> segmentsBySample = new ConcurrentSkipListMap<>();
        double audioSeconds = 0;
        for (int copy = 0; copy < copies; copy++) {
            for (SampleCall sample : samples) {
                List<AudioChunk> chunks = new ArrayList<>();
                for (int seq = 0; seq < sample.chunkCount(); seq++) {
                    chunks.add(sample.chunk("raw-" + copy + "-" + sample.name(), seq, 0));
                }
                sampleByCall.put("raw-" + copy + "-" + sample.name(), sample.name());
                work.add(chunks);
                audioSeconds += sample.seconds();
            }
        }
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> workers = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < threads; i++) {
            Thread worker = new Thread(() -> {
                List<AudioChunk> channel;
                while ((channel = work.poll()) != null && failure.get() == null) {
                    int segments = decode(channel, failure);
                    segmentsBySample.put(sampleByCall.get(channel.get(0).callId()), segments);
                }
            }, "raw-vosk-" + i);
            workers.add(worker);
            worker.start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        double wallSeconds = (System.nanoTime() - start) / 1e9;
        if (failure.get() != null) {
            throw new IllegalStateException("Raw Vosk decoding failed: " + failure.get(), failure.get());
        }
        return new Result(audioSeconds, wallSeconds, audioSeconds / wallSeconds, Map.copyOf(segmentsBySample));
    }

    /** Returns how many utterances the channel yielded. */
    private int decode(List<AudioChunk> channel, AtomicReference<Throwable> failure) {
        AudioChunk first = channel.get(0);
        int segments = 0;
        try (ChannelRecognizer recognizer = recognizers.open(model, SampleCall.MODEL_RATE,
                new ChannelRecognizer.Identity(first.callId(), "raw", first.channel(), "mono", "en"))) {
            for (AudioChunk chunk : channel) {
                segments += recognizer.accept(chunk).isPresent() ? 1 : 0;
            }
            segments += recognizer.finish(0).isPresent() ? 1 : 0;
        } catch (Exception | Error e) {
            failure.compareAndSet(null, e);
        }
        return segments;
    }

    /** One run: audio decoded, wall time, their ratio, and the utterances of one copy of each sample. */
    public record Result(double audioSeconds, double wallSeconds, double audioSecondsPerSecond,
                         Map<String, Integer> segmentsBySample) {
    }

    @Override
    public void close() {
        recognizers.close();
        model.close();
    }
}
