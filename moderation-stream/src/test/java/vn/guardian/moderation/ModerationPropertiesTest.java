package vn.guardian.moderation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import vn.guardian.contracts.verdict.Category;
import vn.guardian.moderation.classifier.Thresholds;

/** The settings as Spring binds them from keys, the way the yml and run arguments give them. */
class ModerationPropertiesTest {

    @Test
    void tenantOverridesFallBackToTheDefaultsKeyByKey() {
        ModerationProperties properties = bind(Map.of(
                "guardian.moderation.flag-threshold", "0.5",
                "guardian.moderation.escalate-threshold", "0.9",
                "guardian.moderation.tenants.acme.flag-threshold", "0.3",
                "guardian.moderation.tenants.bank.flag-threshold", "0.6",
                "guardian.moderation.tenants.bank.escalate-threshold", "0.7"));

        assertThat(properties.thresholds()).isEqualTo(new Thresholds(0.5, 0.9));
        assertThat(properties.thresholdsByTenant()).containsOnly(
                Map.entry("acme", new Thresholds(0.3, 0.9)), Map.entry("bank", new Thresholds(0.6, 0.7)));
    }

    @Test
    void callRulesDefaultToAThreatOrThreeInsultsInFiveMinutes() {
        ModerationProperties properties = bind(Map.of("guardian.moderation.call-rules.repeat-count", "4"));

        assertThat(properties.callRules().toRules().escalateOn()).containsExactly(Category.VIOLENCE_OR_THREAT);
        assertThat(properties.callRules().toRules().repeatCategories())
                .containsExactlyInAnyOrder(Category.INSULT, Category.HARASSMENT_OR_ABUSE);
        assertThat(properties.callRules().repeatCount()).isEqualTo(4);
        assertThat(properties.callRules().repeatWindow()).isEqualTo(Duration.ofMinutes(5));
        assertThat(properties.tenants()).isEmpty();
    }

    @Test
    void anImpossibleTenantThresholdNamesTheTenantsKey() {
        ModerationProperties properties = bind(Map.of("guardian.moderation.tenants.acme.flag-threshold", "0.95"));

        assertThatThrownBy(properties::thresholdsByTenant).hasMessageContaining(
                "guardian.moderation.tenants.acme.flag-threshold/escalate-threshold").hasMessageContaining("0.95");
    }

    private static ModerationProperties bind(Map<String, String> keys) {
        return new Binder(new MapConfigurationPropertySource(keys))
                .bindOrCreate("guardian.moderation", ModerationProperties.class);
    }
}
