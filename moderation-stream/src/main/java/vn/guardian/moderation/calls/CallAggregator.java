package vn.guardian.moderation.calls;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import vn.guardian.contracts.audio.CallEnded;
import vn.guardian.contracts.verdict.Action;
import vn.guardian.contracts.verdict.CallVerdict;
import vn.guardian.contracts.verdict.Category;
import vn.guardian.contracts.verdict.CategoryScore;
import vn.guardian.contracts.verdict.SegmentVerdict;
import vn.guardian.contracts.verdict.Severity;
import vn.guardian.moderation.classifier.SegmentClassifier;

/**
 * Folds segment verdicts into one verdict per call. The risk score treats each flagged segment as independent
 * evidence, {@code risk = 1 - Π(1 - RISK_SHARE · w(severity))}: it grows with every repeat and faster with severe
 * ones, and never reaches 1.
 */
public final class CallAggregator {

    /** One segment moves the call's risk by at most this share of its severity weight. */
    static final double RISK_SHARE = 0.5;

    private final CallRules rules;

    public CallAggregator(CallRules rules) {
        this.rules = rules;
    }

    /** The state after {@code verdict}; {@code previous} is null for a call's first segment. */
    public CallState add(CallState previous, SegmentVerdict verdict, long now) {
        CallVerdict before = previous == null ? empty(verdict.callId(), verdict.tenant(), now) : previous.verdict();
        Map<Category, Long> counts = new EnumMap<>(Category.class);
        counts.putAll(before.countsByCategory());
        for (CategoryScore score : verdict.categories()) {
            counts.merge(score.category(), 1L, Long::sum);
        }
        boolean flagged = verdict.action() != Action.ALLOW;
        double risk = before.riskScore();
        if (flagged) {
            risk = 1 - (1 - risk) * (1 - RISK_SHARE * SegmentClassifier.weight(verdict.severity()));
        }
        List<Long> repeats = new ArrayList<>();
        long windowStart = verdict.startMs() - rules.repeatWindow().toMillis();
        for (long at : previous == null ? List.<Long>of() : previous.repeatTimes()) {
            if (at > windowStart) {
                repeats.add(at);
            }
        }
        Action action = before.action().max(verdict.action());
        if (flagged && hasAny(verdict, rules.escalateOn())) {
            action = Action.ESCALATE;
        }
        if (flagged && hasAny(verdict, rules.repeatCategories())) {
            repeats.add(verdict.startMs());
            repeats.sort(null);
            if (repeats.size() >= rules.repeatCount()) {
                action = Action.ESCALATE;
            }
        }
        String tenant = before.tenant() == null || before.tenant().isEmpty() ? verdict.tenant() : before.tenant();
        CallVerdict after = new CallVerdict(verdict.callId(), tenant, before.segments() + 1, counts,
                before.maxSeverity().max(verdict.severity()), Math.round(risk * 1000) / 1000.0, action,
                before.open(), now);
        return new CallState(after, repeats);
    }

    /**
     * The state once the call ended. Segments of its last utterances may still arrive afterwards (they travel on
     * another topic); {@link #add} keeps counting them on the closed verdict.
     */
    public CallState close(CallState previous, CallEnded ended, long now) {
        CallVerdict before = previous == null ? empty(ended.callId(), ended.tenant(), now) : previous.verdict();
        CallVerdict after = new CallVerdict(before.callId(), before.tenant(), before.segments(),
                before.countsByCategory(), before.maxSeverity(), before.riskScore(), before.action(), false, now);
        return new CallState(after, List.of());
    }

    private static CallVerdict empty(String callId, String tenant, long now) {
        return new CallVerdict(callId, tenant == null ? "" : tenant, 0, Map.of(), Severity.NONE, 0, Action.ALLOW,
                true, now);
    }

    private static boolean hasAny(SegmentVerdict verdict, Set<Category> categories) {
        return verdict.categories().stream().anyMatch(c -> categories.contains(c.category()));
    }
}
