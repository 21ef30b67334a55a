package vn.guardian.moderation.classifier;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import vn.guardian.contracts.transcript.TranscriptSegment;
import vn.guardian.contracts.verdict.Action;
import vn.guardian.contracts.verdict.Category;
import vn.guardian.contracts.verdict.CategoryScore;
import vn.guardian.contracts.verdict.ScoreSource;
import vn.guardian.contracts.verdict.SegmentVerdict;
import vn.guardian.contracts.verdict.Severity;
import vn.guardian.contracts.verdict.Span;
import vn.guardian.moderation.Segments;
import vn.guardian.moderation.lexicon.Lexicon;
import vn.guardian.moderation.lexicon.Lexicons;
import vn.guardian.moderation.model.ToxicityModels;

class SegmentClassifierTest {

    private static final Lexicons LEXICONS = Lexicons.bundled();
    private static final SegmentClassifier CLASSIFIER = lexiconOnly(new Thresholds(0.5, 0.9), Map.of());
    private static final SegmentClassifier COMBINED = new SegmentClassifier(LEXICONS, ToxicityModels.bundled(),
            Judges.COMBINED, new Thresholds(0.5, 0.9), Map.of());

    private static SegmentClassifier lexiconOnly(Thresholds defaults, Map<String, Thresholds> byTenant) {
        return new SegmentClassifier(LEXICONS, new ToxicityModels(List.of()), Judges.LEXICON, defaults, byTenant);
    }

    private static SegmentVerdict decide(String language, String text) {
        return CLASSIFIER.classify(Segments.segment("call-1", 0, language, text), 1_000L);
    }

    private static Map<Category, CategoryScore> byCategory(SegmentVerdict verdict) {
        return verdict.categories().stream().collect(Collectors.toMap(CategoryScore::category, c -> c));
    }

    @Test
    void bundledLexiconsHaveAVersionAndDecentCoverage() {
        assertThat(LEXICONS.get("en").entries()).hasSizeGreaterThanOrEqualTo(100);
        assertThat(LEXICONS.get("vi").entries()).hasSizeGreaterThanOrEqualTo(100);
        assertThat(LEXICONS.get("vi").version()).isNotBlank();
    }

    @Test
    void voskStyleEnglishInsultAndThreatEscalateWithSpansOnTheWords() {
        String text = "you are an idiot i will kill you";
        SegmentVerdict verdict = decide("en", text);

        Map<Category, CategoryScore> categories = byCategory(verdict);
        assertThat(categories).containsOnlyKeys(Category.INSULT, Category.VIOLENCE_OR_THREAT);
        assertThat(verdict.action()).isEqualTo(Action.ESCALATE);
        assertThat(verdict.severity()).isEqualTo(Severity.CRITICAL);
        Span insult = categories.get(Category.INSULT).spans().get(0);
        assertThat(text.substring(insult.start(), insult.end())).isEqualTo("idiot");
        Span threat = categories.get(Category.VIOLENCE_OR_THREAT).spans().get(0);
        assertThat(text.substring(threat.start(), threat.end())).isEqualTo("kill");
        assertThat(verdict.lexiconVersion()).startsWith("en@");
    }

    @ParameterizedTest
    @ValueSource(strings = {"kill the process", "shoot me an email", "this deal is killer",
            "i could kill for a coffee", "this printer is stupid slow as usual", "i'll shoot you an email",
            "it won't kill you to wait a minute", "i will never hurt you",
            "please take out the trash", "thank you so much for calling"})
    void hardCleanEnglishStaysClean(String text) {
        SegmentVerdict verdict = decide("en", text);
        assertThat(verdict.categories()).as(text).isEmpty();
        assertThat(verdict.action()).isEqualTo(Action.ALLOW);
    }

    @ParameterizedTest
    @ValueSource(strings = {"i'll shoot you", "i am going to kill him", "i will stab you tomorrow",
            "i know where you live", "you're a dead man"})
    void englishThreatsEscalate(String text) {
        SegmentVerdict verdict = decide("en", text);
        assertThat(verdict.categories()).as(text).extracting(CategoryScore::category)
                .containsExactly(Category.VIOLENCE_OR_THREAT);
        assertThat(verdict.action()).isEqualTo(Action.ESCALATE);
    }

