package vn.guardian.moderation;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import vn.guardian.contracts.verdict.Category;
import vn.guardian.moderation.calls.EscalationRules;
import vn.guardian.moderation.classifier.Judges;
import vn.guardian.moderation.classifier.Thresholds;
import vn.guardian.moderation.model.ToxicityModels;

/**
 * Settings under {@code guardian.moderation}.
 *
 * @param applicationId     Kafka Streams application id: consumer group, transactional id and internal topic prefix
 * @param stateDir          local directory for the dedupe store; empty means {@code <tmpdir>/guardian-moderation}
 * @param replicationFactor replicas of Streams' internal topics; -1 takes the broker's default
 * @param dedupeWindow      how long a decided segmentId is remembered to drop repeats
 * @param flagThreshold     category score that flags a segment
 * @param escalateThreshold category score that escalates a segment
 * @param tenants           per-tenant overrides of the thresholds, by tenant id
 * @param callRules         when a whole call escalates
 * @param callRetention     how long a call untouched since its last event stays in the call table
 * @param sinkGroupId       consumer group of the PostgreSQL verdict sink
 * @param sinkBatchSize     most verdicts per sink poll, hence per database transaction
 * @param sinkTimeout       longest a database batch may take before it counts as failed and is retried
 * @param registryGroupId   consumer group of the calls registry, which keeps the {@code calls} table
 * @param classifier        which judges decide a segment: {@code combined} (lexicon and model), {@code lexicon} or
 *                          {@code model}
 * @param toxicityModels    learned toxicity model file per language, or {@code bundled} for the committed one;
 *                          unset means the bundled {@code vi} and {@code en} models
 */
@ConfigurationProperties("guardian.moderation")
public record ModerationProperties(
        @DefaultValue("guardian-moderation") String applicationId,
        @DefaultValue("") String stateDir,
        @DefaultValue("-1") int replicationFactor,
        @DefaultValue("6h") Duration dedupeWindow,
        @DefaultValue("0.5") double flagThreshold,
        @DefaultValue("0.9") double escalateThreshold,
        Map<String, TenantThresholds> tenants,
        @DefaultValue CallRulesProperties callRules,
        @DefaultValue("6h") Duration callRetention,
        @DefaultValue("guardian-verdict-sink") String sinkGroupId,
        @DefaultValue("500") int sinkBatchSize,
        @DefaultValue("30s") Duration sinkTimeout,
        @DefaultValue("guardian-call-registry") String registryGroupId,
        @DefaultValue("combined") String classifier,
        Map<String, String> toxicityModels) {

    public ModerationProperties {
        tenants = tenants == null ? Map.of() : Map.copyOf(tenants);
        toxicityModels = toxicityModels == null || toxicityModels.isEmpty()
                ? ToxicityModels.BUNDLED_LOCATIONS : Map.copyOf(toxicityModels);
    }

    /** The judges {@link #classifier()} names. */
    public Judges judges() {
        try {
            return Judges.parse(classifier);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("guardian.moderation.classifier: " + e.getMessage(), e);
        }
    }

    /**
     * One tenant's thresholds; an unset one keeps the default.
     *
     * @param flagThreshold     {@code guardian.moderation.tenants.<tenant>.flag-threshold}
     * @param escalateThreshold {@code guardian.moderation.tenants.<tenant>.escalate-threshold}
     */
    public record TenantThresholds(Double flagThreshold, Double escalateThreshold) {
    }

    /**
     * {@link EscalationRules} as configured.
     *
     * @param escalateOn       categories of which one flagged segment escalates the call
     * @param repeatCategories categories whose flagged segments count towards the repeat rule
     * @param repeatCount      flagged segments in those categories that escalate the call within the window
     * @param repeatWindow     audio time the repeats must fall within
     */
    public record CallRulesProperties(
            @DefaultValue("VIOLENCE_OR_THREAT") Set<Category> escalateOn,
            @DefaultValue({"INSULT", "HARASSMENT_OR_ABUSE"}) Set<Category> repeatCategories,
            @DefaultValue("3") int repeatCount,
            @DefaultValue("5m") Duration repeatWindow) {

        public EscalationRules toRules() {
            return new EscalationRules(escalateOn, repeatCategories, repeatCount, repeatWindow);
        }
    }

    /** The default thresholds. */
    public Thresholds thresholds() {
        return new Thresholds(flagThreshold, escalateThreshold);
    }

    /** Thresholds per configured tenant, each override falling back to the default. */
    public Map<String, Thresholds> thresholdsByTenant() {
        Map<String, Thresholds> byTenant = new java.util.HashMap<>();
        tenants.forEach((tenant, t) -> {
            double flag = t.flagThreshold() == null ? flagThreshold : t.flagThreshold();
            double escalate = t.escalateThreshold() == null ? escalateThreshold : t.escalateThreshold();
            try {
                byTenant.put(tenant, new Thresholds(flag, escalate));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("guardian.moderation.tenants." + tenant + ": " + e.getMessage()
                        .replace("guardian.moderation.flag-threshold/escalate-threshold",
                                "guardian.moderation.tenants." + tenant + ".flag-threshold/escalate-threshold"), e);
            }
        });
        return byTenant;
    }

    /** {@link #stateDir()}, or a directory under the system temp dir when none is set. */
    public String effectiveStateDir() {
        return stateDir == null || stateDir.isBlank()
                ? System.getProperty("java.io.tmpdir") + "/guardian-moderation" : stateDir;
    }
}
