package vn.guardian.moderation.classifier;

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
import vn.guardian.contracts.verdict.ScoreSource;
import vn.guardian.contracts.verdict.SegmentVerdict;
import vn.guardian.contracts.verdict.Severity;
import vn.guardian.contracts.verdict.Span;
import vn.guardian.moderation.lexicon.Lexicon;
import vn.guardian.moderation.lexicon.Lexicons;
import vn.guardian.moderation.lexicon.Match;
import vn.guardian.moderation.lexicon.TextNormalizer;
import vn.guardian.moderation.lexicon.Token;
import vn.guardian.moderation.model.ToxicityModel;
import vn.guardian.moderation.model.ToxicityModels;

/**
 * Decides a segment from two judges. The lexicon says which categories and where (spans, severity): a category's
 * lexicon score combines its matches' severity weights as independent evidence ({@code 1 - Π(1 - w)}). The learned
 * model says whether the text is toxic at all: its probability, re-centred so that the model's trained threshold
 * sits at 0.5, is more independent evidence ({@code 1 - (1 - lexicon)(1 - model)}) for every category the lexicon
 * found, and for the model's own best category when the model alone would flag. The model lifts a score to at
 * most {@link #MODEL_CEILING}: it decides between ALLOW and FLAG, while escalation stays with the lexicon's
 * severities and the call rules. When the model is sure the text is clean (evidence under {@link #MODEL_DOUBT}),
 * the lexicon's scores shrink in proportion; a CRITICAL match still escalates.
 */
public final class SegmentClassifier {

    /** The highest score the model's evidence gives a category: under the default escalate threshold. */
    static final double MODEL_CEILING = 0.85;
    /** Model evidence under which the lexicon's scores shrink in proportion (severity CRITICAL still escalates). */
    static final double MODEL_DOUBT = 0.1;

    private final Lexicons lexicons;
    private final ToxicityModels models;
    private final Judges judges;
    private final Thresholds defaults;
    private final Map<String, Thresholds> byTenant;

    /**
     * A classifier whose {@code byTenant} thresholds override {@code defaults} for those tenants' segments.
     *
     * @param models the toxicity models; unused, and may be empty, when {@code judges} is {@link Judges#LEXICON}
     */
    public SegmentClassifier(Lexicons lexicons, ToxicityModels models, Judges judges, Thresholds defaults,
                             Map<String, Thresholds> byTenant) {
        this.lexicons = lexicons;
        this.models = models;
        this.judges = judges;
        this.defaults = defaults;
        this.byTenant = Map.copyOf(byTenant);
    }

    /** The thresholds that decide {@code tenant}'s segments. */
    public Thresholds thresholds(String tenant) {
        return tenant == null ? defaults : byTenant.getOrDefault(tenant, defaults);
    }

    /** The toxicity models that judge text in {@code language}; none when only the lexicon decides. */
    public List<ToxicityModel> models(String language) {
        return judges.model() ? models.forLanguage(language) : List.of();
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
        Thresholds thresholds = thresholds(segment.tenant());
        Map<Category, CategoryScore> scores = new EnumMap<>(Category.class);
        Severity severity = Severity.NONE;
        List<String> versions = new ArrayList<>();
        List<Token> tokens = TextNormalizer.tokenize(segment.text()); // both judges read the same words
        if (judges.lexicon()) {
            List<Lexicon> applied = lexicons.forLanguage(segment.language());
            List<Match> matches = new ArrayList<>();
            for (Lexicon lexicon : applied) {
                matches.addAll(lexicon.match(tokens));
                versions.add(lexicon.language() + "@" + lexicon.version());
            }
            for (Match match : matches) {
                severity = severity.max(match.entry().severity());
            }
            matches.stream().collect(Collectors.groupingBy(m -> m.entry().category(), () -> new EnumMap<>(Category.class),
                    Collectors.toList())).forEach((category, found) -> scores.put(category, lexiconScore(category, found)));
        }
        if (judges.model()) {
            Category modelCategory = null;
            double strongest = -1;
            for (ToxicityModel model : models.forText(segment.language(), tokens)) {
                ToxicityModel.Judgement judgement = model.judge(tokens);
                double evidence = evidence(judgement, model);
                if (evidence > strongest) {
                    strongest = evidence;
                    modelCategory = judgement.category();
                }
                versions.add(model.version());
            }
            if (modelCategory != null) {
                addModelEvidence(scores, modelCategory, strongest, thresholds);
            }
        }
        List<CategoryScore> categories = new ArrayList<>(scores.values());
        categories.sort(Comparator.comparingDouble(CategoryScore::score).reversed()
                .thenComparing(CategoryScore::category));
        double top = categories.isEmpty() ? 0 : categories.get(0).score();
        return new SegmentVerdict(segment.segmentId(), segment.callId(), segment.tenant(), segment.channel(),
                segment.channelRole(), segment.startMs(), segment.endMs(), segment.text(), segment.language(),
                categories, severity, action(thresholds, severity, top), String.join("+", versions),
                segment.closingChunkIngestedAt(), decidedAt);
    }

    private static CategoryScore lexiconScore(Category category, List<Match> matches) {
        double clean = 1;
        List<Span> spans = new ArrayList<>();
        for (Match match : matches) {
            clean *= 1 - weight(match.entry().severity());
            spans.add(new Span(match.start(), match.end(), match.entry().term()));
        }
        return new CategoryScore(category, round(1 - clean), spans, ScoreSource.LEXICON);
    }

    /** The model's probability as evidence: its trained threshold maps to 0.5, capped at {@link #MODEL_CEILING}. */
    private static double evidence(ToxicityModel.Judgement judgement, ToxicityModel model) {
        double odds = judgement.toxicity() / Math.max(1e-9, 1 - judgement.toxicity());
        double thresholdOdds = model.threshold() / (1 - model.threshold());
        double centred = odds / thresholdOdds;
        return Math.min(MODEL_CEILING, centred / (1 + centred));
    }

    private static void addModelEvidence(Map<Category, CategoryScore> scores, Category modelCategory,
                                         double evidence, Thresholds thresholds) {
        if (evidence < MODEL_DOUBT) {
            // the model is sure the text is clean: a lexicon word used innocently ("kill the process") loses weight
            scores.replaceAll((category, lexicon) -> new CategoryScore(category,
                    round(lexicon.score() * evidence / MODEL_DOUBT), lexicon.spans(), ScoreSource.LEXICON_AND_MODEL));
            return;
        }
        scores.replaceAll((category, lexicon) -> new CategoryScore(category, round(Math.max(lexicon.score(),
                Math.min(MODEL_CEILING, 1 - (1 - lexicon.score()) * (1 - evidence)))), lexicon.spans(),
                ScoreSource.LEXICON_AND_MODEL));
        if (!scores.containsKey(modelCategory) && evidence >= thresholds.flag()) {
            scores.put(modelCategory, new CategoryScore(modelCategory, round(evidence), List.of(), ScoreSource.MODEL));
        }
    }

    private static double round(double score) {
        return Math.min(1, Math.round(score * 1000) / 1000.0);
    }

    private static Action action(Thresholds thresholds, Severity severity, double topScore) {
        if (severity == Severity.CRITICAL || topScore >= thresholds.escalate()) {
            return Action.ESCALATE;
        }
        return topScore >= thresholds.flag() ? Action.FLAG : Action.ALLOW;
    }
}
