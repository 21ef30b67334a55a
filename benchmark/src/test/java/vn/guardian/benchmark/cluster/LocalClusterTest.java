package vn.guardian.benchmark.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalClusterTest {

    @TempDir
    Path work;

    @Test
    void readsTheProcessesTheScriptRecordedInStartOrder() throws IOException {
        LocalCluster cluster = recorded("""
                kafka-1 101 39092
                kafka-2 102 39093
                postgres 103 35432
                moderation-1 104 18082
                transcriber-1 105 18081
                transcriber-2 106 18181
                ingest-1 107 18080
                ingest-2 108 18180
                """);

        assertThat(cluster.bootstrapServers()).isEqualTo("127.0.0.1:39092,127.0.0.1:39093");
        assertThat(cluster.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:35432/guardian");
        assertThat(cluster.ingestUrl()).isEqualTo("http://127.0.0.1:18080");
        assertThat(cluster.ingestUrls()).containsExactly("http://127.0.0.1:18080", "http://127.0.0.1:18180");
        assertThat(cluster.names("transcriber-")).containsExactly("transcriber-1", "transcriber-2");
        assertThat(cluster.serviceUrls()).containsOnlyKeys("moderation-1", "transcriber-1", "transcriber-2",
                "ingest-1", "ingest-2");
        assertThat(cluster.pids()).containsEntry("postgres", 103L);
    }

    @Test
    void aReplicaStoppedWithStopOneIsNoLongerPartOfTheCluster() throws IOException {
        LocalCluster cluster = recorded("""
                kafka-1 101 39092
                transcriber-1 105 18081
                transcriber-2 106 18181
                transcriber-3 109 18281 stopped
                ingest-1 107 18080
                """);

        assertThat(cluster.transcribers()).containsExactly("transcriber-1", "transcriber-2");
        assertThat(cluster.serviceUrls()).doesNotContainKey("transcriber-3");
        assertThat(cluster.pids()).doesNotContainKey("transcriber-3");
    }

    @Test
    void aClusterWithoutIngestSaysHowToGetOne() throws IOException {
        LocalCluster cluster = recorded("kafka-1 101 39092\n");

        assertThatThrownBy(cluster::ingestUrl).hasMessageContaining("no ingest replica")
                .hasMessageContaining("-pl ingest-service");
    }

    @Test
    void noRecordedClusterIsRefusedWithHowToStartOne() {
        assertThatThrownBy(() -> LocalCluster.recorded(Path.of("infra/local-cluster.sh"), work))
                .hasMessageContaining("No local cluster recorded in " + work.resolve("pids"))
                .hasMessageContaining("start --transcribers 2 --ingest 2 --moderation 2");
    }

    @Test
    void theLinesOfAPidsFileWithoutAPortGetNone() {
        assertThat(LocalCluster.processes(List.of("postgres 103")).get("postgres")).containsExactly(103, -1);
    }

    private LocalCluster recorded(String pids) throws IOException {
        Files.writeString(work.resolve("pids"), pids);
        return LocalCluster.recorded(Path.of("infra/local-cluster.sh"), work);
    }
}
