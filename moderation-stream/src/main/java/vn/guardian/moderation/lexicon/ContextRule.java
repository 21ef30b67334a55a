package vn.guardian.moderation.lexicon;

/** When a matched term counts, beyond being said at all. */
public enum ContextRule {
    /** Always counts. */
    ANY,
    /** Counts only with a person word ("you", "mày", "thằng") within three words either side: "you idiot". */
    TARGET,
    /**
     * Counts only with a person word in the next two words, as the object: "kill you", not "kill the process";
     * not after a negation ("it will not kill you") nor with a recipient marker after it ("shoot you an email").
     */
    VICTIM
}
