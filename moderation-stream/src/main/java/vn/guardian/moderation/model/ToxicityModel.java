package vn.guardian.moderation.model;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;
import vn.guardian.contracts.verdict.Category;
import vn.guardian.moderation.lexicon.TextNormalizer;
import vn.guardian.moderation.lexicon.Token;

/**
 * A trained toxicity model for one language: a logistic regression that gives the probability that a text is
 * toxic, and one-vs-rest heads that say which category a toxic text most likely belongs to. Immutable and
 * thread-safe; {@link #judge} allocates only the text's feature vector.
 */
public final class ToxicityModel {

    /** The first string of every model file, so a wrong file is refused by name rather than misread. */
    static final String FORMAT = "guardian-toxicity-model/2";

    private final String language;
    private final TextFeatures.Kind features;
    private final double threshold;
    private final Head toxic;
    private final List<Head> categories;
    private final String version;

    /**
     * One linear scorer: a weight per feature bucket, kept as bfloat16 (the upper half of a float: 8 bits of
     * precision are plenty for a linear model and halve memory and file size), and a bias.
     */
    record Head(Category category, short[] weights, float bias) {

        /** A head whose {@code weights} are rounded to bfloat16. */
        static Head of(Category category, float[] weights, float bias) {
            short[] rounded = new short[weights.length];
            for (int i = 0; i < weights.length; i++) {
                int bits = Float.floatToIntBits(weights[i]);
                rounded[i] = (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16); // round half to even
            }
            return new Head(category, rounded, bias);
        }

        double score(TextFeatures.Vector features) {
            return features.dot(weights) + bias;
        }
    }

    /**
     * What the model says about one text.
     *
     * @param toxicity probability 0..1 that the text is toxic
     * @param category the category a toxic text most likely belongs to
     */
    public record Judgement(double toxicity, Category category) {
    }

    ToxicityModel(String language, TextFeatures.Kind features, double threshold, Head toxic, List<Head> categories) {
        if (categories.isEmpty()) {
            throw new IllegalArgumentException("A toxicity model needs at least one category");
        }
        this.language = language;
        this.features = features;
        this.threshold = threshold;
        this.toxic = toxic;
        this.categories = List.copyOf(categories);
        this.version = language + "-" + HexFormat.of().formatHex(digest(bytes())).substring(0, 12);
    }

    /** The language code the model was trained for ("vi", "en"). */
    public String language() {
        return language;
    }

    /** The toxicity probability at which the model alone calls a text toxic, chosen on the dev split. */
    public double threshold() {
        return threshold;
    }

    /** The language and a digest of the weights, e.g. {@code en-3f9c0a1b2c3d}: equal versions, equal models. */
    public String version() {
        return version;
    }

    /** The categories the model can name. */
    public List<Category> categories() {
        return categories.stream().map(Head::category).toList();
    }

    /** This model with another operating threshold. */
    public ToxicityModel withThreshold(double threshold) {
        return new ToxicityModel(language, features, threshold, toxic, categories);
    }

    /** The features the model reads. */
    public TextFeatures.Kind features() {
        return features;
    }

    /** The model's judgement of {@code text}. */
    public Judgement judge(String text) {
        return judge(TextNormalizer.tokenize(text));
    }

    /** As {@link #judge(String)}, over tokens already made by {@link TextNormalizer#tokenize(String)}. */
    public Judgement judge(List<Token> tokens) {
        TextFeatures.Vector vector = TextFeatures.of(tokens, features);
        double toxicity = 1 / (1 + Math.exp(-toxic.score(vector)));
        Head best = categories.get(0);
        double bestScore = Double.NEGATIVE_INFINITY;
        for (Head head : categories) {
            double score = head.score(vector);
            if (score > bestScore) {
                best = head;
                bestScore = score;
            }
        }
        return new Judgement(toxicity, best.category());
    }

    /** Bytes held by the weights, for the memory report. */
    public long weightBytes() {
        return 2L * TextFeatures.DIMENSION * (1 + categories.size());
    }

