package vn.guardian.benchmark.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterOptionsTest {

    @Test
    void takesTheClusterOptionsAndLeavesTheRestToTheBenchmark() {
        ClusterOptions options = ClusterOptions.parse("--runs", "1", "--cluster", "local", "--transcriber-cpus", "2-3",
                "--transcribers", "2", "--repo", "/src/guardian", "--levels", "4,8");
        assertThat(options.transcriberCpus()).isEqualTo("2-3");
        assertThat(options.cpuCount()).isEqualTo(2);
        assertThat(options.transcribers()).isEqualTo(2);
        assertThat(options.repo()).isEqualTo(Path.of("/src/guardian"));
        assertThat(options.rest()).containsExactly("--runs", "1", "--levels", "4,8");
    }

    @Test
    void countsTheCpusOfATasksetList() {
        assertThat(ClusterOptions.parse("--cluster", "local", "--transcriber-cpus", "1").cpuCount()).isEqualTo(1);
        assertThat(ClusterOptions.parse("--cluster", "local", "--transcriber-cpus", "0,2-4").cpuCount()).isEqualTo(4);
        assertThat(ClusterOptions.parse("--cluster", "local", "--transcriber-cpus", "none").transcriberCpus()).isEmpty();
    }

    @Test
    void everythingButTheTranscribersGetsTheOtherCpus() {
        assertThat(ClusterOptions.parse("--cluster", "local", "--transcriber-cpus", "1").otherCpus(2)).isEqualTo("0");
        assertThat(ClusterOptions.parse("--cluster", "local", "--transcriber-cpus", "0,2-4").otherCpus(8))
                .isEqualTo("1,5,6,7");
        assertThat(ClusterOptions.parse("--cluster", "local", "--transcriber-cpus", "0-1").otherCpus(2)).isEmpty();
        assertThat(ClusterOptions.parse("--cluster", "local", "--transcriber-cpus", "none").otherCpus(2)).isEmpty();
    }

    @Test
    void refusesAnUnknownClusterAndABadCpuListSayingWhatToType() {
        assertThatThrownBy(() -> ClusterOptions.parse("--cluster", "k8s"))
                .hasMessageContaining("--cluster k8s").hasMessageContaining("--cluster local");
        assertThatThrownBy(() -> ClusterOptions.parse("--cluster", "local", "--transcriber-cpus", "one"))
                .hasMessageContaining("--transcriber-cpus one").hasMessageContaining("e.g.");
        assertThatThrownBy(() -> ClusterOptions.parse("--minutes", "3"))
                .hasMessageContaining("add --cluster local");
        assertThat(ClusterOptions.wanted("--runs", "1")).isFalse();
        assertThat(ClusterOptions.wanted(List.of("--cluster", "local").toArray(String[]::new))).isTrue();
    }
}
