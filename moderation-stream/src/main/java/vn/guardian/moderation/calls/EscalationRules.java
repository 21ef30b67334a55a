package vn.guardian.moderation.calls;

import java.time.Duration;
import java.util.Set;
import vn.guardian.contracts.verdict.Category;

/**
 * When a whole call escalates, beyond its segments' own actions ({@code guardian.moderation.call-rules.*}).
 *
 * @param escalateOn        one flagged segment in any of these categories escalates the call ("any threat")
 * @param repeatCategories  categories that count as one more abusive segment for the repeat rule
 * @param repeatCount       that many abusive segments within {@code repeatWindow} escalate the call
 * @param repeatWindow      audio time in which the repeats must fall ("three insults within five minutes")
 */
public record EscalationRules(Set<Category> escalateOn, Set<Category> repeatCategories, int repeatCount,
                        Duration repeatWindow) {

    public EscalationRules {
        escalateOn = Set.copyOf(escalateOn);
        repeatCategories = Set.copyOf(repeatCategories);
        if (repeatCount < 1) {
            throw new IllegalArgumentException("guardian.moderation.call-rules.repeat-count=" + repeatCount
                    + " must be at least 1");
        }
        if (repeatWindow.isNegative() || repeatWindow.isZero()) {
            throw new IllegalArgumentException("guardian.moderation.call-rules.repeat-window=" + repeatWindow
                    + " must be positive, e.g. 5m");
        }
    }

    /** The documented defaults: any threat, or three insults or abuses within five minutes of audio. */
    public static EscalationRules defaults() {
        return new EscalationRules(Set.of(Category.VIOLENCE_OR_THREAT),
                Set.of(Category.INSULT, Category.HARASSMENT_OR_ABUSE), 3, Duration.ofMinutes(5));
    }
}
