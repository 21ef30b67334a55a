package vn.guardian.benchmark.memory;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;
import org.vosk.LibVosk;
import org.vosk.LogLevel;
import org.vosk.Model;
import vn.guardian.benchmark.BenchmarkOptions;
import vn.guardian.benchmark.Machine;
import vn.guardian.benchmark.audio.SampleCall;
import vn.guardian.benchmark.audio.Workload;
import vn.guardian.benchmark.report.ReportJson;
import vn.guardian.contracts.audio.AudioChunk;
import vn.guardian.contracts.audio.ModelFormat;
import vn.guardian.transcriber.recognition.ChannelRecognizer;
import vn.guardian.transcriber.recognition.Allocator;
import vn.guardian.transcriber.recognition.RecognizerPool;
import vn.guardian.voskmodels.BundledModel;

/**
 * {@code benchmark.jar recognizer-memory}: what one live call channel costs in native memory as its call goes on,
 * and how fast it decodes, with the transcriber's own {@link RecognizerPool} and {@link ChannelRecognizer}.
 *
 * <p>{@code channels} live channels, each fed different corpus speech (channel after channel of the corpus calls,
 * as ingest normalizes them) in 250 ms chunks, as fast as {@code threads} threads decode it. Every {@code every}
 * of audio per channel, all threads stop and the process is read ({@link NativeMemory}): growth over the baseline
 * (model loaded, no recognizer) per channel, and audio seconds decoded per CPU second of the decoding threads over
 * the step (CPU time, so other processes on the machine do not skew it; wall-clock speed is printed too).
 */
public final class RecognizerMemory {

    public static final String USAGE = "java -jar benchmark/target/benchmark.jar recognizer-memory [--samples "
            + "benchmark/target/corpus] [--channels 4] [--minutes 10] [--every-seconds 60] [--threads <cores>] "
            + "[--retire-after 30m | 90s] [--return-freed-memory true|false] [--model <vosk model folder; default: the bundled English model>] [--out target/recognizer-memory.json]";

    private RecognizerMemory() {
    }

