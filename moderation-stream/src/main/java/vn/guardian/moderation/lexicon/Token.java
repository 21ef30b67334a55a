package vn.guardian.moderation.lexicon;

/**
 * One normalized word and where it came from in the original text.
 *
 * @param exact     NFC, lowercase, contractions expanded: the form lexicon entries are written in
 * @param squeezed  {@code exact} with every run of a repeated letter reduced to one letter
 * @param folded    {@code exact} without Vietnamese diacritics ({@code đ} becomes {@code d})
 * @param key       {@code folded}, squeezed: the loosest form, used to index the token trie
 * @param elongated the word repeats a letter three times or more ("stuuupid"): squeezed forms may match
 * @param start     offset of the original word's first character in the original text
 * @param end       offset just after the original word
 */
public record Token(String exact, String squeezed, String folded, String key, boolean elongated, int start, int end) {

    /** True when the word carries no diacritics, so it may have been typed or transcribed without them. */
    public boolean plain() {
        return exact.equals(folded);
    }
}
