package vn.guardian.moderation.model;

import de.bwaldvogel.liblinear.Feature;
import de.bwaldvogel.liblinear.FeatureNode;
import de.bwaldvogel.liblinear.Linear;
import de.bwaldvogel.liblinear.Model;
import de.bwaldvogel.liblinear.Parameter;
import de.bwaldvogel.liblinear.Problem;
import de.bwaldvogel.liblinear.SolverType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import vn.guardian.contracts.verdict.Category;

/**
 * Trains a {@link ToxicityModel} with liblinear's L2-regularized logistic regression: one head for toxic versus
 * clean on every example, and one head per category on the toxic examples that name a category. Training is
 * deterministic: the same examples and settings give the same model, byte for byte.
 */
public final class ModelTrainer {

    /** The label of clean text. */
    public static final String CLEAN = "clean";
    /** Labels of public data sets, read as categories: mostly swearing, and attacks on people or groups. */
    private static final Map<String, Category> DATA_SET_LABELS = Map.of(
            "offensive", Category.PROFANITY, "hate", Category.HATE_SPEECH);
    /** A toxic label that names no category: it teaches toxicity only. */
    private static final String TOXIC = "toxic";

    /**
     * How to train.
     *
     * @param regularization liblinear's C: higher fits the training data more closely
     * @param toxicWeight    how much a toxic example counts against a clean one (toxic text is the rarer class)
     * @param seed           seeds liblinear's random source, so retraining gives the same model
     * @param features       the features the model reads
     */
    public record Settings(double regularization, double toxicWeight, long seed, TextFeatures.Kind features) {

        /** The settings the committed models were trained with (English with {@code WORDS}). */
        public static final Settings DEFAULT = new Settings(32, 1.5, 20261201L, TextFeatures.Kind.WORDS_AND_CHARS);
    }

    /** One labeled text: {@code clean}, a category ({@code insult}, ...), {@code offensive}, {@code hate} or {@code toxic}. */
    public record Example(String text, String label) {
    }

    private ModelTrainer() {
    }

    /** The labels {@link Example} accepts, for error messages. */
    public static Set<String> labels() {
        Set<String> labels = new TreeSet<>(DATA_SET_LABELS.keySet());
        labels.add(CLEAN);
        labels.add(TOXIC);
        for (Category category : Category.values()) {
            labels.add(category.name().toLowerCase(Locale.ROOT));
        }
        return labels;
    }

    /** Whether {@code label} means toxic; refuses a label it does not know. */
    public static boolean isToxic(String label) {
        return !CLEAN.equals(normalized(label));
    }

    /** The category {@code label} names, or null for {@code clean} and {@code toxic}. */
    public static Category category(String label) {
        String name = normalized(label);
        if (CLEAN.equals(name) || TOXIC.equals(name)) {
            return null;
        }
        Category mapped = DATA_SET_LABELS.get(name);
        return mapped != null ? mapped : Category.valueOf(name.toUpperCase(Locale.ROOT));
    }

    private static String normalized(String label) {
        String name = label == null ? "" : label.trim().toLowerCase(Locale.ROOT);
        if (!labels().contains(name)) {
            throw new IllegalArgumentException("Unknown label '" + label + "'; use one of " + labels());
        }
        return name;
    }

    /** A model for {@code language} trained on {@code examples}, with the operating threshold 0.5 until one is chosen. */
    public static ToxicityModel train(String language, List<Example> examples, Settings settings) {
        List<Feature[]> features = new ArrayList<>(examples.size());
        double[] toxic = new double[examples.size()];
        EnumSet<Category> seen = EnumSet.noneOf(Category.class);
        for (int i = 0; i < examples.size(); i++) {
            Example example = examples.get(i);
            features.add(nodes(TextFeatures.of(example.text(), settings.features())));
            toxic[i] = isToxic(example.label()) ? 1 : -1;
            Category category = category(example.label());
            if (category != null) {
                seen.add(category);
            }
        }
        if (Arrays.stream(toxic).allMatch(y -> y == toxic[0])) {
            throw new IllegalArgumentException((toxic.length == 0 ? "The training data has no rows"
                    : "The training data has only " + (toxic[0] > 0 ? "toxic" : "clean") + " rows")
                    + "; a model needs both clean and toxic lines");
        }
        if (seen.isEmpty()) {
            throw new IllegalArgumentException("The training data has no toxic example with a category; label some "
                    + "toxic lines with one of " + labels());
        }
        ToxicityModel.Head toxicity = head(null, features, toxic, settings, settings.toxicWeight());
        List<ToxicityModel.Head> heads = new ArrayList<>();
        for (Category category : seen) {
            if (seen.size() == 1) {
                heads.add(ToxicityModel.Head.of(category, new float[TextFeatures.DIMENSION], 0));
                break;
            }
            List<Feature[]> rows = new ArrayList<>();
            List<Double> labels = new ArrayList<>();
            for (int i = 0; i < examples.size(); i++) {
                Category labeled = category(examples.get(i).label());
                if (labeled != null) {
                    rows.add(features.get(i));
                    labels.add(labeled == category ? 1.0 : -1.0);
                }
            }
            heads.add(head(category, rows, labels.stream().mapToDouble(Double::doubleValue).toArray(), settings, 1));
        }
        return new ToxicityModel(language, settings.features(), 0.5, toxicity, heads);
    }

    private static ToxicityModel.Head head(Category category, List<Feature[]> rows, double[] y, Settings settings,
                                           double positiveWeight) {
        Problem problem = new Problem();
        problem.l = rows.size();
        problem.n = TextFeatures.DIMENSION + 1;
        problem.x = rows.toArray(new Feature[0][]);
        problem.y = y;
        problem.bias = 1;
        Parameter parameter = new Parameter(SolverType.L2R_LR, settings.regularization(), 0.001);
        parameter.setWeights(new double[] {positiveWeight, 1}, new int[] {1, -1});
        parameter.setRandom(new Random(settings.seed()));
        Linear.disableDebugOutput();
        Model model = Linear.train(problem, parameter);
        // liblinear's decision value favours its first label; make it always favour the positive class
        double sign = model.getLabels()[0] == 1 ? 1 : -1;
        double[] w = model.getFeatureWeights();
        float[] weights = new float[TextFeatures.DIMENSION];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) (sign * w[i]);
        }
        return ToxicityModel.Head.of(category, weights, (float) (sign * w[TextFeatures.DIMENSION]));
    }

    private static Feature[] nodes(TextFeatures.Vector vector) {
        int[] indices = vector.indices();
        float[] values = vector.values();
        Feature[] nodes = new Feature[indices.length + 1];
        for (int i = 0; i < indices.length; i++) {
            nodes[i] = new FeatureNode(indices[i] + 1, values[i]);
        }
        nodes[indices.length] = new FeatureNode(TextFeatures.DIMENSION + 1, 1);
        return nodes;
    }
}
