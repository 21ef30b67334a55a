package vn.guardian.moderation.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import vn.guardian.moderation.lexicon.Token;

/** The toxicity model of every configured language, picked by a segment's language code like the lexicons. */
public final class ToxicityModels {

    /** The configuration key of a language's model file. */
    public static final String KEY = "guardian.moderation.toxicity-models";
    /** The value that means "the model trained from the public data, inside the jar". */
    public static final String BUNDLED = "bundled";
    /** The committed models, one per language. */
    public static final Map<String, String> BUNDLED_LOCATIONS = Map.of("vi", BUNDLED, "en", BUNDLED);

    private final Map<String, ToxicityModel> byLanguage;

    public ToxicityModels(List<ToxicityModel> models) {
        Map<String, ToxicityModel> map = new LinkedHashMap<>();
        for (ToxicityModel model : models) {
            if (map.put(model.language(), model) != null) {
                throw new IllegalArgumentException("Two toxicity models for language '" + model.language()
                        + "'; configure one per language under " + KEY);
            }
        }
        this.byLanguage = java.util.Collections.unmodifiableMap(map);
    }

    /** The committed Vietnamese and English models. */
    public static ToxicityModels bundled() {
        return load(BUNDLED_LOCATIONS);
    }

    /**
     * The models at {@code locations}: language code to a model file, or {@code bundled}.
     *
     * @throws IllegalStateException naming the key to fix when a model is missing, unreadable or of another language
     */
    public static ToxicityModels load(Map<String, String> locations) {
        List<ToxicityModel> models = new ArrayList<>();
        for (Map.Entry<String, String> entry : new java.util.TreeMap<>(locations).entrySet()) {
            String language = entry.getKey();
            String key = KEY + "." + language;
            String location = entry.getValue() == null ? "" : entry.getValue().trim();
            ToxicityModel model;
            try {
                model = BUNDLED.equals(location) ? bundled(language, key) : file(location, key);
            } catch (NoSuchFileException e) {
                throw new IllegalStateException("No toxicity model at '" + location + "' (" + key + "); train one "
                        + "with 'java -jar moderation-stream.jar train --language " + language + " --data FILE.csv "
                        + "--out DIR' and set " + key + " to DIR/" + language + ".model, or to '" + BUNDLED + "'", e);
            } catch (IOException e) {
                throw new IllegalStateException("Could not read the toxicity model '" + location + "' (" + key
                        + "): " + e.getMessage() + "; point " + key + " at a file written by the train command", e);
            }
            if (!model.language().equals(language)) {
                throw new IllegalStateException(key + " points at a model trained for '" + model.language()
                        + "', not '" + language + "'; point it at the " + language + " model");
            }
            models.add(model);
        }
        return new ToxicityModels(models);
    }

    private static ToxicityModel bundled(String language, String key) throws IOException {
        String resource = "model/" + language + ".model";
        try (InputStream in = ToxicityModels.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("No bundled toxicity model for '" + language + "' (" + key
                        + "); the jar has models for " + BUNDLED_LOCATIONS.keySet() + "; set " + key
                        + " to a model file made by the train command");
            }
            return ToxicityModel.read(in, "bundled " + resource);
        }
    }

    private static ToxicityModel file(String location, String key) throws IOException {
        if (location.isEmpty()) {
            throw new IllegalStateException(key + " is empty; set it to a model file or to '" + BUNDLED + "'");
        }
        try (InputStream in = Files.newInputStream(Path.of(location))) {
            return ToxicityModel.read(in, location);
        }
    }

    /**
     * The models to apply to text in {@code language} ("vi", "en-US", ...): that language's, or all of them when
     * the language has no model, as the lexicons do.
     */
    public List<ToxicityModel> forLanguage(String language) {
        if (language != null) {
            ToxicityModel model = byLanguage.get(language.toLowerCase(Locale.ROOT).split("[-_]", 2)[0]);
            if (model != null) {
                return List.of(model);
            }
        }
        return List.copyOf(byLanguage.values());
    }

    /**
     * The models to judge a text said in {@code language}, given as its {@code tokens}: that language's; for an
     * unknown language, the model of the language the text looks like, or all of them when it looks like none.
     */
    public List<ToxicityModel> forText(String language, List<Token> tokens) {
        List<ToxicityModel> models = forLanguage(language);
        if (models.size() > 1) {
            ToxicityModel guessed = byLanguage.get(LanguageGuess.of(tokens));
            if (guessed != null) {
                return List.of(guessed);
            }
        }
        return models;
    }

    /** Every loaded model. */
    public List<ToxicityModel> all() {
        return List.copyOf(byLanguage.values());
    }
}
