package vn.guardian.benchmark.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProcessTableTest {

    /**
     * A real process tree: a shell whose child spins, so the CPU shows up only through the child. The machine may be
     * busy with other work, so the figure is checked against the JDK's own account of the child's CPU time.
     */
    @Test
    void countsTheCpuAndMemoryOfAProcessAndItsChildren() throws Exception {
        Process shell = new ProcessBuilder("sh", "-c", "sh -c 'while :; do :; done' & wait").start();
        Process idle = new ProcessBuilder("sleep", "30").start();
        try (ProcessTable table = new ProcessTable(() -> Map.of("busy", shell.pid(), "idle", idle.pid()))) {
            ProcessTable.Snapshot before = table.snapshot();
            Thread.sleep(3_000);
            double childSeconds = shell.descendants().mapToDouble(child -> child.info().totalCpuDuration()
                    .orElse(Duration.ZERO).toNanos() / 1e9).sum();
            ProcessTable.Snapshot after = table.snapshot();
            assertThat(childSeconds).isGreaterThan(0);
            // the tree's CPU includes the child's (ticks are 10 ms, hence the tolerance)
            assertThat(after.cpuSeconds().get("busy")).isGreaterThanOrEqualTo(childSeconds - 0.011);
            Map<String, Double> cores = after.coresSince(before);
            assertThat(cores.get("busy")).isGreaterThan(0);
            assertThat(cores.get("idle")).isLessThan(0.05);
            assertThat(cores.get("total")).isEqualTo(cores.get("busy") + cores.get("idle"));
            // two shells hold more memory than one sleep
            assertThat(table.rssBytes().get("busy")).isGreaterThan(table.rssBytes().get("idle"));
            assertThat(table.peakRssBytes()).containsKeys("busy", "idle");
        } finally {
            shell.descendants().forEach(ProcessHandle::destroyForcibly);
            shell.destroyForcibly();
            idle.destroyForcibly();
        }
    }
}
