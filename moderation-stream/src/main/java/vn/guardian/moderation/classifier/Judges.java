package vn.guardian.moderation.classifier;

import java.util.Locale;

/** Which judges decide a segment: the lexicon, the learned model, or both combined (the product's default). */
public enum Judges {
    LEXICON, MODEL, COMBINED;

    /** The judges named by {@code value} ("lexicon", "model", "combined"), or an error that lists them. */
    public static Judges parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("Unknown classifier '" + value + "'; use lexicon, model or combined");
        }
    }

    boolean lexicon() {
        return this != MODEL;
    }

    boolean model() {
        return this != LEXICON;
    }
}
