package vn.guardian.contracts.verdict;

/** What an analyst should do about a segment or call. */
public enum Action {
    /** Nothing harmful found. */
    ALLOW,
    /** Harmful speech: review when convenient. */
    FLAG,
    /** Severe harm (threats, hate, sexual harassment): review now. */
    ESCALATE;

    /** The stronger of the two: ESCALATE over FLAG over ALLOW. */
    public Action max(Action other) {
        return other.compareTo(this) > 0 ? other : this;
    }
}
