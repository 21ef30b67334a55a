package vn.guardian.moderation.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import vn.guardian.contracts.serde.Json;
import vn.guardian.contracts.transcript.TranscriptSegment;
import vn.guardian.contracts.verdict.SegmentVerdict;
import vn.guardian.moderation.classifier.Judges;
import vn.guardian.moderation.classifier.SegmentClassifier;
import vn.guardian.moderation.classifier.Thresholds;
import vn.guardian.moderation.lexicon.Lexicons;
import vn.guardian.moderation.model.ToxicityModel;
import vn.guardian.moderation.model.ToxicityModels;

/**
 * The command-line modes, run before (and instead of) Spring, so they start in a fraction of a second and need
 * no Kafka or database:
 * <pre>
 * moderate [--eval FILE.csv] [--language vi|en] [--classifier combined|lexicon|model] [--model FILE] [FILE]
 *                                                        one JSON verdict per input line, or an evaluation report
 * train --language vi --data FILE.csv [--data ...] --out DIR   trains a toxicity model (see {@link TrainCommand})
 * </pre>
 * The check of the lexicon against a Vosk model's vocabulary is the lexicon-coverage tool: this service carries no model.
 */
public final class ModerationCli {

    /** The first arguments that select a command instead of the service. */
    public static final Set<String> COMMANDS = Set.of("moderate", "train");
    /** The service's default thresholds (moderation-stream.yml), so the CLI decides like the topology. */
    static final Thresholds DEFAULT_THRESHOLDS = new Thresholds(0.5, 0.9);
    /** Classifications before the latency is measured, so the figure is of compiled code, as in the service. */
    private static final int LATENCY_WARM_UP = 30_000;
    private static final int LATENCY_SAMPLES = 10_000;
    private static final String USAGE = """
            usage: moderate [--eval FILE.csv] [--language vi|en] [--classifier combined|lexicon|model] [--model FILE] [FILE]
                     reads lines from FILE or stdin and prints one JSON verdict per line;
                     --eval reads a CSV with a header row and text,label columns (label 'clean' = clean,
                     any other label = toxic) and prints precision, recall and F1 per label and toxic-vs-clean;
                     --classifier picks the judges (default combined); --model uses a trained model file
                     for --language instead of the bundled one; without --language every language applies
                   train --language vi --data FILE.csv [--data FILE2.csv] --out DIR [--dev FILE.csv ...]
                         [--min-precision 0.8] [--seed N] [--c 32] [--toxic-weight 1.5]
                         [--features words_and_chars|words]
                     trains DIR/<language>.model from CSVs with text,label columns (labels: clean, a category
                     such as insult, offensive, hate or toxic); chooses the threshold on the --dev files
                     (default: 10 % of the data held out) and prints the figures and a threshold table
            """;

    private ModerationCli() {
    }

    /** Whether {@code args} name a command rather than the service's own arguments. */
    public static boolean isCommand(String[] args) {
        return args.length > 0 && COMMANDS.contains(args[0]);
    }

