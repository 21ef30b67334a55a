package vn.guardian.contracts.verdict;

import java.util.List;

/**
 * How strongly a segment belongs to one category.
 *
 * @param category the category
 * @param score    0..1
 * @param spans    the matched pieces of text that produced the score
 */
public record CategoryScore(Category category, double score, List<Span> spans) {

    public CategoryScore {
        spans = List.copyOf(spans);
    }
}
