package vn.guardian.moderation.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.guardian.contracts.verdict.Category;

class ToxicityModelTest {

    private static final ToxicityModels BUNDLED = ToxicityModels.bundled();

    @TempDir
    Path dir;

    @Test
    void theCommittedModelsLoadForVietnameseAndEnglish() {
        assertThat(BUNDLED.all()).extracting(ToxicityModel::language).containsExactlyInAnyOrder("vi", "en");
        assertThat(BUNDLED.forLanguage("vi").get(0).categories()).hasSize(Category.values().length);
        assertThat(BUNDLED.forLanguage("en-US").get(0).categories()).hasSize(Category.values().length);
        assertThat(BUNDLED.forLanguage("xx")).hasSize(2);
    }

    @Test
    void theCommittedModelsGiveStableScoresForFixedLines() {
        ToxicityModel en = BUNDLED.forLanguage("en").get(0);
        ToxicityModel vi = BUNDLED.forLanguage("vi").get(0);

        assertThat(en.judge("is anyone at your company capable of thinking").toxicity()).isCloseTo(EN_INSULT, within());
        assertThat(en.judge("thank you for calling how can i help you").toxicity()).isCloseTo(EN_CLEAN, within());
        assertThat(vi.judge("mày là thằng ngu").toxicity()).isCloseTo(VI_INSULT, within());
        assertThat(vi.judge("cảm ơn bạn rất nhiều").toxicity()).isCloseTo(VI_CLEAN, within());
    }

    // the committed models' outputs: a retrained or corrupted artifact changes them
    private static final double EN_INSULT = 0.9183922280287286;
    private static final double EN_CLEAN = 0.00654854037486023;
    private static final double VI_INSULT = 0.9998910468630713;
    private static final double VI_CLEAN = 7.050603108573841E-4;

    private static org.assertj.core.data.Offset<Double> within() {
        return org.assertj.core.data.Offset.offset(1e-6);
    }

    @Test
    void trainingTwiceOnTheSameDataWithTheSameSeedGivesTheSameModelByteForByte() throws IOException {
        List<ModelTrainer.Example> examples = callCenterLines();

        byte[] first = bytes(ModelTrainer.train("en", examples, ModelTrainer.Settings.DEFAULT));
        byte[] second = bytes(ModelTrainer.train("en", examples, ModelTrainer.Settings.DEFAULT));

        assertThat(second).isEqualTo(first);
        assertThat(ModelTrainer.train("en", examples, ModelTrainer.Settings.DEFAULT).version())
                .isEqualTo(ToxicityModel.read(new ByteArrayInputStream(first), "first").version());
    }

    @Test
    void aWrittenModelReadsBackWithTheSameJudgements() throws IOException {
        ToxicityModel trained = ModelTrainer.train("en", callCenterLines(), ModelTrainer.Settings.DEFAULT)
                .withThreshold(0.42);

        ToxicityModel read = ToxicityModel.read(new ByteArrayInputStream(bytes(trained)), "memory");

        assertThat(read.version()).isEqualTo(trained.version());
        assertThat(read.threshold()).isEqualTo(0.42);
        String line = "you are the most useless person i have ever spoken to";
        assertThat(read.judge(line)).isEqualTo(trained.judge(line));
    }

    @Test
    void aMissingModelFileNamesTheKeyToFix() {
        Path missing = dir.resolve("vi.model");

        assertThatThrownBy(() -> ToxicityModels.load(Map.of("vi", missing.toString())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("guardian.moderation.toxicity-models.vi")
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("train --language vi");
    }

    @Test
    void aCorruptModelFileNamesTheKeyToFix() throws IOException {
        Path corrupt = dir.resolve("en.model");
        byte[] good = bytes(BUNDLED.forLanguage("en").get(0));
        Files.write(corrupt, Arrays.copyOf(good, good.length / 2));

        assertThatThrownBy(() -> ToxicityModels.load(Map.of("en", corrupt.toString())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("guardian.moderation.toxicity-models.en")
                .hasMessageContaining("not a complete toxicity model");
        Files.writeString(corrupt, "text,label\nhello,clean\n");
        assertThatThrownBy(() -> ToxicityModels.load(Map.of("en", corrupt.toString())))
                .hasMessageContaining("guardian.moderation.toxicity-models.en");
    }

    @Test
    void aModelOfAnotherLanguageIsRefused() throws IOException {
        Path english = dir.resolve("en.model");
        Files.write(english, bytes(BUNDLED.forLanguage("en").get(0)));

        assertThatThrownBy(() -> ToxicityModels.load(Map.of("vi", english.toString())))
                .hasMessageContaining("guardian.moderation.toxicity-models.vi points at a model trained for 'en'");
    }

    @Test
    void trainingDataOfOneClassIsRefusedSayingWhatIsMissing() {
        List<ModelTrainer.Example> onlyClean = List.of(new ModelTrainer.Example("hello there", "clean"),
                new ModelTrainer.Example("thank you", "clean"));

        assertThatThrownBy(() -> ModelTrainer.train("en", onlyClean, ModelTrainer.Settings.DEFAULT))
                .hasMessageContaining("only clean rows").hasMessageContaining("both clean and toxic");
    }

    @Test
    void anUnknownLabelIsRefusedWithTheLabelsThatWork() {
        assertThatThrownBy(() -> ModelTrainer.isToxic("rude"))
                .hasMessageContaining("'rude'").hasMessageContaining("insult").hasMessageContaining("clean");
    }

    private static byte[] bytes(ToxicityModel model) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        model.write(out);
        return out.toByteArray();
    }

    /** A few hundred of the committed English call-center training lines: enough to train, quick to train. */
    private static List<ModelTrainer.Example> callCenterLines() throws IOException {
        List<ModelTrainer.Example> examples = new ArrayList<>();
        List<String> lines = Files.readAllLines(Path.of("training/en/callcenter-train.csv"), StandardCharsets.UTF_8);
        for (int i = 1; i < lines.size(); i += 5) {
            String line = lines.get(i);
            int comma = line.lastIndexOf(',');
            examples.add(new ModelTrainer.Example(line.substring(0, comma), line.substring(comma + 1)));
        }
        return examples;
    }
}
