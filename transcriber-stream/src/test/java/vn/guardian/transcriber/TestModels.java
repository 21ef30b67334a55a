package vn.guardian.transcriber;

import java.util.Map;
import vn.guardian.transcriber.recognition.Models;

/** The real bundled model, loaded once per test JVM (loading takes seconds) and shared by the unit tests. */
public final class TestModels {

    /** Where tests extract the bundled model; inside target so {@code mvn clean} removes it. */
    public static final String CACHE_DIR = "target/model-cache";
    private static Models models;

    private TestModels() {
    }

    public static synchronized Models get() {
        if (models == null) {
            models = Models.load(properties(Map.of("en", TranscriberProperties.BUNDLED)));
        }
        return models;
    }

    public static TranscriberProperties properties(Map<String, String> languages) {
        return new TranscriberProperties(languages, 1, null, "test", 64, 16000, CACHE_DIR, null, null, null, null);
    }
}
