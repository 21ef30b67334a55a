package vn.guardian.moderation.model;

import java.util.Arrays;
import java.util.List;
import vn.guardian.moderation.lexicon.TextNormalizer;
import vn.guardian.moderation.lexicon.Token;

/**
 * The features the toxicity model reads from a text: word unigrams and bigrams (as written and without diacritics)
 * and, for {@link Kind#WORDS_AND_CHARS}, character 3- to 5-grams of each word without diacritics, hashed into {@link #DIMENSION} buckets, weighted
 * by {@code 1 + ln(count)} and scaled to unit length. Words come from {@link TextNormalizer}, the lexicon's front
 * end, so both judges read the same words; character n-grams carry recognition errors, missing diacritics and
 * teencode that whole words miss.
 */
public final class TextFeatures {

    /** Hash buckets: large enough that collisions cost little, small enough that a model stays a few MB. */
    public static final int DIMENSION = 1 << 18;
    private static final int MIN_GRAM = 3;
    private static final int MAX_GRAM = 5;
    private static final int WORD = 0x9747b28c;
    private static final int WORD_PAIR = 0x3c6ef372;
    private static final int PLAIN_WORD = 0x6a09e667;
    private static final int PLAIN_PAIR = 0x510e527f;
    private static final int CHAR_GRAM = 0x1f83d9ab;

    private TextFeatures() {
    }

    /** Which features a model reads; stored in the model file, so a model always reads what it was trained on. */
    public enum Kind {
        /** Whole words and word pairs: no false hits inside innocent words ("scunthorpe", "assessment"). */
        WORDS,
        /** Words plus character n-grams: robust to missing diacritics, teencode and recognition errors. */
        WORDS_AND_CHARS
    }

    /** A sparse vector: bucket indices in ascending order and their values. */
    public record Vector(int[] indices, float[] values) {

        /** The dot product with a dense row of bfloat16 weights (the upper 16 bits of floats). */
        public double dot(short[] weights) {
            double sum = 0;
            for (int i = 0; i < indices.length; i++) {
                sum += Float.intBitsToFloat(weights[indices[i]] << 16) * values[i];
            }
            return sum;
        }
    }

    /** The features of {@code kind} in {@code text}; empty for a text without words. */
    public static Vector of(String text, Kind kind) {
        return of(TextNormalizer.tokenize(text), kind);
    }

    /** As {@link #of(String, Kind)}, over tokens already made by {@link TextNormalizer#tokenize(String)}. */
    public static Vector of(List<Token> tokens, Kind kind) {
        Counts counts = new Counts(tokens.size() * 24 + 8);
        String previous = null;
        String previousPlain = null;
        for (Token token : tokens) {
            String word = token.exact();
            String plain = token.folded();
            counts.add(hash(WORD, word));
            counts.add(hash(PLAIN_WORD, plain));
            if (previous != null) {
                counts.add(hash(hash(WORD_PAIR, previous), word));
                counts.add(hash(hash(PLAIN_PAIR, previousPlain), plain));
            }
            String padded = " " + plain + " ";
            for (int n = MIN_GRAM; n <= (kind == Kind.WORDS ? 0 : MAX_GRAM); n++) {
                for (int i = 0; i + n <= padded.length(); i++) {
                    counts.add(hash(CHAR_GRAM, padded, i, i + n));
                }
            }
            previous = word;
            previousPlain = plain;
        }
        return counts.toVector();
    }

    private static int hash(int seed, String s) {
        return hash(seed, s, 0, s.length());
    }

    /** FNV-1a over the chars, finished with MurmurHash3's mix so nearby strings spread over all buckets. */
    private static int hash(int seed, String s, int from, int to) {
        int h = 0x811c9dc5 ^ seed;
        for (int i = from; i < to; i++) {
            h ^= s.charAt(i);
            h *= 0x01000193;
        }
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }

    /** Bucket counts of one text. */
    private static final class Counts {
        private int[] buckets;
        private int size;

        Counts(int capacity) {
            buckets = new int[capacity];
        }

        void add(int hash) {
            if (size == buckets.length) {
                buckets = Arrays.copyOf(buckets, size * 2);
            }
            buckets[size++] = Math.floorMod(hash, DIMENSION);
        }

        Vector toVector() {
            int[] sorted = Arrays.copyOf(buckets, size);
            Arrays.sort(sorted);
            int[] indices = new int[size];
            float[] values = new float[size];
            int distinct = 0;
            for (int i = 0; i < size; ) {
                int j = i;
                while (j < size && sorted[j] == sorted[i]) {
                    j++;
                }
                indices[distinct] = sorted[i];
                values[distinct++] = (float) (1 + Math.log(j - i));
                i = j;
            }
            double norm = 0;
            for (int i = 0; i < distinct; i++) {
                norm += values[i] * values[i];
            }
            float scale = norm == 0 ? 0 : (float) (1 / Math.sqrt(norm));
            for (int i = 0; i < distinct; i++) {
                values[i] *= scale;
            }
            return new Vector(Arrays.copyOf(indices, distinct), Arrays.copyOf(values, distinct));
        }
    }
}
