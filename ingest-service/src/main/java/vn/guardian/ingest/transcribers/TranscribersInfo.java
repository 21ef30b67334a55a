package vn.guardian.ingest.transcribers;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.stereotype.Component;

/** {@code /actuator/info} member {@code transcribers}: why a language is refused, from the reports ingest holds. */
@Component
public class TranscribersInfo implements InfoContributor {

    private final ServedLanguages languages;

    public TranscribersInfo(ServedLanguages languages) {
        this.languages = languages;
    }

    @Override
    public void contribute(Info.Builder builder) {
        Map<String, Object> replicas = new TreeMap<>();
        languages.reports().forEach((instance, report) -> replicas.put(instance, Map.of(
                "languages", report.languages(), "reportedAt", report.reportedAt(),
                "fresh", languages.fresh(report))));
        Map<String, Object> details = new LinkedHashMap<>();
        // "unknown" while no fresh report is held: every language is accepted then
        details.put("servedLanguages", languages.served().<Object>map(served -> served.stream().sorted().toList())
                .orElse("unknown"));
        details.put("replicas", replicas);
        builder.withDetail("transcribers", details);
    }
}