    @Test
    void elongatedAndPunctuatedEnglishStillMatches() {
        String text = "You're sooo STUUUPID!!!";
        SegmentVerdict verdict = decide("en-US", text);
        Span span = byCategory(verdict).get(Category.INSULT).spans().get(0);
        assertThat(text.substring(span.start(), span.end())).isEqualTo("STUUUPID");
        assertThat(verdict.action()).isEqualTo(Action.FLAG);
    }

    @Test
    void moreMatchesScoreHigherButNeverAboveOne() {
        double one = byCategory(decide("en", "damn")).get(Category.PROFANITY).score();
        double three = byCategory(decide("en", "damn crap damn")).get(Category.PROFANITY).score();
        assertThat(one).isLessThan(three);
        assertThat(three).isLessThanOrEqualTo(1.0);
        assertThat(decide("en", "damn").action()).isEqualTo(Action.ALLOW);
        assertThat(decide("en", "fuck this fucking shit").action()).isEqualTo(Action.ESCALATE);
    }

    @Test
    void tenantThresholdsOverrideTheDefaultsForThatTenantOnly() {
        SegmentClassifier perTenant = lexiconOnly(new Thresholds(0.5, 0.9),
                Map.of("strict", new Thresholds(0.3, 0.5), "lenient", new Thresholds(0.8, 0.99)));
        TranscriptSegment mild = Segments.segment("call-t", 0, "en", "damn");
        TranscriptSegment rude = Segments.segment("call-t", 0, "en", "you idiot");

        assertThat(perTenant.classify(withTenant(mild, "strict"), 1).action()).isEqualTo(Action.FLAG);
        assertThat(perTenant.classify(withTenant(mild, "other"), 1).action()).isEqualTo(Action.ALLOW);
        assertThat(perTenant.classify(withTenant(rude, "strict"), 1).action()).isEqualTo(Action.ESCALATE);
        assertThat(perTenant.classify(withTenant(rude, "other"), 1).action()).isEqualTo(Action.FLAG);
        assertThat(perTenant.classify(withTenant(rude, "lenient"), 1).action()).isEqualTo(Action.ALLOW);
    }

