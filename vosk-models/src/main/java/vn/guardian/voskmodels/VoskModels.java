package vn.guardian.voskmodels;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vosk.LibVosk;
import org.vosk.LogLevel;
import org.vosk.Model;

/**
 * One Vosk {@link Model} per configured language, loaded once and shared by every recognizer. Owns the models.
 * A model is configured as a directory, or as {@link #BUNDLED}: the English small model inside this module's jar.
 */
public final class VoskModels implements AutoCloseable {

    /** The setting that means "the English model bundled in the vosk-models jar". */
    public static final String BUNDLED = "bundled";

    private static final Logger log = LoggerFactory.getLogger(VoskModels.class);

    private final Map<String, Model> byLanguage;

    private VoskModels(Map<String, Model> byLanguage) {
        this.byLanguage = byLanguage;
    }

    /**
     * Loads every model of {@code models} (language → directory or {@link #BUNDLED}); fails naming the language, the
     * path and the setting ({@code settingPrefix + language}) when one cannot load.
     *
     * @param cacheDir where the bundled model is extracted, since Vosk needs a directory
     */
    public static VoskModels load(Map<String, String> models, Path cacheDir, String settingPrefix) {
        LibVosk.setLogLevel(LogLevel.WARNINGS);
        Map<String, Model> loaded = new TreeMap<>();
        try {
            for (Map.Entry<String, String> entry : new TreeMap<>(models).entrySet()) {
                Path dir = directory(entry.getKey(), entry.getValue(), cacheDir, settingPrefix);
                long start = System.nanoTime();
                try {
                    loaded.put(entry.getKey(), new Model(dir.toString()));
                } catch (IOException e) {
                    throw new IllegalStateException("Vosk could not load the model for language '" + entry.getKey()
                            + "' from " + dir + "; check " + settingPrefix + entry.getKey(), e);
                }
                log.info("Loaded Vosk model for '{}' from {} in {} ms", entry.getKey(), dir,
                        (System.nanoTime() - start) / 1_000_000);
            }
        } catch (RuntimeException e) {
            loaded.values().forEach(Model::close);
            throw e;
        }
        return new VoskModels(Map.copyOf(loaded));
    }

    /**
     * The model directory for one setting: {@code configured} itself, or for {@link #BUNDLED} the bundled model
     * extracted below {@code cacheDir}. Fails naming {@code settingPrefix + language} and what to set instead.
     */
    public static Path directory(String language, String configured, Path cacheDir, String settingPrefix) {
        if (BUNDLED.equals(configured)) {
            try {
                return BundledModel.extract(cacheDir);
            } catch (IOException e) {
                throw new IllegalStateException("Could not extract the bundled model for '" + language + "' to "
                        + cacheDir + " (" + settingPrefix + language + "=" + BUNDLED + "): " + e.getMessage()
                        + "; make the model cache folder writable or set a model directory", e);
            }
        }
        Path dir = Path.of(configured);
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException(settingPrefix + language + "=" + configured
                    + " is not a directory; point it at an unpacked Vosk model or use '" + BUNDLED + "' for English");
        }
        return dir;
    }

    /** The model for a language, if one is configured. */
    public Optional<Model> forLanguage(String language) {
        return language == null ? Optional.empty() : Optional.ofNullable(byLanguage.get(language));
    }

    /** The languages with a loaded model. */
    public java.util.Set<String> languages() {
        return byLanguage.keySet();
    }

    @Override
    public void close() {
        byLanguage.values().forEach(Model::close);
    }
}
