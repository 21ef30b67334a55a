package vn.guardian.moderation.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import vn.guardian.moderation.classifier.Judges;
import vn.guardian.moderation.classifier.SegmentClassifier;
import vn.guardian.moderation.lexicon.Lexicons;
import vn.guardian.moderation.model.ModelTrainer;
import vn.guardian.moderation.model.TextFeatures;
import vn.guardian.moderation.model.ToxicityModel;
import vn.guardian.moderation.model.ToxicityModels;

/**
 * {@code train}: trains a language's toxicity model from labeled CSVs with a fixed seed, chooses its operating
 * threshold on a dev split (the best F1 of lexicon and model combined at a least precision), prints the figures and
 * a threshold table, and writes {@code DIR/<language>.model}.
 */
final class TrainCommand {

    /** Share of the training rows held out as the dev split when no {@code --dev} file is given. */
    private static final double HELD_OUT = 0.1;

    private TrainCommand() {
    }

    static int run(ModerationCli.Options options, PrintStream out) throws IOException {
        String language = options.required("--language");
        List<String> data = options.values("--data");
        if (data.isEmpty()) {
            throw new ModerationCli.UsageException("train needs at least one --data FILE.csv (columns text,label)");
        }
        String outDir = options.required("--out");
        double minPrecision = options.number("--min-precision", 0.8);
        ModelTrainer.Settings defaults = ModelTrainer.Settings.DEFAULT;
        ModelTrainer.Settings settings = new ModelTrainer.Settings(options.number("--c", defaults.regularization()),
                options.number("--toxic-weight", defaults.toxicWeight()),
                (long) options.number("--seed", defaults.seed()), features(options.value("--features")));

        List<ModelTrainer.Example> train = new ArrayList<>();
        for (String file : data) {
            train.addAll(read(file));
        }
        List<ModelTrainer.Example> dev = new ArrayList<>();
        List<String> devFiles = options.values("--dev");
        String devFile = devFiles.isEmpty() ? null : String.join(" + ", devFiles);
        if (devFile != null) {
            for (String file : devFiles) {
                dev.addAll(read(file));
            }
        } else {
            Collections.shuffle(train, new Random(settings.seed()));
            int held = (int) Math.round(train.size() * HELD_OUT);
            dev = new ArrayList<>(train.subList(0, held));
            train = new ArrayList<>(train.subList(held, train.size()));
        }
        out.printf(Locale.ROOT, "train: %s; dev: %s%n", counts(train),
                devFile != null ? devFile + " " + counts(dev) : "held out " + counts(dev));
        out.printf(Locale.ROOT, "settings: c=%s toxic-weight=%s seed=%d features=%s min-precision=%s%n",
                settings.regularization(), settings.toxicWeight(), settings.seed(),
                settings.features().name().toLowerCase(Locale.ROOT), minPrecision);

        long started = System.nanoTime();
        ToxicityModel model = ModelTrainer.train(language, train, settings);
        out.printf(Locale.ROOT, "trained in %.1f s%n", (System.nanoTime() - started) / 1e9);

        Lexicons lexicons = Lexicons.bundled();
        Figures lexicon = figures(new SegmentClassifier(lexicons, new ToxicityModels(List.of()), Judges.LEXICON,
                ModerationCli.DEFAULT_THRESHOLDS, Map.of()), language, dev);
        out.println("threshold  model: precision recall f1  | combined: precision recall f1");
        Figures best = null;
        double chosen = 0.5;
        Figures bestModel = null;
        for (int step = 5; step <= 95; step++) {
            double threshold = step / 100.0;
            ToxicityModel candidate = model.withThreshold(threshold);
            Figures alone = figures(classifier(lexicons, candidate, Judges.MODEL), language, dev);
            Figures combined = figures(classifier(lexicons, candidate, Judges.COMBINED), language, dev);
            if (step % 5 == 0) {
                out.printf(Locale.ROOT, "%.2f       %.3f %.3f %.3f            | %.3f %.3f %.3f%n", threshold,
                        alone.precision(), alone.recall(), alone.f1(),
                        combined.precision(), combined.recall(), combined.f1());
            }
            boolean qualifies = combined.precision() >= minPrecision;
            boolean bestQualifies = best != null && best.precision() >= minPrecision;
            if (best == null || (qualifies && !bestQualifies)
                    || (qualifies == bestQualifies && combined.f1() > best.f1())) {
                best = combined;
                bestModel = alone;
                chosen = threshold;
            }
        }
        if (best.precision() < minPrecision) {
            out.printf(Locale.ROOT, "warning: no threshold reaches precision %.2f on the dev split; kept the best F1%n",
                    minPrecision);
        }
        model = model.withThreshold(chosen);
        Path dir = Path.of(outDir);
        Files.createDirectories(dir);
        Path file = dir.resolve(language + ".model");
        try (OutputStream stream = Files.newOutputStream(file)) {
            model.write(stream);
        }
        out.printf(Locale.ROOT, "dev lexicon   precision=%.3f recall=%.3f f1=%.3f%n",
                lexicon.precision(), lexicon.recall(), lexicon.f1());
        out.printf(Locale.ROOT, "dev model     precision=%.3f recall=%.3f f1=%.3f%n",
                bestModel.precision(), bestModel.recall(), bestModel.f1());
        out.printf(Locale.ROOT, "dev combined  precision=%.3f recall=%.3f f1=%.3f%n",
                best.precision(), best.recall(), best.f1());
        out.printf(Locale.ROOT, "wrote %s: version %s, threshold %.2f, %d bytes on disk, %.1f MB of weights in memory%n",
                file, model.version(), chosen, Files.size(file), model.weightBytes() / 1e6);
        return 0;
    }

    private static TextFeatures.Kind features(String value) {
        if (value == null) {
            return ModelTrainer.Settings.DEFAULT.features();
        }
        try {
            return TextFeatures.Kind.valueOf(value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new ModerationCli.UsageException("--features takes words or words_and_chars, not '" + value + "'");
        }
    }

    private static SegmentClassifier classifier(Lexicons lexicons, ToxicityModel model, Judges judges) {
        return new SegmentClassifier(lexicons, new ToxicityModels(List.of(model)), judges,
                ModerationCli.DEFAULT_THRESHOLDS, Map.of());
    }

    private static Figures figures(SegmentClassifier classifier, String language, List<ModelTrainer.Example> dev) {
        Evaluation evaluation = new Evaluation();
        int line = 0;
        for (ModelTrainer.Example example : dev) {
            evaluation.add(ModelTrainer.isToxic(example.label()) ? "toxic" : Evaluation.CLEAN,
                    classifier.classify(ModerationCli.segment("dev-" + line++, language, example.text()), 0));
        }
        return new Figures(evaluation.precision(), evaluation.recall(), evaluation.f1());
    }

    private record Figures(double precision, double recall, double f1) {
    }

    private static List<ModelTrainer.Example> read(String file) throws IOException {
        List<ModelTrainer.Example> examples = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
            for (LabeledCsv.Row row : LabeledCsv.read(file, reader)) {
                try {
                    ModelTrainer.isToxic(row.label());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(file + " line " + row.line() + ": " + e.getMessage(), e);
                }
                examples.add(new ModelTrainer.Example(row.text(), row.label()));
            }
        }
        return examples;
    }

    private static String counts(List<ModelTrainer.Example> examples) {
        Map<String, Integer> byLabel = new TreeMap<>();
        examples.forEach(e -> byLabel.merge(e.label(), 1, Integer::sum));
        return examples.size() + " rows " + byLabel;
    }
}