    @ParameterizedTest
    @ValueSource(strings = {"is anyone at your company capable of thinking",
            "it would be a shame if something happened to your car", "what are you doing after work gorgeous"})
    void theModelCatchesAbuseWithoutAnyLexiconWordAndSaysItHasNoSpan(String text) {
        SegmentVerdict verdict = COMBINED.classify(Segments.segment("call-m", 0, "en", text), 1);

        assertThat(CLASSIFIER.classify(Segments.segment("call-m", 0, "en", text), 1).action()).isEqualTo(Action.ALLOW);
        assertThat(verdict.action()).isEqualTo(Action.FLAG);
        assertThat(verdict.categories()).first().satisfies(top -> {
            assertThat(top.source()).isEqualTo(ScoreSource.MODEL);
            assertThat(top.spans()).isEmpty();
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"kill the process and restart the server", "the traffic was murder this morning",
            "thank you for calling how can i help you today"})
    void hardCleanLinesStayAllowedWithTheModel(String text) {
        assertThat(COMBINED.classify(Segments.segment("call-c", 0, "en", text), 1).action()).isEqualTo(Action.ALLOW);
    }

    @Test
    void theModelConfirmsAWeakLexiconMatchThatAloneStaysUnderTheFlagThreshold() {
        TranscriptSegment segment = Segments.segment("call-w", 0, "en", "you are useless nobody wants to talk to you");

        SegmentVerdict lexicon = CLASSIFIER.classify(segment, 1);
        SegmentVerdict combined = COMBINED.classify(segment, 1);

        assertThat(lexicon.action()).isEqualTo(Action.ALLOW);
        assertThat(combined.action()).isIn(Action.FLAG, Action.ESCALATE);
        assertThat(combined.categories()).first().satisfies(top -> {
            assertThat(top.source()).isEqualTo(ScoreSource.LEXICON_AND_MODEL);
            assertThat(top.spans()).extracting(Span::term).contains("useless");
        });
    }

    @Test
    void vietnameseToxicityIsJudgedWithAndWithoutDiacritics() {
        for (String text : List.of("mày là thằng ngu như chó", "may la thang ngu nhu cho")) {
            assertThat(COMBINED.classify(Segments.segment("call-v", 0, "vi", text), 1).action())
                    .as(text).isIn(Action.FLAG, Action.ESCALATE);
        }
        assertThat(COMBINED.classify(Segments.segment("call-v", 0, "vi", "cảm ơn chị đã gọi cho tổng đài"), 1)
                .action()).isEqualTo(Action.ALLOW);
    }

    @Test
    void theVerdictNamesTheLexiconAndTheModelThatDecided() {
        SegmentVerdict verdict = COMBINED.classify(Segments.segment("call-v", 0, "en", "hello"), 1);

        assertThat(verdict.lexiconVersion()).matches("en@\\S+\\+en-[0-9a-f]{12}");
    }

    private static TranscriptSegment withTenant(TranscriptSegment s, String tenant) {
        return new TranscriptSegment(s.segmentId(), s.callId(), tenant, s.channel(), s.channelRole(), s.startMs(),
                s.endMs(), s.text(), s.words(), s.language(), s.closingChunkIngestedAt(), s.transcribedAt());
    }

    @Test
    void vietnameseThreatAndTargetedInsult() {
        String text = "Mày ngu vãi, tao giết mày";
        SegmentVerdict verdict = decide("vi", text);
        Map<Category, CategoryScore> categories = byCategory(verdict);
        assertThat(categories).containsKeys(Category.INSULT, Category.VIOLENCE_OR_THREAT, Category.PROFANITY);
        assertThat(verdict.action()).isEqualTo(Action.ESCALATE);
        Span threat = categories.get(Category.VIOLENCE_OR_THREAT).spans().get(0);
        assertThat(text.substring(threat.start(), threat.end())).isEqualTo("giết mày");
        Span insult = categories.get(Category.INSULT).spans().get(0);
        assertThat(text.substring(insult.start(), insult.end())).isEqualTo("ngu");
    }

    @ParameterizedTest
    @ValueSource(strings = {"vcl", "vl", "dm", "đm", "dcm", "clm", "đéo", "deo", "địt", "dit", "đjt", "djt",
            "óc chó", "oc cho", "dit me may", "DMMMM", "đụ má", "du ma", "clmm", "lol", "dell", "đờ mờ", "do mo",
            "não tàn", "nao tan", "bò đỏ", "3 que", "mày sủa cái gì", "cứt", "chết mẹ", "chet me"})
    void vietnameseTeencodeAndUnaccentedProfanityIsFound(String text) {
        assertThat(decide("vi", "thôi " + text + " rồi").categories()).as(text).isNotEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"tôi muốn đi du lịch Đà Lạt", "giáo dục con cái rất quan trọng", "em đi ngủ đây",
            "anh đeo kính vào nhé", "mua một lon bia", "giết thời gian chờ tổng đài", "giết con gà làm cỗ",
            "hôm nay trời đẹp quá", "giá vé cắt cổ quá", "con chó nhà tôi rất ngoan", "chém gió cả ngày",
            "đừng giết nó", "con chó nhà hàng xóm sủa cả đêm", "bệnh viện tâm thần ở đâu", "đánh cho xong bài này",
            "tát nước ao", "nuôi con lợn", "đi bắc kinh công tác", "mẹ cho con đi học"})
    void everydayVietnameseStaysClean(String text) {
        SegmentVerdict verdict = decide("vi", text);
        assertThat(verdict.categories()).as(text).isEmpty();
        assertThat(verdict.action()).isEqualTo(Action.ALLOW);
    }

    @Test
    void unknownLanguageAppliesEveryLexicon() {
        SegmentVerdict verdict = decide(null, "đồ ngu, you idiot");
        assertThat(verdict.categories()).extracting(CategoryScore::category).containsExactly(Category.INSULT);
        assertThat(verdict.categories().get(0).spans()).hasSize(2);
        assertThat(verdict.lexiconVersion()).contains("vi@").contains("en@");
    }

    @Test
    void rejectsABrokenLexiconLineNamingTheLineAndTheFix() {
        String file = "#! language xx\n#! version 1\nidiot\tINSULTS\tHIGH\t-\n";
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> Lexicon.parse("xx.tsv", new java.io.StringReader(file)))
                .hasMessageContaining("xx.tsv:3").hasMessageContaining("INSULTS").hasMessageContaining("HATE_SPEECH");
    }
}
