package vn.guardian.transcriber.recognition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class AllocatorTest {

    @Test
    void underJemallocTheBackgroundThreadsAreSwitchedOnAtRunTimeAndAChildCanStillUnshare() throws Exception {
        assertThat(probe(Map.of("LD_PRELOAD", jemalloc())))
                .isEqualTo("allocator=JEMALLOC before=false switched=true after=true childUnshare=0");
    }

    @Test
    void aMallocConfThatNamesBackgroundThreadsIsLeftAsItSaid() throws Exception {
        assertThat(probe(Map.of("LD_PRELOAD", jemalloc(), "MALLOC_CONF", "background_thread:false")))
                .startsWith("allocator=JEMALLOC before=false switched=false after=false");
    }

    @Test
    void underGlibcNothingIsSwitched() throws Exception {
        assertThat(probe(Map.of())).startsWith("allocator=GLIBC before=false switched=false after=false");
    }

    private static String probe(Map<String, String> environment) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), AllocatorProbe.class.getName()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().remove("LD_PRELOAD");
        builder.environment().remove("MALLOC_CONF");
        builder.environment().putAll(environment);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as("probe exit code; output: %s", output).isZero();
        return output.lines().filter(line -> line.startsWith("allocator=")).findFirst().orElse(output);
    }

    private static String jemalloc() throws IOException {
        try (Stream<Path> found = Files.find(Path.of("/usr/lib"), 2,
                (path, attributes) -> path.getFileName().toString().equals("libjemalloc.so.2"))) {
            return found.findFirst().map(Path::toString).orElseGet(() -> fail(
                    "libjemalloc.so.2 is not installed; the transcriber image runs on it: apt-get install libjemalloc2"));
        }
    }
}
