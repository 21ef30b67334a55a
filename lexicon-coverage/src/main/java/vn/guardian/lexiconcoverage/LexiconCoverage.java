package vn.guardian.lexiconcoverage;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import vn.guardian.moderation.lexicon.Lexicon;
import vn.guardian.moderation.lexicon.Lexicons;
import vn.guardian.voskmodels.VoskModels;

/**
 * {@code java -jar lexicon-coverage.jar [--model DIR] [--language en]}: the lexicon entries a Vosk model can never
 * transcribe, one per line with the missing words, then a count. Without {@code --model}, the bundled English model.
 */
public final class LexiconCoverage {

    private static final String USAGE = """
            usage: java -jar lexicon-coverage.jar [--model DIR] [--language en]
              prints the lexicon words the Vosk model in DIR (default: the bundled English model) cannot output
            """;

    private LexiconCoverage() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Returns the exit code: 0 done, 1 failure, 2 usage. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        String language = "en";
        String model = null;
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if ((!name.equals("--model") && !name.equals("--language")) || i + 1 >= args.length) {
                err.println("unknown option or missing value: " + name);
                err.print(USAGE);
                return 2;
            }
            if (name.equals("--model")) {
                model = args[++i];
            } else {
                language = args[++i];
            }
        }
        if (model == null && !"en".equals(language)) {
            err.println("--language " + language + " needs --model DIR: only an English model is bundled");
            return 2;
        }
        Lexicon lexicon = Lexicons.bundled().get(language);
        if (lexicon == null) {
            err.println("No lexicon for language '" + language + "'; use vi or en");
            return 2;
        }
        try {
            Path dir = VoskModels.directory(language, model == null ? VoskModels.BUNDLED : model,
                    Path.of(System.getProperty("java.io.tmpdir"), "guardian-models"), "--model for ");
            List<VocabularyGaps.Gap> gaps = VocabularyGaps.find(lexicon, dir);
            for (VocabularyGaps.Gap gap : gaps) {
                out.println(gap.term() + "\tmissing: " + String.join(" ", gap.missingWords()));
            }
            out.printf("%s@%s: %d of %d entries can never be transcribed by %s%n", lexicon.language(),
                    lexicon.version(), gaps.size(), lexicon.entries().size(), dir);
            return 0;
        } catch (Exception e) {
            err.println(e.getMessage() == null ? e.toString() : e.getMessage());
            return 1;
        }
    }
}
