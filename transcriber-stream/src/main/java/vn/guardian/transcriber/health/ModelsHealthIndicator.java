package vn.guardian.transcriber.health;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;
import vn.guardian.voskmodels.VoskModels;

/** Health {@code models}: part of readiness, UP once every configured model is loaded (the bean exists only then). */
@Component
public class ModelsHealthIndicator extends AbstractHealthIndicator {

    private final VoskModels models;

    public ModelsHealthIndicator(VoskModels models) {
        this.models = models;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        if (models.languages().isEmpty()) {
            builder.down().withDetail("reason", "no model configured in guardian.transcriber.models");
        } else {
            builder.up().withDetail("languages", models.languages());
        }
    }
}
