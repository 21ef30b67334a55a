package vn.guardian.benchmark.raw;

import vn.guardian.contracts.audio.ModelFormat;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.DoubleAdder;
import org.vosk.LibVosk;
import org.vosk.LogLevel;
import org.vosk.Model;
import vn.guardian.benchmark.audio.SampleCall;
import vn.guardian.contracts.audio.AudioChunk;
import vn.guardian.voskmodels.BundledModel;
import vn.guardian.transcriber.recognition.ChannelRecognizer;
import vn.guardian.transcriber.recognition.RecognizerPool;

/**
 * The machine's ceiling: Vosk alone, no Kafka, no database. Every channel of every call of a run is decoded by the
 * transcriber's own {@link ChannelRecognizer} in the same 16 kHz 250 ms chunks ingest produces, by as many threads
 * as there are cores. Recognizers come from a {@link RecognizerPool} kept across runs, as in the transcriber, so
 * the ceiling enjoys the same warm recognizers the pipeline does.
 */
public final class RawVosk implements AutoCloseable {

    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

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
     * Decodes the calls of one run with {@code threads} threads; returns audio seconds (every channel's) per wall
     * second and the utterances (TranscriptSegments) each call yields, which is what the pipeline must store for it.
     * Each call is first normalized by ingest's own code (G.711 decode, channel split, resampling to the model's
     * rate, 250 ms chunks), outside the timed part. As in the pipeline's throughput run, all call channels are open
     * at once, each with its own recognizer from the pool, and the threads take them in turn one chunk at a time.
     * The CPU of both parts is reported, so ingest's share of the work can be set against the decoding's.
     */
    public Result run(List<SampleCall> calls, int threads) throws InterruptedException {
        ConcurrentLinkedQueue<Channel> work = new ConcurrentLinkedQueue<>();
        Map<String, Integer> segmentsByCall = new ConcurrentSkipListMap<>();
        double audioSeconds = 0;
        long normalizeStart = CPU.getCurrentThreadCpuTime();
        for (int entry = 0; entry < calls.size(); entry++) {
            SampleCall call = calls.get(entry);
            String callId = "raw-" + entry + "-" + call.name();
            Map<Integer, List<AudioChunk>> byChannel = new TreeMap<>();
            for (AudioChunk chunk : call.normalizedChunks(callId)) {
                byChannel.computeIfAbsent(chunk.channel(), c -> new ArrayList<>()).add(chunk);
            }
            byChannel.values().forEach(chunks -> work.add(new Channel(callId, chunks)));
            segmentsByCall.put(callId, 0);
            audioSeconds += call.audioSeconds();
        }
        double normalizeCpuSeconds = (CPU.getCurrentThreadCpuTime() - normalizeStart) / 1e9;
        DoubleAdder decodeCpuSeconds = new DoubleAdder();
        AtomicInteger open = new AtomicInteger(work.size());
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> workers = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < threads; i++) {
            Thread worker = new Thread(() -> {
                while (open.get() > 0 && failure.get() == null) {
                    Channel channel = work.poll();
                    if (channel == null) {
                        Thread.onSpinWait(); // another thread holds the last channels for a moment
                        continue;
                    }
                    try {
                        if (channel.decodeNext()) {
                            work.add(channel);
                        } else {
                            segmentsByCall.merge(channel.callId, channel.segments, Integer::sum);
                            open.decrementAndGet();
                        }
                    } catch (Exception | Error e) {
                        failure.compareAndSet(null, e);
                    }
                }
                decodeCpuSeconds.add(CPU.getCurrentThreadCpuTime() / 1e9);
            }, "raw-vosk-" + i);
            workers.add(worker);
            worker.start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        double wallSeconds = (System.nanoTime() - start) / 1e9;
        if (failure.get() != null) {
            work.forEach(Channel::close);
            throw new IllegalStateException("Raw Vosk decoding failed: " + failure.get(), failure.get());
        }
        // a call's rows are the utterances of all its channels; copies of a sample yield the same count
        Map<String, Integer> segmentsBySample = new TreeMap<>();
        segmentsByCall.forEach((callId, segments) ->
                segmentsBySample.put(callId.substring(callId.indexOf('-', 4) + 1), segments));
        return new Result(audioSeconds, wallSeconds, audioSeconds / wallSeconds, Map.copyOf(segmentsBySample),
                normalizeCpuSeconds, decodeCpuSeconds.sum());
    }

    /** One call channel of a run: its chunks, the next to decode, and the recognizer it borrowed. */
    private final class Channel implements AutoCloseable {
        final String callId;
        final List<AudioChunk> chunks;
        int next;
        int segments;
        ChannelRecognizer recognizer;

        Channel(String callId, List<AudioChunk> chunks) {
            this.callId = callId;
            this.chunks = chunks;
        }

        /** Decodes the next chunk (the last one flushes and hands the recognizer back); false when done. */
        boolean decodeNext() throws IOException {
            AudioChunk chunk = chunks.get(next++);
            if (recognizer == null) {
                recognizer = recognizers.open(model, ModelFormat.SAMPLE_RATE,
                        new ChannelRecognizer.Identity(chunk.callId(), "raw", chunk.channel(), "channel-" + chunk.channel(), "en"));
            }
            segments += recognizer.accept(chunk).isPresent() ? 1 : 0;
            if (next < chunks.size()) {
                return true;
            }
            segments += recognizer.finish(0).isPresent() ? 1 : 0;
            close();
            return false;
        }

        @Override
        public void close() {
            if (recognizer != null) {
                recognizer.close();
            }
        }
    }

    /**
     * One run: audio decoded, wall time, their ratio, the utterances of one copy of each sample, and the CPU seconds
     * of ingest's normalization of the calls and of the decoding threads.
     */
    public record Result(double audioSeconds, double wallSeconds, double audioSecondsPerSecond,
                         Map<String, Integer> segmentsBySample, double normalizeCpuSeconds, double decodeCpuSeconds) {

        /** Ingest's normalization in ms of CPU per audio second (every channel's). */
        public double normalizeMsPerAudioSecond() {
            return normalizeCpuSeconds * 1000 / audioSeconds;
        }

        /** Ingest's normalization CPU against the decoding CPU of the same calls. */
        public double normalizeToDecode() {
            return normalizeCpuSeconds / decodeCpuSeconds;
        }
    }

    @Override
    public void close() {
        recognizers.close();
        model.close();
    }
}
