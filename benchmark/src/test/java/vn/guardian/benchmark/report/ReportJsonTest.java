package vn.guardian.benchmark.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import vn.guardian.benchmark.stats.Stats;

class ReportJsonTest {

    @Test
    void writesRecordsAndMapsWithNaNAsNull() {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("machine", Map.of("cores", 2));
        report.put("raw", Map.of("audioSecondsPerSecond", new Stats.Spread(6.5, 6.1, 7.0, 3)));
        report.put("live", List.of(Stats.Latency.EMPTY, new Stats.Latency(3, 100, 200, 250, 300)));

        JsonNode json = ReportJson.read(ReportJson.write(report));

        assertThat(json.path("machine").path("cores").asInt()).isEqualTo(2);
        assertThat(json.path("raw").path("audioSecondsPerSecond").path("median").asDouble()).isEqualTo(6.5);
        assertThat(json.path("raw").path("audioSecondsPerSecond").path("runs").asInt()).isEqualTo(3);
        assertThat(json.path("live").get(0).path("p95").isNull()).isTrue();
        assertThat(json.path("live").get(1).path("p99").asDouble()).isEqualTo(250);
    }
}
