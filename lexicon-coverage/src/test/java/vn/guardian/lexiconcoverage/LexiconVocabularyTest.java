package vn.guardian.lexiconcoverage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.guardian.moderation.lexicon.Lexicon;
import vn.guardian.moderation.lexicon.Lexicons;
import vn.guardian.voskmodels.VoskModels;

/**
 * A word missing from the recognizer's vocabulary can never be transcribed, so its lexicon entry can never match
 * speech. Lists the English lexicon's gaps against the bundled Vosk model in
 * {@code target/lexicon-vocabulary-gaps-en.txt}; fails if a word the product's own examples rely on is missing.
 */
class LexiconVocabularyTest {

    @TempDir
    Path cacheDir;

    @Test
    void englishLexiconAgainstTheBundledVoskModelVocabulary() throws IOException {
        Lexicon english = Lexicons.bundled().get("en");
        List<VocabularyGaps.Gap> gaps = VocabularyGaps.find(english,
                VoskModels.directory("en", VoskModels.BUNDLED, cacheDir, "--model for "));
        Set<String> missing = new TreeSet<>();
        gaps.forEach(gap -> missing.addAll(gap.missingWords()));
        Files.writeString(Paths.get("target", "lexicon-vocabulary-gaps-en.txt"),
                "# English lexicon words the Vosk model cannot transcribe\n" + String.join("\n", missing) + "\n",
                StandardCharsets.UTF_8);

        assertThat(gaps).extracting(VocabularyGaps.Gap::term).contains("kys")
                .as("the product's own examples are sayable").doesNotContain("idiot", "kill", "stupid", "shut up");
        assertThat(missing).as("teencode is typed, never spoken").contains("kys")
                .doesNotContain("you", "are", "idiot", "i", "will", "kill", "stupid", "shut", "up");
        assertThat(gaps.size()).as("most entries are sayable").isLessThan(english.entries().size() / 2);
    }

    @Test
    void theCommandPrintsTheGapsAndRefusesAnUnknownOption() {
        var out = new java.io.ByteArrayOutputStream();
        var err = new java.io.ByteArrayOutputStream();
        assertThat(LexiconCoverage.run(new String[0], new java.io.PrintStream(out), new java.io.PrintStream(err)))
                .as("stderr: %s", err).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("kys\tmissing: kys", "entries can never be transcribed");
        assertThat(LexiconCoverage.run(new String[] {"--modle", "x"}, new java.io.PrintStream(out),
                new java.io.PrintStream(err))).isEqualTo(2);
        assertThat(LexiconCoverage.run(new String[] {"--model", "/no/such/dir"}, new java.io.PrintStream(out),
                new java.io.PrintStream(err))).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("/no/such/dir is not a directory");
    }
}
