package vn.guardian.benchmark.soak;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ServiceMetricsTest {

    /** Lines as a transcriber's /actuator/prometheus gives them (Serial GC under one pinned CPU). */
    private static final String TRANSCRIBER = """
            # HELP jvm_gc_live_data_size_bytes Size of long-lived heap memory pool after reclamation
            # TYPE jvm_gc_live_data_size_bytes gauge
            jvm_gc_live_data_size_bytes 1.491364E7
            jvm_memory_committed_bytes{area="heap",id="Eden Space"} 1.0E8
            jvm_memory_committed_bytes{area="heap",id="Tenured Gen"} 2.0E8
            jvm_memory_committed_bytes{area="nonheap",id="Metaspace"} 5.0E7
            jvm_memory_used_bytes{area="heap",id="Eden Space"} 3.0E7
            jvm_memory_used_bytes{area="heap",id="Tenured Gen"} 2.0E7
            jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 4.0E7
            jvm_buffer_memory_used_bytes{id="direct"} 1.0E6
            guardian_transcriber_recognizers_active 3.0
            guardian_transcriber_recognizers_warm 5.0
            """;

    @Test
    void readsHeapAfterGcHeapInUseAndAllTheJvmCommitted() {
        ServiceMetrics.Memory memory = ServiceMetrics.parse(TRANSCRIBER);
        assertThat(memory.heapAfterGcBytes()).isEqualTo(1.491364E7);
        assertThat(memory.heapUsedBytes()).isEqualTo(5.0E7); // heap pools only, not Metaspace
        assertThat(memory.jvmCommittedBytes()).isEqualTo(3.51E8); // heap + non-heap committed + direct buffers
        assertThat(memory.activeRecognizers()).isEqualTo(3);
        assertThat(memory.warmRecognizers()).isEqualTo(5);
    }

    @Test
    void aServiceWithoutRecognizersHasNoneRatherThanZero() {
        ServiceMetrics.Memory memory = ServiceMetrics.parse("jvm_gc_live_data_size_bytes 1.0\n");
        assertThat(memory.activeRecognizers()).isNaN();
        assertThat(memory.heapUsedBytes()).isNaN();
    }

    @Test
    void heapAfterGcBeforeTheFirstOldCollectionIsNotMeasuredRatherThanZero() {
        assertThat(ServiceMetrics.parse("jvm_gc_live_data_size_bytes 0.0\n").heapAfterGcBytes()).isNaN();
    }
}
