package vn.guardian.moderation.model;

import java.util.List;
import java.util.Set;
import vn.guardian.moderation.lexicon.Token;

/**
 * Tells Vietnamese from English text for a segment whose language is unknown, so that only that language's model
 * judges it: one language's model reads another's words as noise. Vietnamese letters decide at once; otherwise
 * the more common function words win.
 */
final class LanguageGuess {

    /** Frequent Vietnamese words as typed without diacritics; none is a common English word. */
    private static final Set<String> VIETNAMESE = Set.of("khong", "ko", "k", "la", "cua", "va", "co", "nay", "thi",
            "cai", "nguoi", "di", "roi", "qua", "gi", "nhu", "toi", "ban", "anh", "em", "chi", "tao", "may", "thang",
            "con", "mot", "nhung", "duoc", "dc", "cho", "voi", "vay", "nhe", "nha", "lam", "biet", "minh", "oi",
            "vs", "j", "mn", "ng", "cx", "cung", "trong", "ra", "vao", "len", "xuong", "chu", "ma", "dm", "vl");
    /** Frequent English words; none is a common Vietnamese syllable. */
    private static final Set<String> ENGLISH = Set.of("the", "you", "your", "is", "are", "to", "and", "of", "it",
            "that", "this", "what", "for", "with", "not", "be", "have", "was", "will", "my", "me", "we", "they",
            "on", "in", "at", "can", "do", "just", "so", "if", "please", "thank", "call", "am", "he", "she");

    private LanguageGuess() {
    }

    /** "vi", "en", or null when the text gives no sign. */
    static String of(List<Token> tokens) {
        int vietnamese = 0;
        int english = 0;
        for (Token token : tokens) {
            if (!token.plain()) {
                return "vi";
            }
            vietnamese += VIETNAMESE.contains(token.exact()) ? 1 : 0;
            english += ENGLISH.contains(token.exact()) ? 1 : 0;
        }
        return vietnamese > english ? "vi" : english > vietnamese ? "en" : null;
    }
}