    /** Runs the command in {@code args}; returns the process exit code (0 ok, 1 failure, 2 usage). */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        try {
            switch (args[0]) {
                case "moderate":
                    return moderate(Options.parse(args, Set.of("--eval", "--language", "--classifier", "--model")),
                            in, out, err);
                case "train":
                    return TrainCommand.run(Options.parse(args, Set.of("--language", "--data", "--dev", "--out",
                            "--min-precision", "--seed", "--c", "--toxic-weight", "--features")), out);
                default:
                    err.print(USAGE);
                    return 2;
            }
        } catch (UsageException e) {
            err.println(e.getMessage());
            err.print(USAGE);
            return 2;
        } catch (NoSuchFileException e) {
            err.println("No such file: " + e.getFile());
            return 1;
        } catch (IOException | RuntimeException e) {
            err.println(e.getMessage() == null ? e.toString() : e.getMessage());
            return 1;
        }
    }

    private static int moderate(Options options, InputStream in, PrintStream out, PrintStream err)
            throws IOException {
        String language = options.value("--language");
        String eval = options.value("--eval");
        SegmentClassifier classifier = classifier(options, language);
        if (eval != null) {
            if (options.file() != null) {
                throw new UsageException("moderate --eval takes no FILE besides the CSV, but got " + options.file());
            }
            List<LabeledCsv.Row> rows;
            try (Reader reader = Files.newBufferedReader(Path.of(eval), StandardCharsets.UTF_8)) {
                rows = LabeledCsv.read(eval, reader);
            }
            Evaluation evaluation = new Evaluation();
            rows.forEach(row -> evaluation.register(row.label()));
            for (LabeledCsv.Row row : rows) {
                evaluation.add(row.label(), classifier.classify(segment("line-" + row.line(), language, row.text()), 0));
            }
            printLatency(classifier, rows, language, out);
            evaluation.print(out);
            return 0;
        }
        try (BufferedReader lines = new BufferedReader(options.file() == null
                ? new InputStreamReader(in, StandardCharsets.UTF_8)
                : Files.newBufferedReader(Path.of(options.file()), StandardCharsets.UTF_8))) {
            int number = 0;
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                number++;
                SegmentVerdict verdict = classifier.classify(segment("line-" + number, language, line),
                        System.currentTimeMillis());
                out.println(Json.MAPPER.writeValueAsString(verdict));
            }
        }
        out.flush();
        return 0;
    }

    private static SegmentClassifier classifier(Options options, String language) throws IOException {
        Judges judges = Judges.parse(options.value("--classifier") == null ? "combined" : options.value("--classifier"));
        String modelFile = options.value("--model");
        ToxicityModels models;
        if (judges == Judges.LEXICON) {
            models = new ToxicityModels(List.of());
        } else if (modelFile != null) {
            if (language == null) {
                throw new UsageException("moderate --model needs --language, the language the model was trained for");
            }
            models = ToxicityModels.load(Map.of(language, modelFile));
        } else {
            models = ToxicityModels.bundled();
        }
        return new SegmentClassifier(Lexicons.bundled(), models, judges, DEFAULT_THRESHOLDS, Map.of());
    }

    /** Time per segment on one thread, once the JIT has compiled the path, and the models' weights in memory. */
    private static void printLatency(SegmentClassifier classifier, List<LabeledCsv.Row> rows, String language,
                                     PrintStream out) {
        if (rows.isEmpty()) {
            return;
        }
        List<TranscriptSegment> segments = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            segments.add(segment("line-" + i, language, rows.get(i).text()));
        }
        for (int i = 0; i < LATENCY_WARM_UP; i++) {
            classifier.classify(segments.get(i % segments.size()), 0);
        }
        long[] nanos = new long[Math.max(segments.size(), LATENCY_SAMPLES)];
        for (int i = 0; i < nanos.length; i++) {
            TranscriptSegment segment = segments.get(i % segments.size());
            long started = System.nanoTime();
            classifier.classify(segment, 0);
            nanos[i] = System.nanoTime() - started;
        }
        Arrays.sort(nanos);
        out.printf(Locale.ROOT, "latency per segment (one thread, %d segments) p50=%.3f ms p99=%.3f ms max=%.3f ms%n",
                nanos.length, nanos[nanos.length / 2] / 1e6,
                nanos[(int) Math.min(nanos.length - 1, nanos.length * 0.99)] / 1e6, nanos[nanos.length - 1] / 1e6);
        for (ToxicityModel model : classifier.models(language)) {
            out.printf(Locale.ROOT, "model %s threshold=%.2f weights=%.1f MB%n", model.version(), model.threshold(),
                    model.weightBytes() / 1e6);
        }
    }

    /** A text as the topology would receive it; an unknown language applies every lexicon and model. */
    static TranscriptSegment segment(String id, String language, String text) {
        return new TranscriptSegment(id, "cli", "cli", 0, "mono", 0, 0, text, List.of(), language, 0, 0);
    }

    /** {@code --name value} options and at most one positional FILE. */
    record Options(List<String[]> values, String file) {

        static Options parse(String[] args, Set<String> known) {
            List<String[]> values = new ArrayList<>();
            String file = null;
            for (int i = 1; i < args.length; i++) {
                String arg = args[i];
                if (arg.startsWith("--")) {
                    String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
                    if (!known.contains(name)) {
                        throw new UsageException(args[0] + ": unknown option " + name + "; known: " + known);
                    }
                    String value;
                    if (arg.contains("=")) {
                        value = arg.substring(arg.indexOf('=') + 1);
                    } else if (i + 1 < args.length) {
                        value = args[++i];
                    } else {
                        throw new UsageException(args[0] + ": option " + name + " needs a value");
                    }
                    values.add(new String[] {name, value});
                } else if (file == null) {
                    file = arg;
                } else {
                    throw new UsageException(args[0] + ": one FILE only, but got " + file + " and " + arg);
                }
            }
            return new Options(values, file);
        }

        List<String> values(String name) {
            List<String> found = new ArrayList<>();
            for (String[] pair : values) {
                if (pair[0].equals(name)) {
                    found.add(pair[1]);
                }
            }
            return found;
        }

        String required(String name) {
            String value = value(name);
            if (value == null || value.isBlank()) {
                throw new UsageException("missing option " + name);
            }
            return value;
        }

        double number(String name, double otherwise) {
            String value = value(name);
            if (value == null) {
                return otherwise;
            }
            try {
                return Double.parseDouble(value);
            } catch (NumberFormatException e) {
                throw new UsageException("option " + name + " needs a number but got '" + value + "'");
            }
        }

        String value(String name) {
            String found = null;
            for (String[] pair : values) {
                if (pair[0].equals(name)) {
                    found = pair[1];
                }
            }
            return found;
        }
    }

    /** Wrong arguments: the message says which, and the usage follows. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
