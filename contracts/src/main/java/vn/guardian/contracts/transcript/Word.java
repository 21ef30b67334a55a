package vn.guardian.contracts.transcript;

/**
 * One recognized word.
 *
 * @param word       the word as the model spells it
 * @param startMs    audio time where the word starts, ms since the channel started
 * @param endMs      audio time where it ends
 * @param confidence the model's confidence, 0..1
 */
public record Word(String word, long startMs, long endMs, double confidence) {
}
