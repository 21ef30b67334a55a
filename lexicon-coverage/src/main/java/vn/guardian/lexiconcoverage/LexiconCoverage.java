package vn.guardian.moderation.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import vn.guardian.moderation.lexicon.Lexicon;
import vn.guardian.moderation.lexicon.Lexicons;
import vn.guardian.moderation.vocabulary.VocabularyGaps;

/** {@code vocabulary [--model DIR] [--language en]}: the lexicon entries the model can never transcribe. */
final class VocabularyCommand {

    private VocabularyCommand() {
    }

    static int run(ModerationCli.Options options, PrintStream out, PrintStream err) throws IOException {
        String language = options.value("--language") == null ? "en" : options.value("--language");
        String model = options.value("--model");
        if (model == null && !"en".equals(language)) {
            throw new ModerationCli.UsageException("vocabulary --language " + language
                    + " needs --model DIR: only an English model is bundled");
        }
        Lexicon lexicon = Lexicons.bundled().get(language);
        if (lexicon == null) {
            throw new ModerationCli.UsageException("No lexicon for language '" + language + "'; use vi or en");
        }
        Path dir = VocabularyGaps.modelDirectory(language, model == null ? VocabularyGaps.BUNDLED : model,
                Path.of(System.getProperty("java.io.tmpdir"), "guardian-models"));
        List<VocabularyGaps.Gap> gaps = VocabularyGaps.find(lexicon, dir);
        for (VocabularyGaps.Gap gap : gaps) {
            out.println(gap.term() + "\tmissing: " + String.join(" ", gap.missingWords()));
        }
        out.printf("%s@%s: %d of %d entries can never be transcribed by %s%n", lexicon.language(),
                lexicon.version(), gaps.size(), lexicon.entries().size(), dir);
        return 0;
    }
}