    /** Writes the model (gzip; only non-zero weights, as gaps and bfloat16), byte for byte the same for the same model. */
    public void write(OutputStream out) throws IOException {
        GZIPOutputStream zip = new GZIPOutputStream(out);
        zip.write(bytes());
        zip.finish();
    }

    /**
     * Reads a model written by {@link #write}; {@code source} names it in errors.
     *
     * @throws IOException when the bytes are not a complete model of this format
     */
    public static ToxicityModel read(InputStream in, String source) throws IOException {
        try (DataInputStream data = new DataInputStream(new BufferedInputStream(new GZIPInputStream(in)))) {
            String format = data.readUTF();
            if (!FORMAT.equals(format)) {
                throw new IOException(source + " is a '" + format + "' file, not a " + FORMAT);
            }
            String language = data.readUTF();
            TextFeatures.Kind features = TextFeatures.Kind.valueOf(data.readUTF());
            double threshold = data.readDouble();
            int dimension = data.readInt();
            if (dimension != TextFeatures.DIMENSION) {
                throw new IOException(source + " has " + dimension + " feature buckets but this version reads "
                        + TextFeatures.DIMENSION + "; retrain it with this version's train command");
            }
            Head toxic = readHead(data, null);
            int count = data.readInt();
            List<Head> categories = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                categories.add(readHead(data, Category.valueOf(data.readUTF())));
            }
            if (data.read() != -1) {
                throw new IOException(source + " has bytes after the model's end");
            }
            return new ToxicityModel(language, features, threshold, toxic, categories);
        } catch (EOFException | ZipException | IllegalArgumentException e) {
            throw new IOException(source + " is not a complete toxicity model (" + e.getMessage() + ")", e);
        }
    }

    private static Head readHead(DataInputStream data, Category category) throws IOException {
        float bias = data.readFloat();
        short[] weights = new short[TextFeatures.DIMENSION];
        int nonZero = data.readInt();
        int index = -1;
        for (int i = 0; i < nonZero; i++) {
            index += readGap(data);
            if (index >= TextFeatures.DIMENSION) {
                throw new IOException("a weight index past the last feature bucket");
            }
            weights[index] = data.readShort();
        }
        return new Head(category, weights, bias);
    }

    private byte[] bytes() {
        try {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            DataOutputStream data = new DataOutputStream(buffer);
            data.writeUTF(FORMAT);
            data.writeUTF(language);
            data.writeUTF(features.name());
            data.writeDouble(threshold);
            data.writeInt(TextFeatures.DIMENSION);
            writeHead(data, toxic);
            data.writeInt(categories.size());
            for (Head head : categories) {
                data.writeUTF(head.category().name());
                writeHead(data, head);
            }
            data.flush();
            return buffer.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("Writing to memory cannot fail", e);
        }
    }

    private static void writeHead(DataOutputStream data, Head head) throws IOException {
        data.writeFloat(head.bias());
        short[] weights = head.weights();
        int nonZero = 0;
        for (short w : weights) {
            nonZero += w == 0 ? 0 : 1;
        }
        data.writeInt(nonZero);
        int previous = -1;
        for (int i = 0; i < weights.length; i++) {
            if (weights[i] != 0) {
                writeGap(data, i - previous); // gaps between non-zero buckets are small: 7 bits a byte
                data.writeShort(weights[i]);
                previous = i;
            }
        }
    }

    private static void writeGap(DataOutputStream data, int gap) throws IOException {
        while (gap >= 0x80) {
            data.writeByte((gap & 0x7F) | 0x80);
            gap >>>= 7;
        }
        data.writeByte(gap);
    }

    private static int readGap(DataInputStream data) throws IOException {
        int gap = 0;
        for (int shift = 0; shift < 32; shift += 7) {
            int b = data.readUnsignedByte();
            gap |= (b & 0x7F) << shift;
            if (b < 0x80) {
                if (gap <= 0 || gap > TextFeatures.DIMENSION) {
                    throw new IOException("a weight index out of range");
                }
                return gap;
            }
        }
        throw new IOException("a weight index that never ends");
    }

    private static byte[] digest(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256", e);
        }
    }
}
