package vn.guardian.moderation.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.guardian.contracts.serde.Json;
import vn.guardian.contracts.verdict.Action;
import vn.guardian.contracts.verdict.SegmentVerdict;
import vn.guardian.moderation.ModerationApplication;

/** The command-line modes, through the same entry point {@link ModerationApplication#main} dispatches to. */
class ModerationCliTest {

    private static final Pattern TOXIC_VS_CLEAN = Pattern.compile(
            "toxic-vs-clean precision=(\\d\\.\\d{3}) recall=(\\d\\.\\d{3}) f1=(\\d\\.\\d{3})");

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void moderateTurnsEachStdinLineIntoOneJsonVerdict() throws IOException {
        int code = run(stdin("mày ngu quá\nxin chào anh\nyou idiot\n"), "moderate");

        assertThat(code).isZero();
        List<String> lines = output().lines().toList();
        assertThat(lines).hasSize(3);
        List<SegmentVerdict> verdicts = lines.stream().map(l -> Json.MAPPER.readValue(l, SegmentVerdict.class)).toList();
        assertThat(verdicts).extracting(SegmentVerdict::text).containsExactly("mày ngu quá", "xin chào anh", "you idiot");
        assertThat(verdicts).extracting(SegmentVerdict::action).containsExactly(Action.FLAG, Action.ALLOW, Action.FLAG);
        assertThat(verdicts.get(0).lexiconVersion()).startsWith("vi@");
    }

    @Test
    void moderateReadsAFileAndHonoursTheLanguage() throws IOException {
        Path file = Files.writeString(dir.resolve("lines.txt"), "fuck off\nđịt mẹ\n", StandardCharsets.UTF_8);

        assertThat(run(stdin(""), "moderate", "--language", "en", file.toString())).isZero();

        List<SegmentVerdict> verdicts = output().lines().map(l -> Json.MAPPER.readValue(l, SegmentVerdict.class))
                .toList();
        assertThat(verdicts).extracting(SegmentVerdict::action).containsExactly(Action.FLAG, Action.ALLOW);
        assertThat(verdicts.get(1).lexiconVersion()).startsWith("en@").doesNotContain("vi@");
    }

    @Test
    void evalCountsQuotedMultiLineFieldsAndEndsWithToxicVsClean() throws IOException {
        // 3 toxic (2 found, 1 missed), 3 clean (1 falsely flagged): precision = recall = f1 = 2/3
        Path csv = Files.writeString(dir.resolve("small.csv"), """
                text,label
                you are an idiot,insult
                kill the process,clean
                "he said ""hello""
                and then, well, he left",clean
                "i will kill you, i swear",violence_or_threat
                hello there,offensive
                "fuck off",CLEAN
                """, StandardCharsets.UTF_8);

        assertThat(run(stdin(""), "moderate", "--eval", csv.toString())).isZero();

        List<String> lines = output().lines().toList();
        assertThat(lines.get(lines.size() - 1)).isEqualTo("toxic-vs-clean precision=0.667 recall=0.667 f1=0.667");
        assertThat(lines).contains(
                "label=clean support=3 predicted=3 precision=0.667 recall=0.667 f1=0.667",
                "label=insult support=1 predicted=1 precision=1.000 recall=1.000 f1=1.000",
                "label=offensive support=1 predicted=3 precision=0.000 recall=0.000 f1=0.000",
                "label=violence_or_threat support=1 predicted=1 precision=1.000 recall=1.000 f1=1.000");
    }

    @Test
    void csvKeepsDoubledQuotesCommasAndLineBreaksInsideQuotedFields() throws IOException {
        List<LabeledCsv.Row> rows = LabeledCsv.read("t.csv", new StringReader(
                "label,text\r\nclean,\"a \"\"b\"\", c\r\nd\"\r\n\r\nhate,plain\r\n"));

        assertThat(rows).extracting(LabeledCsv.Row::text).containsExactly("a \"b\", c\r\nd", "plain");
        assertThat(rows).extracting(LabeledCsv.Row::label).containsExactly("clean", "hate");
    }

    @Test
    void theLexiconAloneStaysAboveItsMeasuredFloorOnTheEnglishLexiconSet() throws IOException {
        Path csv = dir.resolve("en-eval.csv");
        try (InputStream in = getClass().getResourceAsStream("/eval/en-eval.csv")) {
            Files.copy(in, csv);
        }
        List<LabeledCsv.Row> rows = LabeledCsv.read("en-eval.csv", Files.newBufferedReader(csv));
        assertThat(rows).hasSizeGreaterThanOrEqualTo(200);
        assertThat(rows).extracting(LabeledCsv.Row::label).contains("clean", "profanity", "hate_speech", "sexual",
                "insult", "violence_or_threat", "graphic", "harassment_or_abuse");

        assertThat(run(stdin(""), "moderate", "--language", "en", "--classifier", "lexicon", "--eval",
                csv.toString())).isZero();

        Matcher figures = TOXIC_VS_CLEAN.matcher(output().lines().reduce((a, b) -> b).orElseThrow());
        assertThat(figures.matches()).isTrue();
        // measured 0.985 / 0.890 / 0.935 with en@2026.11.25-4: a lexicon change that loses quality fails here
        assertThat(Double.parseDouble(figures.group(1))).as("precision").isGreaterThanOrEqualTo(0.95);
        assertThat(Double.parseDouble(figures.group(2))).as("recall").isGreaterThanOrEqualTo(0.85);
        assertThat(Double.parseDouble(figures.group(3))).as("f1").isGreaterThanOrEqualTo(0.90);
    }

