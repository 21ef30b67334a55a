package vn.guardian.moderation.lexicon;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Splits a text into normalized {@link Token}s that keep their offsets into the original text, so a match can
 * point at the words the speaker said. The same normalization serves lexicon terms, so both sides agree.
 */
public final class TextNormalizer {

    /** Whole words that expand to several (slang and contractions that the suffix rules get wrong). */
    private static final Map<String, String> WORDS = Map.ofEntries(
            Map.entry("won't", "will not"), Map.entry("can't", "can not"), Map.entry("cannot", "can not"),
            Map.entry("shan't", "shall not"), Map.entry("ain't", "is not"), Map.entry("let's", "let us"),
            Map.entry("y'all", "you all"), Map.entry("gonna", "going to"), Map.entry("wanna", "want to"),
            Map.entry("gotta", "got to"), Map.entry("youre", "you are"), Map.entry("dont", "do not"),
            Map.entry("im", "i am"), Map.entry("u", "you"), Map.entry("ur", "your"), Map.entry("r", "are"));

    /** Stems whose {@code 's} means "is"; on other words it is a possessive and is dropped. */
    private static final Set<String> IS_STEMS = Set.of("it", "he", "she", "that", "what", "there", "who", "where",
            "here", "how", "this");

    private TextNormalizer() {
    }

    /** The tokens of {@code text}, in order; empty for a blank or null text. */
    public static List<Token> tokenize(String text) {
        List<Token> tokens = new ArrayList<>();
        if (text == null) {
            return tokens;
        }
        int i = 0;
        int n = text.length();
        while (i < n) {
            int cp = text.codePointAt(i);
            if (!isWordChar(cp)) {
                i += Character.charCount(cp);
                continue;
            }
            int start = i;
            while (i < n) {
                cp = text.codePointAt(i);
                if (isWordChar(cp)) {
                    i += Character.charCount(cp);
                } else if (isApostrophe(cp) && i + 1 < n && Character.isLetter(text.codePointAt(i + 1))) {
                    i += Character.charCount(cp);
                } else {
                    break;
                }
            }
            for (String piece : expand(Normalizer.normalize(text.substring(start, i), Normalizer.Form.NFC)
                    .toLowerCase(Locale.ROOT).replace('\u2019', '\''))) {
                tokens.add(token(piece, start, i));
            }
        }
        return tokens;
    }

    /** {@code s} without diacritics: NFD, combining marks removed, {@code đ} to {@code d}. */
    public static String fold(String s) {
        String decomposed = Normalizer.normalize(s, Normalizer.Form.NFD);
        StringBuilder out = new StringBuilder(decomposed.length());
        for (int i = 0; i < decomposed.length(); i++) {
            char c = decomposed.charAt(i);
            int type = Character.getType(c);
            if (type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
                    || type == Character.ENCLOSING_MARK) {
                continue;
            }
            out.append(c == 'đ' ? 'd' : c == 'Đ' ? 'D' : c);
        }
        return out.toString();
    }

    /** {@code s} with every run of one repeated character reduced to a single character. */
    public static String squeeze(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (out.length() == 0 || out.charAt(out.length() - 1) != c) {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static Token token(String exact, int start, int end) {
        String folded = fold(exact);
        return new Token(exact, squeeze(exact), folded, squeeze(folded), elongated(exact), start, end);
    }

    private static boolean elongated(String s) {
        for (int i = 2; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isLetter(c) && c == s.charAt(i - 1) && c == s.charAt(i - 2)) {
                return true;
            }
        }
        return false;
    }

    private static List<String> expand(String word) {
        String whole = WORDS.get(word);
        if (whole != null) {
            return List.of(whole.split(" "));
        }
        int apostrophe = word.indexOf('\'');
        if (apostrophe < 0) {
            return List.of(word);
        }
        if (word.endsWith("n't")) {
            return List.of(word.substring(0, word.length() - 3), "not");
        }
        String stem = word.substring(0, apostrophe);
        String suffix = word.substring(apostrophe + 1);
        switch (suffix) {
            case "re":
                return List.of(stem, "are");
            case "ll":
                return List.of(stem, "will");
            case "ve":
                return List.of(stem, "have");
            case "m":
                return List.of(stem, "am");
            case "d":
                return List.of(stem, "would");
            case "s":
                return IS_STEMS.contains(stem) ? List.of(stem, "is") : List.of(stem);
            default:
                return List.of(word.replace("'", ""));
        }
    }

    private static boolean isWordChar(int cp) {
        if (Character.isLetterOrDigit(cp)) {
            return true;
        }
        int type = Character.getType(cp);
        return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK;
    }

    private static boolean isApostrophe(int cp) {
        return cp == '\'' || cp == '\u2019';
    }
}
