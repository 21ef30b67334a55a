package vn.guardian.contracts.verdict;

/**
 * A matched piece of the transcript text. Offsets count UTF-16 code units, as Java's and JavaScript's strings do.
 *
 * @param start character offset of the first matched character in the segment text
 * @param end   character offset just after the match
 * @param term  the lexicon entry that matched
 */
public record Span(int start, int end, String term) {
}
