package vn.guardian.voskmodels;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * The English model shipped inside the jar under {@code vosk-models/en/}. Vosk reads models from a directory,
 * so the files are copied once to {@code <cacheDir>/en-<model uuid>}; a later start finds them there complete.
 * Works from a plain jar, a Spring Boot fat jar and an exploded {@code target/classes}.
 */
public final class BundledModel {

    /** Classpath folder of the bundled English model, filled at build time from {@code vosk-model-en} aar. */
    public static final String LOCATION = "vosk-models/en/";
    private static final String COMPLETE_MARKER = ".guardian-complete";

    private BundledModel() {
    }

    /** Extracts the bundled model below {@code cacheDir} unless already there, and returns its directory. */
    public static Path extract(Path cacheDir) throws IOException {
        PathMatchingResourcePatternResolver resolver = new PathMatchingResourcePatternResolver(
                BundledModel.class.getClassLoader());
        Resource uuid = resolver.getResource("classpath:" + LOCATION + "uuid");
        if (!uuid.exists()) {
            throw new IOException("No bundled model on the classpath at " + LOCATION + "uuid; put the vosk-models "
                    + "jar on the classpath (Maven unpacks com.alphacephei:vosk-model-en into it) or configure the "
                    + "model as a directory");
        }
        String id;
        try (InputStream in = uuid.getInputStream()) {
            id = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
        Path target = cacheDir.resolve("en-" + id);
        if (Files.exists(target.resolve(COMPLETE_MARKER))) {
            return target;
        }
        Files.createDirectories(cacheDir);
        // copy into a private folder and rename at the end, so a crash or a concurrent start never sees half a model
        Path staging = Files.createTempDirectory(cacheDir, "en-" + id + ".partial-");
        try {
            String root = uuid.getURL().toString();
            root = root.substring(0, root.length() - "uuid".length());
            for (Resource resource : resolver.getResources("classpath*:" + LOCATION + "**")) {
                String url = resource.getURL().toString();
                if (!url.startsWith(root) || url.endsWith("/") || !resource.isReadable()) {
                    continue; // directories, and same-named folders of other jars
                }
                Path file = staging.resolve(url.substring(root.length())).normalize();
                if (!file.startsWith(staging)) {
                    throw new IOException("Refusing to extract " + url + " outside " + staging);
                }
                Files.createDirectories(file.getParent());
                try (InputStream in = resource.getInputStream()) {
                    Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            if (!Files.exists(staging.resolve("am/final.mdl")) || !Files.exists(staging.resolve("conf/model.conf"))) {
                throw new IOException("The bundled model at " + root + " lacks am/final.mdl or conf/model.conf");
            }
            Files.createFile(staging.resolve(COMPLETE_MARKER));
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(staging, target);
            } catch (IOException e) {
                // a concurrent start won the race (Linux reports a bare "Directory not empty"); theirs is complete
                // if its marker exists
                if (!Files.exists(target.resolve(COMPLETE_MARKER))) {
                    throw new IOException("Model cache " + target + " exists but is incomplete; delete it and restart", e);
                }
            }
            return target;
        } finally {
            deleteRecursively(staging);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