    @Test
    void theCombinedClassifierCatchesCallCenterAbuseTheLexiconMisses() throws IOException {
        String eval = "training/en/callcenter-eval.csv";

        assertThat(run(stdin(""), "moderate", "--language", "en", "--classifier", "lexicon", "--eval", eval)).isZero();
        Matcher lexicon = lastFigures();
        assertThat(run(stdin(""), "moderate", "--language", "en", "--eval", eval)).isZero();
        assertThat(output()).contains("latency per segment (one thread, ").contains("model en-");
        Matcher combined = lastFigures();

        // measured 0.934 / 0.961 / 0.947 with en-9f8730af80fd (lexicon alone: recall 0.108)
        assertThat(Double.parseDouble(combined.group(1))).as("precision").isGreaterThanOrEqualTo(0.91);
        assertThat(Double.parseDouble(combined.group(2))).as("recall").isGreaterThanOrEqualTo(0.93)
                .isGreaterThan(Double.parseDouble(lexicon.group(2)) + 0.5);
        assertThat(Double.parseDouble(combined.group(3))).as("f1").isGreaterThanOrEqualTo(0.92);
    }

    @Test
    void theCombinedClassifierCatchesVietnameseCallCenterAbuse() throws IOException {
        assertThat(run(stdin(""), "moderate", "--language", "vi", "--eval", "training/vi/callcenter-eval.csv")).isZero();
        Matcher combined = lastFigures();

        // measured 0.975 / 0.507 / 0.667 with vi-0a22de329573 (lexicon alone: 0.875 / 0.185 / 0.305)
        assertThat(Double.parseDouble(combined.group(1))).as("precision").isGreaterThanOrEqualTo(0.93);
        assertThat(Double.parseDouble(combined.group(2))).as("recall").isGreaterThanOrEqualTo(0.45);
        assertThat(Double.parseDouble(combined.group(3))).as("f1").isGreaterThanOrEqualTo(0.60);
    }

    @Test
    void trainWritesAModelThatModerateUses() throws IOException {
        Path data = Files.writeString(dir.resolve("data.csv"), "text,label\n" + String.join("\n",
                "you are a worthless idiot,insult", "i will find you and hurt you,violence_or_threat",
                "thank you for your help,clean", "my bill is wrong this month,clean",
                "you people are all thieves,hate_speech", "can you check my order please,clean") + "\n");

        assertThat(run(stdin(""), "train", "--language", "en", "--data", data.toString(), "--dev", data.toString(),
                "--out", dir.toString())).isZero();

        assertThat(output()).contains("threshold  model: precision recall f1").contains("dev combined  precision=");
        assertThat(dir.resolve("en.model")).exists();
        out.reset();
        assertThat(run(stdin("you worthless idiot\n"), "moderate", "--language", "en", "--classifier", "model",
                "--model", dir.resolve("en.model").toString())).isZero();
        assertThat(Json.MAPPER.readValue(output().trim(), SegmentVerdict.class).lexiconVersion()).startsWith("en-");
    }

    @Test
    void trainRefusesAnUnknownLabelNamingTheFileAndLine() throws IOException {
        Path data = Files.writeString(dir.resolve("bad.csv"), "text,label\nhello,clean\nyou twit,rude\n");

        assertThat(run(stdin(""), "train", "--language", "en", "--data", data.toString(), "--out", dir.toString()))
                .isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("bad.csv line 3").contains("'rude'")
                .contains("insult");
    }

    private Matcher lastFigures() {
        Matcher figures = TOXIC_VS_CLEAN.matcher(output().lines().reduce((a, b) -> b).orElseThrow());
        assertThat(figures.matches()).isTrue();
        out.reset();
        return figures;
    }

    @Test
    void wrongArgumentsExitWithUsageAndBrokenCsvNamesTheProblem() throws IOException {
        assertThat(run(stdin(""), "moderate", "--frobnicate", "x")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown option --frobnicate").contains("usage:");

        Path broken = Files.writeString(dir.resolve("broken.csv"), "words,label\nhi,clean\n");
        assertThat(run(stdin(""), "moderate", "--eval", broken.toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no 'text' column");

        assertThat(ModerationCli.isCommand(new String[] {"moderate"})).isTrue();
        assertThat(ModerationCli.isCommand(new String[] {"--server.port=0"})).isFalse();
    }

    private int run(InputStream in, String... args) {
        return ModerationCli.run(args, in, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String output() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private static InputStream stdin(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