    /** The command line. */
    record Options(Path samples, int channels, int minutes, int everySeconds, int threads, Duration retireAfter,
                   boolean returnFreedMemory, Path model, Path out) {

        static Options parse(String... args) {
            Path samples = Workload.DEFAULT_CORPUS;
            int channels = 4;
            int minutes = 10;
            int every = 60;
            int threads = Runtime.getRuntime().availableProcessors();
            Duration retireAfter = RecognizerPool.RETIRE_AFTER;
            boolean returnFreedMemory = false;
            Path model = null;
            Path out = Path.of("target/recognizer-memory.json");
            for (int i = 0; i < args.length; i += 2) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(args[i] + " needs a value (or is unknown); usage: " + USAGE);
                }
                String value = args[i + 1];
                switch (args[i]) {
                    case "--samples" -> samples = Path.of(value);
                    case "--channels" -> channels = BenchmarkOptions.positive(args[i], value);
                    case "--minutes" -> minutes = BenchmarkOptions.positive(args[i], value);
                    case "--every-seconds" -> every = BenchmarkOptions.positive(args[i], value);
                    case "--threads" -> threads = BenchmarkOptions.positive(args[i], value);
                    case "--retire-after" -> retireAfter = duration(args[i], value);
                    case "--return-freed-memory" -> returnFreedMemory = bool(args[i], value);
                    case "--model" -> model = Path.of(value);
                    case "--out" -> out = Path.of(value);
                    default -> throw new IllegalArgumentException("Unknown option '" + args[i] + "'; usage: " + USAGE);
                }
            }
            return new Options(samples, channels, minutes, every, Math.min(threads, channels), retireAfter,
                    returnFreedMemory, model, out);
        }

        static boolean bool(String option, String value) {
            if (value.equals("true") || value.equals("false")) {
                return Boolean.parseBoolean(value);
            }
            throw new IllegalArgumentException(option + " " + value + " is neither true nor false; e.g. " + option
                    + " false to leave freed memory with the allocator, as before issue 17's malloc_trim");
        }

        /** {@code 90s} or {@code 2m}: audio a recognizer decodes before it is replaced. */
        static Duration duration(String option, String value) {
            if (value.matches("\\d+[sm]")) {
                long amount = Long.parseLong(value.substring(0, value.length() - 1));
                Duration parsed = value.endsWith("s") ? Duration.ofSeconds(amount) : Duration.ofMinutes(amount);
                if (!parsed.isZero()) {
                    return parsed;
                }
            }
            throw new IllegalArgumentException(option + " " + value + " is not a positive duration in seconds or "
                    + "minutes; e.g. " + option + " 90s or " + option + " 30m");
        }
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(run(options));
    }

    static int run(Options options) throws Exception {
        LibVosk.setLogLevel(LogLevel.WARNINGS);
        Workload corpus = Workload.load(options.samples(), 1);
        List<List<AudioChunk>> channels = channelAudio(corpus.calls(), options.channels(), options.minutes() * 60);
        Path cache = Path.of(System.getProperty("java.io.tmpdir"), "guardian-models");
        List<Map<String, Object>> steps = new ArrayList<>();
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("machine", Machine.describe(Runtime.getRuntime().availableProcessors()));
        report.put("options", Map.of("channels", options.channels(), "minutes", options.minutes(),
                "everySeconds", options.everySeconds(), "threads", options.threads(),
                "retireAfterSeconds", options.retireAfter().toSeconds(),
                "returnFreedMemory", options.returnFreedMemory(),
                "model", options.model() == null ? "bundled" : options.model().toString(),
                "samples", corpus.describe()));
        Path modelDir = options.model() != null ? options.model() : BundledModel.extract(cache);
        try (Model model = new Model(modelDir.toString());
             RecognizerPool pool = new RecognizerPool(options.channels(), options.retireAfter(),
                     options.returnFreedMemory())) {
            NativeMemory.trim();
            NativeMemory.Reading baseline = NativeMemory.read();
            log(String.format("baseline (model loaded, no recognizer): RSS %d MB, malloc in use %d MB, heap %d MB; "
                            + "allocator %s; load average %s", mb(baseline.rss()), mb(baseline.mallocInUse()),
                    mb(baseline.javaHeapUsed()), Allocator.current(), Machine.loadAverage()));
            System.out.printf("%-8s %10s %10s %12s %14s %10s %12s %12s %8s%n", "audio", "RSS MB", "malloc MB",
                    "RSS/ch MB", "malloc/ch MB", "retired", "audio s/CPU s", "audio s/wall s", "load");
            List<ChannelRecognizer> recognizers = new ArrayList<>();
            for (int i = 0; i < options.channels(); i++) {
                recognizers.add(pool.open(model, ModelFormat.SAMPLE_RATE,
                        new ChannelRecognizer.Identity("memory-" + i, "bench", 0, "customer", "en")));
            }
            int[] utterances = new int[options.channels()];
            int stepsTotal = options.minutes() * 60 / options.everySeconds();
            long[] cpuAtStep = new long[options.threads()];
            long[] lastCpu = new long[1];
            long[] lastWall = {System.nanoTime()};
            ThreadMXBean threadsBean = ManagementFactory.getThreadMXBean();
            int[] step = {0};
            CyclicBarrier barrier = new CyclicBarrier(options.threads(), () -> {
                step[0]++;
                long cpu = Arrays.stream(cpuAtStep).sum();
                long wall = System.nanoTime();
                double audio = (double) options.channels() * options.everySeconds();
                double perCpu = audio / ((cpu - lastCpu[0]) / 1e9);
                double perWall = audio / ((wall - lastWall[0]) / 1e9);
                lastCpu[0] = cpu;
                lastWall[0] = wall;
                try {
                    NativeMemory.Reading now = NativeMemory.read();
                    double rssPer = (double) (now.rss() - baseline.rss()) / options.channels();
                    double mallocPer = (double) (now.mallocInUse() - baseline.mallocInUse()) / options.channels();
                    String load = Machine.loadAverage().toString();
                    System.out.printf("%-8s %10d %10d %12.1f %14.1f %10d %12.2f %12.2f %8s%n",
                            step[0] * options.everySeconds() + " s", mb(now.rss()), mb(now.mallocInUse()),
                            rssPer / 1048576, mallocPer / 1048576, pool.retired(), perCpu, perWall, load);
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("audioSecondsPerChannel", step[0] * options.everySeconds());
                    row.put("rssBytes", now.rss());
                    row.put("mallocInUseBytes", now.mallocInUse());
                    row.put("mallocHeldBytes", now.mallocHeld());
                    row.put("javaHeapUsedBytes", now.javaHeapUsed());
                    row.put("rssPerChannelBytes", rssPer);
                    row.put("mallocPerChannelBytes", mallocPer);
                    row.put("retired", pool.retired());
                    row.put("audioSecondsPerCpuSecond", perCpu);
                    row.put("audioSecondsPerWallSecond", perWall);
                    row.put("loadAverage", load);
                    steps.add(row);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> threads = new ArrayList<>();
            long started = System.nanoTime();
            for (int t = 0; t < options.threads(); t++) {
                int self = t;
                Thread thread = new Thread(() -> {
                    try {
                        List<Integer> mine = new ArrayList<>();
                        for (int c = self; c < options.channels(); c += options.threads()) {
                            mine.add(c);
                        }
                        int chunksPerStep = options.everySeconds() * 1000 / SampleCall.CHUNK_MS;
                        for (int s = 0; s < stepsTotal; s++) {
                            // this thread's channels advance together, one chunk each in turn, as live calls do
                            for (int k = s * chunksPerStep; k < (s + 1) * chunksPerStep; k++) {
                                for (int c : mine) {
                                    utterances[c] += recognizers.get(c).accept(channels.get(c).get(k)).isPresent() ? 1 : 0;
                                }
                            }
                            cpuAtStep[self] = threadsBean.getCurrentThreadCpuTime();
                            barrier.await();
                        }
                    } catch (Exception | Error e) {
                        failure.compareAndSet(null, e);
                        barrier.reset();
                    }
                }, "memory-decoder-" + t);
                threads.add(thread);
                thread.start();
            }
            for (Thread thread : threads) {
                thread.join();
            }
            if (failure.get() != null) {
                throw new IllegalStateException("decoding failed: " + failure.get(), failure.get());
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            NativeMemory.Reading end = NativeMemory.read();
            NativeMemory.trim();
            NativeMemory.Reading trimmed = NativeMemory.read();
            log(String.format("%d channels x %d min in %.0f s wall; utterances %s; retired %d; the pool's own trims: "
                            + "%d in %.1f ms; after a final malloc_trim: RSS %d MB (%.1f MB per channel over the "
                            + "baseline; before it %.1f)",
                    options.channels(), options.minutes(), seconds, Arrays.toString(utterances), pool.retired(),
                    pool.memoryTrims(), pool.memoryTrimNanos() / 1e6,
                    mb(trimmed.rss()), (trimmed.rss() - baseline.rss()) / 1048576.0 / options.channels(),
                    (end.rss() - baseline.rss()) / 1048576.0 / options.channels()));
            report.put("baseline", baseline);
            report.put("steps", steps);
            report.put("utterances", utterances);
            report.put("afterTrimRssPerChannelBytes", (double) (trimmed.rss() - baseline.rss()) / options.channels());
            report.put("wallSeconds", seconds);
            report.put("poolTrims", pool.memoryTrims());
            report.put("poolTrimSeconds", pool.memoryTrimNanos() / 1e9);
            recognizers.forEach(ChannelRecognizer::close);
        }
        ReportJson.write(report, options.out());
        log("JSON: " + options.out().toAbsolutePath());
        return 0;
    }

    /**
     * {@code count} channels of {@code seconds} each: the corpus calls' channels, as ingest normalizes them, dealt
     * out in turn (channel k gets the k-th, (k+count)-th, ... call channel), re-cut into 250 ms chunks.
     */
    static List<List<AudioChunk>> channelAudio(List<SampleCall> calls, int count, int seconds) {
        List<java.io.ByteArrayOutputStream> pcm = new ArrayList<>();
        for (int c = 0; c < count; c++) {
            pcm.add(new java.io.ByteArrayOutputStream());
        }
        long needed = (long) seconds * ModelFormat.SAMPLE_RATE * 2;
        int next = 0;
        for (SampleCall call : calls) {
            int first = next;
            next += call.channels();
            for (AudioChunk chunk : call.normalizedChunks(call.name())) {
                java.io.ByteArrayOutputStream target = pcm.get((first + chunk.channel()) % count);
                if (target.size() < needed) {
                    target.writeBytes(chunk.pcm());
                }
            }
            if (pcm.stream().allMatch(p -> p.size() >= needed)) {
                break;
            }
        }
        List<List<AudioChunk>> channels = new ArrayList<>();
        for (int c = 0; c < count; c++) {
            byte[] audio = pcm.get(c).toByteArray();
            if (audio.length < needed) {
                throw new IllegalArgumentException("the corpus holds " + audio.length / 2 / ModelFormat.SAMPLE_RATE
                        + " s for channel " + c + ", fewer than " + seconds + " s; ask for fewer channels or minutes");
            }
            List<AudioChunk> chunks = new ArrayList<>();
            int bytes = SampleCall.CHUNK_SAMPLES * 2;
            for (int offset = 0, seq = 0; offset < needed; offset += bytes, seq++) {
                chunks.add(new AudioChunk("memory-" + c, 0, seq, offset / 2, ModelFormat.SAMPLE_RATE, 0,
                        Arrays.copyOfRange(audio, offset, offset + bytes)));
            }
            channels.add(chunks);
        }
        return channels;
    }

    private static long mb(long bytes) {
        return bytes >> 20;
    }

    private static void log(String line) {
        System.err.println("[recognizer-memory] " + line);
    }
}
