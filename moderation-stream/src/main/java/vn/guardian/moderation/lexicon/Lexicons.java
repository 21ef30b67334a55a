package vn.guardian.moderation.lexicon;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The lexicons of every supported language, picked by a segment's language code. */
public final class Lexicons {

    /** The bundled lexicon files, one per language. */
    public static final List<String> BUNDLED = List.of("lexicon/vi.tsv", "lexicon/en.tsv");

    private final Map<String, Lexicon> byLanguage = new LinkedHashMap<>();

    public Lexicons(List<Lexicon> lexicons) {
        for (Lexicon lexicon : lexicons) {
            if (byLanguage.put(lexicon.language(), lexicon) != null) {
                throw new IllegalArgumentException("Two lexicons for language '" + lexicon.language()
                        + "'; merge them into one file");
            }
        }
    }

    /** The bundled Vietnamese and English lexicons from the classpath. */
    public static Lexicons bundled() {
        List<Lexicon> lexicons = new ArrayList<>();
        for (String resource : BUNDLED) {
            try (InputStream in = Lexicons.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("Lexicon " + resource + " is missing from the classpath");
                }
                lexicons.add(Lexicon.parse(resource, new InputStreamReader(in, StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new UncheckedIOException("Could not read lexicon " + resource, e);
            }
        }
        return new Lexicons(lexicons);
    }

    /**
     * The lexicons to apply to text in {@code language} ("vi", "en-US", ...): that language's, or all of them
     * when the language is unknown, since missing a harmful word costs more than a stray match.
     */
    public List<Lexicon> forLanguage(String language) {
        if (language != null) {
            String code = language.toLowerCase(Locale.ROOT).split("[-_]", 2)[0];
            Lexicon lexicon = byLanguage.get(code);
            if (lexicon != null) {
                return List.of(lexicon);
            }
        }
        return List.copyOf(byLanguage.values());
    }

    public Lexicon get(String language) {
        return byLanguage.get(language);
    }
}
