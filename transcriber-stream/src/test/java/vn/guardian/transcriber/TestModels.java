package vn.guardian.transcriber;

import java.nio.file.Path;
import java.util.Map;
import vn.guardian.voskmodels.VoskModels;

/** The real bundled model, loaded once per test JVM (loading takes seconds) and shared by the unit tests. */
public final class TestModels {

    /** Where tests extract the bundled model; inside target so {@code mvn clean} removes it. */
    public static final String CACHE_DIR = "target/model-cache";
    private static VoskModels models;

    private TestModels() {
    }

    public static synchronized VoskModels get() {
        if (models == null) {
            models = VoskModels.load(Map.of("en", VoskModels.BUNDLED), Path.of(CACHE_DIR), "guardian.transcriber.models.");
        }
        return models;
    }

    public static TranscriberProperties properties(Map<String, String> languages) {
        return new TranscriberProperties(languages, 1, null, "test", 64, CACHE_DIR, null, null, null, null, null, null);
    }
}
