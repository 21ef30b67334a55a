package vn.guardian.contracts.verdict;

/** Which judge gave a category its score: the lexicon (with matched spans), the learned model (no spans), or both. */
public enum ScoreSource {
    LEXICON, MODEL, LEXICON_AND_MODEL
}
