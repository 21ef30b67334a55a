package vn.guardian.contracts.verdict;

import java.util.List;

/**
 * How strongly a segment belongs to one category.
 *
 * @param category the category
 * @param score    0..1
 * @param spans    the matched pieces of text that produced the score; empty when only the model spoke
 * @param source   which judge gave the score; verdicts written before the learned model read as {@code LEXICON}
 */
public record CategoryScore(Category category, double score, List<Span> spans, ScoreSource source) {

    public CategoryScore {
        spans = List.copyOf(spans);
        source = source == null ? ScoreSource.LEXICON : source;
    }
}
