package vn.guardian.benchmark.memory;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.vosk.LibVosk;
import org.vosk.LogLevel;
import org.vosk.Model;
import vn.guardian.benchmark.BenchmarkOptions;
import vn.guardian.benchmark.Machine;
import vn.guardian.benchmark.audio.Workload;
import vn.guardian.benchmark.report.ReportJson;
import vn.guardian.contracts.audio.AudioChunk;
import vn.guardian.contracts.audio.ModelFormat;
import vn.guardian.transcriber.recognition.ChannelRecognizer;
import vn.guardian.transcriber.recognition.RecognizerPool;
import vn.guardian.voskmodels.BundledModel;

/**
 * {@code benchmark.jar retirement-speed}: what {@code recognizer-retire-after} costs in decoding speed, measured in
 * pairs so that a busy machine skews both sides alike. For each value, one thread feeds the same corpus channel to
 * two recognizers, one never retired (today's) and one retired after that much audio, alternating which goes first
 * chunk by chunk, and adds each side's thread CPU time around its {@code accept}.
 */
public final class RetirementSpeed {

    public static final String USAGE = "java -jar benchmark/target/benchmark.jar retirement-speed [--samples "
            + "benchmark/target/corpus] [--minutes 10] [--retire-after 60s,2m] [--out target/retirement-speed.json]";

    private RetirementSpeed() {
    }

    public static void main(String[] args) throws Exception {
        Path samples = Workload.DEFAULT_CORPUS;
        int minutes = 10;
        List<Duration> values = List.of(Duration.ofSeconds(60), Duration.ofMinutes(2));
        Path out = Path.of("target/retirement-speed.json");
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                System.err.println(args[i] + " needs a value (or is unknown); usage: " + USAGE);
                System.exit(2);
            }
            switch (args[i]) {
                case "--samples" -> samples = Path.of(args[i + 1]);
                case "--minutes" -> minutes = BenchmarkOptions.positive(args[i], args[i + 1]);
                case "--out" -> out = Path.of(args[i + 1]);
                case "--retire-after" -> {
                    List<Duration> parsed = new ArrayList<>();
                    for (String value : args[i + 1].split(",")) {
                        parsed.add(RecognizerMemory.Options.duration(args[i], value.trim()));
                    }
                    values = List.copyOf(parsed);
                }
                default -> {
                    System.err.println("Unknown option '" + args[i] + "'; usage: " + USAGE);
                    System.exit(2);
                }
            }
        }
        LibVosk.setLogLevel(LogLevel.WARNINGS);
        List<AudioChunk> channel = RecognizerMemory.channelAudio(Workload.load(samples, 1).calls(), 1, minutes * 60)
                .get(0);
        Map<String, Object> report = new ConcurrentHashMap<>();
        report.put("machine", Machine.describe(Runtime.getRuntime().availableProcessors()));
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        try (Model model = new Model(BundledModel.extract(Path.of(System.getProperty("java.io.tmpdir"),
                "guardian-models")).toString())) {
            List<Thread> threads = new ArrayList<>();
            for (Duration retireAfter : values) {
                Thread thread = new Thread(() -> {
                    List<Map<String, Object>> rows = new ArrayList<>();
                    try (RecognizerPool today = new RecognizerPool(1);
                         RecognizerPool retiring = new RecognizerPool(1, retireAfter, false, Runnable::run)) { // its whole cost on this thread, where it is measured
                        ChannelRecognizer kept = today.open(model, ModelFormat.SAMPLE_RATE, identity("kept"));
                        ChannelRecognizer retired = retiring.open(model, ModelFormat.SAMPLE_RATE, identity("retired"));
                        long[] nanos = new long[2];
                        int[] segments = new int[2];
                        int perMinute = 60_000 / 250;
                        for (int k = 0; k < channel.size(); k++) {
                            AudioChunk chunk = channel.get(k);
                            // alternate who goes first: the second may find the caches warm from the first
                            for (int side : k % 2 == 0 ? new int[] {0, 1} : new int[] {1, 0}) {
                                long start = cpu.getCurrentThreadCpuTime();
                                boolean closed = (side == 0 ? kept : retired).accept(chunk).isPresent();
                                nanos[side] += cpu.getCurrentThreadCpuTime() - start;
                                segments[side] += closed ? 1 : 0;
                            }
                            if ((k + 1) % perMinute == 0) {
                                double audio = (k + 1) * 0.25;
                                Map<String, Object> row = new LinkedHashMap<>();
                                row.put("audioSeconds", audio);
                                row.put("keptAudioPerCpuSecond", audio / (nanos[0] / 1e9));
                                row.put("retiredAudioPerCpuSecond", audio / (nanos[1] / 1e9));
                                row.put("retiredCpuOverKept", (double) nanos[1] / nanos[0]);
                                row.put("retirements", retiring.retired());
                                row.put("segments", List.of(segments[0], segments[1]));
                                row.put("loadAverage", Machine.loadAverage());
                                rows.add(row);
                                System.out.printf("retire-after %-6s %5.0f s: kept %.2f, retired %.2f audio s/CPU s "
                                                + "(CPU x%.3f), %d retirements, segments %d/%d, load %s%n",
                                        retireAfter, audio, audio / (nanos[0] / 1e9), audio / (nanos[1] / 1e9),
                                        (double) nanos[1] / nanos[0], retiring.retired(), segments[0], segments[1],
                                        Machine.loadAverage());
                            }
                        }
                        kept.close();
                        retired.close();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    report.put("retireAfter" + retireAfter.toSeconds() + "s", rows);
                }, "retirement-speed-" + retireAfter);
                threads.add(thread);
                thread.start();
            }
            for (Thread thread : threads) {
                thread.join();
            }
        }
        ReportJson.write(new java.util.TreeMap<>(report), out);
        System.err.println("[retirement-speed] JSON: " + out.toAbsolutePath());
        System.exit(0);
    }

    private static ChannelRecognizer.Identity identity(String side) {
        return new ChannelRecognizer.Identity("speed-" + side, "bench", 0, "customer", "en");
    }
}
