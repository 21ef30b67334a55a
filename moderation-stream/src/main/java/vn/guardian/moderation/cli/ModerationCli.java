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
import java.util.List;
import java.util.Set;
import vn.guardian.contracts.serde.Json;
import vn.guardian.contracts.transcript.TranscriptSegment;
import vn.guardian.contracts.verdict.SegmentVerdict;
import vn.guardian.moderation.lexicon.Lexicons;
import vn.guardian.moderation.lexicon.SegmentClassifier;
import vn.guardian.moderation.lexicon.Thresholds;

/**
 * The command-line modes, run before (and instead of) Spring, so they start in a fraction of a second and need
 * no Kafka or database:
 * <pre>
 * moderate [--eval FILE.csv] [--language vi|en] [FILE]   one JSON verdict per input line, or an evaluation report
 * </pre>
 * The check of the lexicon against a Vosk model's vocabulary is the lexicon-coverage tool: this service carries no model.
 */
public final class ModerationCli {

    /** The first arguments that select a command instead of the service. */
    public static final Set<String> COMMANDS = Set.of("moderate");
    /** The service's default thresholds (moderation-stream.yml), so the CLI decides like the topology. */
    static final Thresholds DEFAULT_THRESHOLDS = new Thresholds(0.5, 0.9);
    private static final String USAGE = """
            usage: moderate [--eval FILE.csv] [--language vi|en] [FILE]
                     reads lines from FILE or stdin and prints one JSON verdict per line;
                     --eval reads a CSV with a header row and text,label columns (label 'clean' = clean,
                     any other label = toxic) and prints precision, recall and F1 per label and toxic-vs-clean
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
                    return moderate(Options.parse(args, Set.of("--eval", "--language")), in, out, err);
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
        SegmentClassifier classifier = new SegmentClassifier(Lexicons.bundled(), DEFAULT_THRESHOLDS);
        String language = options.value("--language");
        String eval = options.value("--eval");
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

    /** A text as the topology would receive it; an unknown language applies every lexicon. */
    private static TranscriptSegment segment(String id, String language, String text) {
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
