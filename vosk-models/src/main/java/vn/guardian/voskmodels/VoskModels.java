package vn.guardian.transcriber.recognition;

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
import vn.guardian.transcriber.TranscriberProperties;

/** One Vosk {@link Model} per configured language, loaded once and shared by every recognizer. Owns the models. */
public final class Models implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Models.class);

    private final Map<String, Model> byLanguage;
    private final int sampleRate;

    private Models(Map<String, Model> byLanguage, int sampleRate) {
        this.byLanguage = byLanguage;
        this.sampleRate = sampleRate;
    }

    /** Loads every model in {@code properties.models()}; fails naming the language and path when one cannot load. */
    public static Models load(TranscriberProperties properties) {
        LibVosk.setLogLevel(LogLevel.WARNINGS);
        Map<String, Model> loaded = new TreeMap<>();
        try {
            for (Map.Entry<String, String> entry : new TreeMap<>(properties.models()).entrySet()) {
                Path dir = directory(entry.getKey(), entry.getValue(), Path.of(properties.modelCacheDir()));
                long start = System.nanoTime();
                try {
                    loaded.put(entry.getKey(), new Model(dir.toString()));
                } catch (IOException e) {
                    throw new IllegalStateException("Vosk could not load the model for language '" + entry.getKey()
                            + "' from " + dir + "; check guardian.transcriber.models." + entry.getKey(), e);
                }
                log.info("Loaded Vosk model for '{}' from {} in {} ms", entry.getKey(), dir,
                        (System.nanoTime() - start) / 1_000_000);
            }
        } catch (RuntimeException e) {
            loaded.values().forEach(Model::close);
            throw e;
        }
        return new Models(Map.copyOf(loaded), properties.sampleRate());
    }

    private static Path directory(String language, String configured, Path cacheDir) {
        if (TranscriberProperties.BUNDLED.equals(configured)) {
            try {
                return BundledModel.extract(cacheDir);
            } catch (IOException e) {
                throw new IllegalStateException("Could not extract the bundled model for '" + language + "' to "
                        + cacheDir + "; set guardian.transcriber.model-cache-dir to a writable folder", e);
            }
        }
        Path dir = Path.of(configured);
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("guardian.transcriber.models." + language + "=" + configured
                    + " is not a directory; point it at an unpacked Vosk model");
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

    /** The sample rate every recognizer is created with. */
    public int sampleRate() {
        return sampleRate;
    }

    @Override
    public void close() {
        byLanguage.values().forEach(Model::close);
    }
}
