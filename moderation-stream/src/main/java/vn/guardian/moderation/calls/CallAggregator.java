package vn.guardian.moderation.calls;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import vn.guardian.contracts.transcript.CallClosed;
import vn.guardian.contracts.verdict.Action;
import vn.guardian.contracts.verdict.CallVerdict;
import vn.guardian.contracts.verdict.Category;
import vn.guardian.contracts.verdict.CategoryScore;
import vn.guardian.contracts.verdict.Escalation;
import vn.guardian.contracts.verdict.SegmentVerdict;
import vn.guardian.contracts.verdict.Severity;
import vn.guardian.moderation.classifier.SegmentClassifier;

/**
 * Folds segment verdicts into one verdict per call, the only call-level result. The risk score treats each flagged
 * segment as independent evidence, {@code risk = 1 - Π(1 - RISK_SHARE · w(severity))}: it grows with every repeat
 * and faster with severe ones, and never reaches 1. The first rule that escalates the call is kept as its
 * {@link Escalation}, with the segments that fired it.
 */
public final class CallAggregator {

    /** One segment moves the call's risk by at most this share of its severity weight. */
    static final double RISK_SHARE = 0.5;

    private final EscalationRules rules;

    public CallAggregator(EscalationRules rules) {
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
        List<CallState.Repeat> repeats = new ArrayList<>();
        long windowStart = verdict.startMs() - rules.repeatWindow().toMillis();
        for (CallState.Repeat repeat : previous == null ? List.<CallState.Repeat>of() : previous.repeats()) {
            if (repeat.startMs() > windowStart) {
                repeats.add(repeat);
            }
        }
        Action action = before.action().max(verdict.action());
        Escalation escalation = before.escalation();
        if (escalation == null && verdict.action() == Action.ESCALATE) {
            escalation = new Escalation(Escalation.SEGMENT, "a segment escalated on its own (" + verdict.severity()
                    + " " + categories(verdict, null) + ")", List.of(verdict.segmentId()));
        }
        if (flagged && hasAny(verdict, rules.escalateOn())) {
            action = Action.ESCALATE;
            if (escalation == null) {
                escalation = new Escalation(Escalation.ESCALATE_ON, "a flagged " + categories(verdict, rules.escalateOn())
                        + " segment (call-rules.escalate-on)", List.of(verdict.segmentId()));
            }
        }
        if (flagged && hasAny(verdict, rules.repeatCategories())) {
            repeats.add(new CallState.Repeat(verdict.startMs(), verdict.segmentId()));
            repeats.sort(Comparator.comparingLong(CallState.Repeat::startMs));
            if (repeats.size() >= rules.repeatCount()) {
                action = Action.ESCALATE;
                if (escalation == null) {
                    escalation = new Escalation(Escalation.REPEAT, repeats.size() + " flagged "
                            + new TreeSet<>(rules.repeatCategories()) + " segments within " + rules.repeatWindow()
                            + " of audio (call-rules.repeat-count " + rules.repeatCount() + ")",
                            repeats.stream().map(CallState.Repeat::segmentId).toList());
                }
            }
        }
        String tenant = before.tenant() == null || before.tenant().isEmpty() ? verdict.tenant() : before.tenant();
        CallVerdict after = new CallVerdict(verdict.callId(), tenant, before.segments() + 1, counts,
                before.maxSeverity().max(verdict.severity()), Math.round(risk * 1000) / 1000.0, action, escalation,
                before.open(), before.closeReason(), now);
        return new CallState(after, repeats);
    }

    /**
     * The state once the transcriber closed the call. CallClosed follows the call's last segment on the same
     * partition, so the verdict is final; a repeated CallClosed changes nothing.
     */
    public CallState close(CallState previous, CallClosed closed, long now) {
        if (previous != null && !previous.verdict().open()) {
            return previous;
        }
        CallVerdict before = previous == null ? empty(closed.callId(), closed.tenant(), now) : previous.verdict();
        CallVerdict after = new CallVerdict(before.callId(), before.tenant(), before.segments(),
                before.countsByCategory(), before.maxSeverity(), before.riskScore(), before.action(),
                before.escalation(), false, closed.reason(), now);
        return new CallState(after, List.of());
    }

    private static CallVerdict empty(String callId, String tenant, long now) {
        return new CallVerdict(callId, tenant == null ? "" : tenant, 0, Map.of(), Severity.NONE, 0, Action.ALLOW,
                null, true, null, now);
    }

    private static boolean hasAny(SegmentVerdict verdict, Set<Category> categories) {
        return verdict.categories().stream().anyMatch(c -> categories.contains(c.category()));
    }

    /** The verdict's categories, limited to {@code among} when given. */
    private static Set<Category> categories(SegmentVerdict verdict, Set<Category> among) {
        Set<Category> found = new TreeSet<>();
        for (CategoryScore score : verdict.categories()) {
            if (among == null || among.contains(score.category())) {
                found.add(score.category());
            }
        }
        return found;
    }
}
