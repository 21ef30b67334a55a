package vn.guardian.contracts.verdict;

/** The harm categories, following the common industry set. */
public enum Category {
    PROFANITY,
    HATE_SPEECH,
    SEXUAL,
    INSULT,
    VIOLENCE_OR_THREAT,
    GRAPHIC,
    HARASSMENT_OR_ABUSE
}
