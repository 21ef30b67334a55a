package vn.guardian.moderation.lexicon;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Function;
import com.sun.jna.Library;
import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Enumeration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vosk.LibVosk;
import org.vosk.Model;

/**
 * A word missing from the recognizer's vocabulary can never be transcribed, so its lexicon entry can never match
 * speech. Lists the English lexicon's gaps against the bundled Vosk model in
 * {@code target/lexicon-vocabulary-gaps-en.txt}; fails if a word the product's own examples rely on is missing.
 */
class LexiconVocabularyTest {

    private static final String MODEL_PREFIX = "assets/model-en-us/";

    @TempDir
    Path modelDir;

    @Test
    void englishLexiconAgainstTheVoskModelVocabulary() throws IOException {
        unzipModel(Paths.get(System.getProperty("vosk.model.en.aar")), modelDir);
        Set<String> gaps = new TreeSet<>();
        Set<String> known = new TreeSet<>();
        try (Model model = new Model(modelDir.toString())) {
            LibVosk.setLogLevel(org.vosk.LogLevel.WARNINGS);
            // 0.3.45's Java binding lacks vosk_model_find_word; call it through the library it already loaded
            Function findWord = NativeLibrary.getInstance("vosk",
                    Map.of(Library.OPTION_CLASSLOADER, LibVosk.class.getClassLoader()))
                    .getFunction("vosk_model_find_word");
            for (LexiconEntry entry : Lexicons.bundled().get("en").entries()) {
                for (Token token : entry.tokens()) {
                    boolean inVocabulary = findWord.invokeInt(new Object[] {model.getPointer(), token.exact()}) >= 0;
                    (inVocabulary ? known : gaps).add(token.exact());
                }
            }
        }
        Files.writeString(Paths.get("target", "lexicon-vocabulary-gaps-en.txt"),
                "# English lexicon words the Vosk model cannot transcribe\n" + String.join("\n", gaps) + "\n",
                StandardCharsets.UTF_8);
        System.out.println("English lexicon words missing from the Vosk vocabulary (" + gaps.size() + "): " + gaps);

        assertThat(known).contains("you", "are", "idiot", "i", "will", "kill", "stupid", "shut", "up");
        assertThat(gaps).as("teencode is typed, never spoken").contains("kys");
    }

    private static void unzipModel(Path aar, Path target) throws IOException {
        try (ZipFile zip = new ZipFile(aar.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                if (!entry.getName().startsWith(MODEL_PREFIX) || entry.isDirectory()) {
                    continue;
                }
                Path file = target.resolve(entry.getName().substring(MODEL_PREFIX.length()));
                Files.createDirectories(file.getParent());
                try (InputStream in = zip.getInputStream(entry)) {
                    Files.copy(in, file);
                }
            }
        }
    }
}
