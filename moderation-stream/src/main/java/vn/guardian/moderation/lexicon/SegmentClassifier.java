package vn.guardian.moderation.lexicon;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import vn.guardian.contracts.transcript.TranscriptSegment;
import vn.guardian.contracts.verdict.Action;
import vn.guardian.contracts.verdict.Category;
import vn.guardian.contracts.verdict.CategoryScore;
import vn.guardian.contracts.verdict.SegmentVerdict;
import vn.guardian.contracts.verdict.Severity;
import vn.guardian.contracts.verdict.Span;

/**
 * Decides a segment from lexicon matches. A category's score combines its matches' severity weights as
 * independent evidence ({@code 1 - Π(1 - w)}), so more matches score higher and the score never passes 1.
 */
public final class SegmentClassifier {

    private final Lexicons lexicons;
    private final Thresholds defaults;
    private final Map<String, Thresholds> byTenant;

    /** A classifier with the same thresholds for every tenant. */
    public SegmentClassifier(Lexicons lexicons, Thresholds thresholds) {
        this(lexicons, thresholds, Map.of());
    }

    /** A classifier whose {@code byTenant} thresholds override {@code defaults} for those tenants' segments. */
    public SegmentClassifier(Lexicons lexicons, Thresholds defaults, Map<String, Thresholds> byTenant) {
        this.lexicons = lexicons;
        this.defaults = defaults;
        this.byTenant = Map.copyOf(byTenant);
    }

    /** The thresholds that decide {@code tenant}'s segments. */
    public Thresholds thresholds(String tenant) {
        return tenant == null ? defaults : byTenant.getOrDefault(tenant, defaults);
    }

    /** How much one match of a severity says about its category (and one segment about its call's risk). */
    public static double weight(Severity severity) {
        switch (severity) {
            case LOW:
                return 0.35;
            case MEDIUM:
                return 0.55;
            case HIGH:
                return 0.75;
            case CRITICAL:
                return 0.95;
            default:
                return 0;
        }
    }

    /** The verdict on {@code segment}, decided at {@code decidedAt} (epoch millis). */
    public SegmentVerdict classify(TranscriptSegment segment, long decidedAt) {
        List<Lexicon> applied = lexicons.forLanguage(segment.language());
        List<Token> tokens = TextNormalizer.tokenize(segment.text());
        List<Match> matches = new ArrayList<>();
        for (Lexicon lexicon : applied) {
            matches.addAll(lexicon.match(tokens));
        }
        Map<Category, List<Match>> byCategory = new EnumMap<>(Category.class);
        Severity severity = Severity.NONE;
        for (Match match : matches) {
            byCategory.computeIfAbsent(match.entry().category(), c -> new ArrayList<>()).add(match);
            severity = severity.max(match.entry().severity());
        }
        List<CategoryScore> categories = new ArrayList<>();
        double top = 0;
        for (Map.Entry<Category, List<Match>> entry : byCategory.entrySet()) {
            double clean = 1;
            List<Span> spans = new ArrayList<>();
            for (Match match : entry.getValue()) {
                clean *= 1 - weight(match.entry().severity());
                spans.add(new Span(match.start(), match.end(), match.entry().term()));
            }
            double score = Math.min(1, Math.round((1 - clean) * 1000) / 1000.0);
            top = Math.max(top, score);
            categories.add(new CategoryScore(entry.getKey(), score, spans));
        }
        categories.sort(Comparator.comparingDouble(CategoryScore::score).reversed()
                .thenComparing(CategoryScore::category));
        String version = applied.stream().map(l -> l.language() + "@" + l.version()).collect(Collectors.joining("+"));
        return new SegmentVerdict(segment.segmentId(), segment.callId(), segment.tenant(), segment.channel(),
                segment.channelRole(), segment.startMs(), segment.endMs(), segment.text(), segment.language(),
                categories, severity, action(thresholds(segment.tenant()), severity, top), version,
                segment.closingChunkIngestedAt(), decidedAt);
    }

    private static Action action(Thresholds thresholds, Severity severity, double topScore) {
        if (severity == Severity.CRITICAL || topScore >= thresholds.escalate()) {
            return Action.ESCALATE;
        }
        return topScore >= thresholds.flag() ? Action.FLAG : Action.ALLOW;
    }
}
