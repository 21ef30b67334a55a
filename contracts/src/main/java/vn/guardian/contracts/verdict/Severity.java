package vn.guardian.contracts.verdict;

/** How harmful a match or a segment is, in increasing order. */
public enum Severity {
    NONE,
    LOW,
    MEDIUM,
    HIGH,
    CRITICAL;

    public Severity max(Severity other) {
        return other.compareTo(this) > 0 ? other : this;
    }
}
