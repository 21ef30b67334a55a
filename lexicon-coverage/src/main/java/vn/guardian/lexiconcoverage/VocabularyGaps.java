package vn.guardian.lexiconcoverage;

import com.sun.jna.Function;
import com.sun.jna.Library;
import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.vosk.LibVosk;
import org.vosk.LogLevel;
import org.vosk.Model;
import vn.guardian.moderation.lexicon.Lexicon;
import vn.guardian.moderation.lexicon.LexiconEntry;
import vn.guardian.moderation.lexicon.Token;

/**
 * The lexicon entries a Vosk model can never transcribe: an entry with a word outside the model's vocabulary
 * never matches speech, whatever the lexicon promises.
 */
public final class VocabularyGaps {

    /** An entry that cannot be said, with the words the model lacks. */
    public record Gap(String term, Set<String> missingWords) {
    }

    private VocabularyGaps() {
    }

    /** The entries of {@code lexicon} with a word that the model in {@code modelDir} lacks, in lexicon order. */
    public static List<Gap> find(Lexicon lexicon, Path modelDir) throws IOException {
        LibVosk.setLogLevel(LogLevel.WARNINGS);
        List<Gap> gaps = new ArrayList<>();
        try (Model model = new Model(modelDir.toString())) {
            // vosk 0.3.45's Java binding lacks Model.findWord; call vosk_model_find_word in the library it loaded
            Function findWord = NativeLibrary.getInstance("vosk",
                    Map.of(Library.OPTION_CLASSLOADER, LibVosk.class.getClassLoader()))
                    .getFunction("vosk_model_find_word");
            for (LexiconEntry entry : lexicon.entries()) {
                Set<String> missing = new TreeSet<>();
                for (Token token : entry.tokens()) {
                    if (findWord.invokeInt(new Object[] {model.getPointer(), token.exact()}) < 0) {
                        missing.add(token.exact());
                    }
                }
                if (!missing.isEmpty()) {
                    gaps.add(new Gap(entry.term(), missing));
                }
            }
        }
        return gaps;
    }
}
