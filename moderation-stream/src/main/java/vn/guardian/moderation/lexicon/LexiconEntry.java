package vn.guardian.moderation.lexicon;

import java.util.List;
import vn.guardian.contracts.verdict.Category;
import vn.guardian.contracts.verdict.Severity;

/**
 * One term of a lexicon: a word or a phrase, what it signals and when it counts.
 *
 * @param term     the term as written in the lexicon file
 * @param category the harm it signals
 * @param severity how harmful one occurrence is
 * @param rule     the context it needs to count
 * @param foldable true when the term may also match text written without diacritics (its folded form is not an
 *                 everyday word: "địt mẹ" yes, "đụ" no, since "du" is part of "du lịch")
 * @param tokens   the term, normalized like transcript text
 */
public record LexiconEntry(String term, Category category, Severity severity, ContextRule rule, boolean foldable,
                           List<Token> tokens) {

    public LexiconEntry {
        tokens = List.copyOf(tokens);
        if (tokens.isEmpty()) {
            throw new IllegalArgumentException("Lexicon term '" + term + "' has no words after normalization");
        }
    }

    /** Whether the text token {@code text} says this entry's word at {@code index}. */
    boolean accepts(int index, Token text) {
        Token mine = tokens.get(index);
        if (text.exact().equals(mine.exact()) || text.elongated() && text.squeezed().equals(mine.squeezed())) {
            return true;
        }
        // folding only applies to words that carry no diacritics: "giáo dục" never folds into anything
        return foldable && text.plain()
                && (text.folded().equals(mine.folded()) || text.elongated() && text.key().equals(mine.key()));
    }
}
