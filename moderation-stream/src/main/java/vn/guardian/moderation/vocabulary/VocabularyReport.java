package vn.guardian.moderation.vocabulary;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import vn.guardian.moderation.lexicon.Lexicon;
import vn.guardian.moderation.lexicon.Lexicons;

/**
 * Logs at start-up, per configured Vosk model, the lexicon entries that model can never transcribe. Runs on its
 * own thread: loading a model takes seconds and must not hold up the topology.
 */
public final class VocabularyReport implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(VocabularyReport.class);

    private final Lexicons lexicons;
    private final Map<String, String> models;
    private final Path cacheDir;
    private volatile boolean running;

    public VocabularyReport(Lexicons lexicons, Map<String, String> models, Path cacheDir) {
        this.lexicons = lexicons;
        this.models = new TreeMap<>(models);
        this.cacheDir = cacheDir;
    }

    @Override
    public void start() {
        running = true;
        if (models.isEmpty()) {
            log.info("No guardian.moderation.models configured: lexicon coverage against Vosk vocabularies unchecked");
            return;
        }
        Thread thread = new Thread(this::report, "vocabulary-report");
        thread.setDaemon(true);
        thread.start();
    }

    /** Checks every configured model; a model that cannot load is reported, never fatal. */
    public void report() {
        models.forEach((language, configured) -> {
            Lexicon lexicon = lexicons.get(language);
            if (lexicon == null) {
                log.warn("guardian.moderation.models.{} is set but there is no '{}' lexicon; nothing to check",
                        language, language);
                return;
            }
            try {
                Path dir = VocabularyGaps.modelDirectory(language, configured, cacheDir);
                List<VocabularyGaps.Gap> gaps = VocabularyGaps.find(lexicon, dir);
                log.info("Lexicon {}@{}: {} of {} entries can never be transcribed by the '{}' model at {}: {}",
                        language, lexicon.version(), gaps.size(), lexicon.entries().size(), language, dir,
                        gaps.stream().map(g -> g.term() + " (" + String.join(" ", g.missingWords()) + ")")
                                .collect(Collectors.joining(", ")));
            } catch (Exception | UnsatisfiedLinkError e) {
                log.warn("Could not check lexicon '{}' against model {}={}: {}", language, language, configured,
                        e.toString());
            }
        });
    }

    @Override
    public void stop() {
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
