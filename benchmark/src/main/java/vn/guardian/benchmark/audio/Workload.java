package vn.guardian.benchmark.audio;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The calls the benchmark sends, and which of them each run decodes.
 *
 * <p>A corpus (a folder with the {@code manifest.json} of {@code benchmark/corpus/make-corpus.py}) gives every run
 * its own {@code perRun} calls, never one twice in a run and the next run the next calls: a warm recognizer decodes
 * audio it has decoded before faster, so repeated calls would flatter both sides. Run {@code i} of the raw limit and
 * run {@code i} of the pipeline get the same calls, so their ratio compares like with like. A plain folder of WAVs
 * (such as {@code samples/}) is the older, optimistic workload: every run decodes {@code perRun} copies of all of it.
 */
public final class Workload {

    /** The default corpus, made by the script below when it is missing. */
    public static final Path DEFAULT_CORPUS = Path.of("benchmark/target/corpus");
    public static final String MAKE_CORPUS = "benchmark/corpus/make-corpus.py";
    private static final Pattern MANIFEST_FILE = Pattern.compile("\"file\"\\s*:\\s*\"([^\"]+)\"");

    private final Path dir;
    private final List<SampleCall> calls;
    private final boolean corpus;
    private final int perRun;

    private Workload(Path dir, List<SampleCall> calls, boolean corpus, int perRun) {
        this.dir = dir;
        this.calls = calls;
        this.corpus = corpus;
        this.perRun = perRun;
    }

    /**
     * The corpus or sample folder; the default corpus is generated when missing (about 1-3 minutes on 2 cores).
     *
     * @param perRun calls per run for a corpus (at most its size); copies of every sample for a plain folder
     */
    public static Workload load(Path dir, int perRun) throws IOException, InterruptedException {
        if (!Files.isDirectory(dir) && dir.normalize().equals(DEFAULT_CORPUS)) {
            generateDefaultCorpus();
        }
        if (!Files.isDirectory(dir)) {
            throw new IOException("--samples " + dir + " is not a folder; make the corpus with " + MAKE_CORPUS
                    + " --out " + dir + " (from the repository root), or pass --samples samples");
        }
        Path manifest = dir.resolve("manifest.json");
        if (Files.exists(manifest)) {
            List<Path> files = new ArrayList<>();
            Matcher matcher = MANIFEST_FILE.matcher(Files.readString(manifest));
            while (matcher.find()) {
                files.add(dir.resolve(matcher.group(1)));
            }
            if (files.isEmpty()) {
                throw new IOException(manifest + " lists no calls; regenerate it: " + MAKE_CORPUS + " --out " + dir);
            }
            for (Path file : files) {
                if (!Files.exists(file)) {
                    throw new IOException(manifest + " lists " + file.getFileName() + " but it is missing; regenerate "
                            + "the corpus: " + MAKE_CORPUS + " --out " + dir);
                }
            }
            return new Workload(dir, SampleCall.loadAll(files), true, Math.min(perRun, files.size()));
        }
        List<Path> files;
        try (Stream<Path> listed = Files.list(dir)) {
            files = listed.filter(f -> f.toString().endsWith(".wav")).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IOException("No *.wav in " + dir + "; make them with samples/make-samples.sh, or use the corpus "
                    + "(" + MAKE_CORPUS + ", the default --samples " + DEFAULT_CORPUS + ")");
        }
        return new Workload(dir, SampleCall.loadAll(files), false, perRun);
    }

    private static void generateDefaultCorpus() throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of(MAKE_CORPUS))) {
            throw new IOException(DEFAULT_CORPUS + " is missing and " + MAKE_CORPUS + " is not here; run the benchmark "
                    + "from the repository root, or make the corpus there with " + MAKE_CORPUS);
        }
        System.err.println("[benchmark] " + DEFAULT_CORPUS + " is missing: generating it with " + MAKE_CORPUS);
        int exit = new ProcessBuilder(MAKE_CORPUS, "--out", DEFAULT_CORPUS.toString()).inheritIO().start().waitFor();
        if (exit != 0) {
            throw new IOException(MAKE_CORPUS + " failed (exit " + exit + "; its message is above); it needs "
                    + "espeak-ng and sox: apt-get update && apt-get install -y espeak-ng sox");
        }
    }

    /** Every call of the folder, in order. */
    public List<SampleCall> calls() {
        return calls;
    }

    /** Whether runs get distinct calls (a corpus) rather than copies of the same samples. */
    public boolean distinct() {
        return corpus;
    }

    /** The calls run {@code index} decodes: the next {@code perRun} of the corpus, or the copies of all samples. */
    public List<SampleCall> run(int index) {
        List<SampleCall> run = new ArrayList<>();
        if (corpus) {
            for (int i = 0; i < perRun; i++) {
                run.add(calls.get((index * perRun + i) % calls.size()));
            }
        } else {
            for (int copy = 0; copy < perRun; copy++) {
                run.addAll(calls);
            }
        }
        return List.copyOf(run);
    }

    /** Each call of the run once. */
    public List<SampleCall> distinctCalls(int index) {
        Map<String, SampleCall> byName = new LinkedHashMap<>();
        run(index).forEach(call -> byName.putIfAbsent(call.name(), call));
        return List.copyOf(byName.values());
    }

    public static double audioSeconds(List<SampleCall> run) {
        return run.stream().mapToDouble(SampleCall::audioSeconds).sum();
    }

    /** For the report: where the calls come from and how runs use them. */
    public String describe() {
        double minutes = calls.stream().mapToDouble(SampleCall::seconds).sum() / 60;
        return corpus
                ? String.format("corpus %s: %d calls, %.1f min; %d distinct calls per run, the next ones each run", dir,
                calls.size(), minutes, perRun)
                : String.format("samples %s: %d files, %.1f min; %d copies of all per run (repeated audio: optimistic)",
                dir, calls.size(), minutes, perRun);
    }
}
