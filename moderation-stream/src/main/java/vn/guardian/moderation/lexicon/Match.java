package vn.guardian.moderation.lexicon;

/**
 * A lexicon entry found in a text.
 *
 * @param entry      the entry
 * @param firstToken index of the first matched token
 * @param lastToken  index of the last matched token
 * @param start      offset of the first matched character in the original text
 * @param end        offset just after the match in the original text
 */
public record Match(LexiconEntry entry, int firstToken, int lastToken, int start, int end) {

    int length() {
        return lastToken - firstToken + 1;
    }

    boolean within(Match other) {
        return firstToken >= other.firstToken && lastToken <= other.lastToken;
    }
}
