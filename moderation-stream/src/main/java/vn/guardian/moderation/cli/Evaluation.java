package vn.guardian.moderation.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import vn.guardian.contracts.verdict.Action;
import vn.guardian.contracts.verdict.Category;
import vn.guardian.contracts.verdict.CategoryScore;
import vn.guardian.contracts.verdict.SegmentVerdict;

/**
 * Precision, recall and F1 of verdicts against labels. {@code clean} is the clean label; every other label is
 * toxic. A verdict predicts {@code clean} when its action is ALLOW; it predicts a label that names a category
 * ({@code insult}, {@code hate_speech}, ...) when it flags that category, and any other toxic label
 * ({@code offensive}, {@code hate}) whenever it flags at all.
 */
final class Evaluation {

    static final String CLEAN = "clean";
    private static final Set<String> CATEGORIES = Set.copyOf(
            Arrays.stream(Category.values()).map(c -> c.name().toLowerCase(Locale.ROOT)).toList());

    /** Per label: [support, predicted, true positives]. */
    private final Map<String, long[]> byLabel = new TreeMap<>();
    private long truePositives;
    private long falsePositives;
    private long falseNegatives;

    /** Counts one labeled verdict. */
    void add(String label, SegmentVerdict verdict) {
        boolean toxic = !CLEAN.equals(label);
        boolean flagged = verdict.action() != Action.ALLOW;
        if (toxic && flagged) {
            truePositives++;
        } else if (flagged) {
            falsePositives++;
        } else if (toxic) {
            falseNegatives++;
        }
        byLabel.computeIfAbsent(label, l -> new long[3])[0]++;
        for (Map.Entry<String, long[]> entry : byLabel.entrySet()) {
            if (predicts(verdict, entry.getKey())) {
                entry.getValue()[1]++;
                if (entry.getKey().equals(label)) {
                    entry.getValue()[2]++;
                }
            }
        }
    }

    private static boolean predicts(SegmentVerdict verdict, String label) {
        if (CLEAN.equals(label)) {
            return verdict.action() == Action.ALLOW;
        }
        if (verdict.action() == Action.ALLOW) {
            return false;
        }
        if (CATEGORIES.contains(label)) {
            return verdict.categories().stream().map(CategoryScore::category)
                    .anyMatch(c -> c.name().equalsIgnoreCase(label));
        }
        return true;
    }

    double precision() {
        return ratio(truePositives, truePositives + falsePositives);
    }

    double recall() {
        return ratio(truePositives, truePositives + falseNegatives);
    }

    double f1() {
        return f1(precision(), recall());
    }

    /** The report; its last line is {@code toxic-vs-clean precision=P recall=R f1=F}. */
    void print(PrintStream out) {
        for (Map.Entry<String, long[]> entry : byLabel.entrySet()) {
            long[] n = entry.getValue();
            double precision = ratio(n[2], n[1]);
            double recall = ratio(n[2], n[0]);
            out.printf(Locale.ROOT, "label=%s support=%d predicted=%d precision=%.3f recall=%.3f f1=%.3f%n",
                    entry.getKey(), n[0], n[1], precision, recall, f1(precision, recall));
        }
        out.printf(Locale.ROOT, "toxic-vs-clean tp=%d fp=%d fn=%d%n", truePositives, falsePositives, falseNegatives);
        out.printf(Locale.ROOT, "toxic-vs-clean precision=%.3f recall=%.3f f1=%.3f%n", precision(), recall(), f1());
    }

    /** Registers a label before any verdict is added, so its predicted count covers every verdict. */
    void register(String label) {
        byLabel.computeIfAbsent(label, l -> new long[3]);
    }

    private static double ratio(long numerator, long denominator) {
        return denominator == 0 ? 0 : (double) numerator / denominator;
    }

    private static double f1(double precision, double recall) {
        return precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    }
}
