package vn.guardian.moderation.lexicon;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import vn.guardian.contracts.verdict.Category;
import vn.guardian.contracts.verdict.Severity;

/**
 * The terms of one language, parsed from a versioned TSV file, and the matcher over them.
 *
 * <p>File format, UTF-8: {@code #} starts a comment; {@code #! version <v>}, {@code #! language <code>},
 * {@code #! targets <words>} (person words for TARGET and VICTIM rules), {@code #! negations <words>} (before a
 * VICTIM term they cancel it: "it will not kill you") and {@code #! recipient-markers <words>} (after the person
 * word they make it a recipient: "shoot you an email") are headers; every other non-blank line is
 * {@code term<TAB>category<TAB>severity<TAB>flags}, flags being {@code -} or a comma list of {@code target},
 * {@code victim} (see {@link ContextRule}) and {@code fold} (see {@link LexiconEntry#foldable()}).
 */
public final class Lexicon {

    /** How far, in words, a TARGET rule looks for a person word on either side. */
    private static final int TARGET_WINDOW = 3;
    /** How far, in words, a VICTIM rule looks for a person word after the term. */
    private static final int VICTIM_WINDOW = 2;

    private final String language;
    private final String version;
    private final List<LexiconEntry> entries;
    private final Set<String> targets;
    private final Set<String> negations;
    private final Set<String> recipientMarkers;
    private final TokenTrie trie = new TokenTrie();

    private Lexicon(String language, String version, List<LexiconEntry> entries, Map<String, Set<String>> words) {
        this.language = language;
        this.version = version;
        this.entries = List.copyOf(entries);
        this.targets = Set.copyOf(words.get("targets"));
        this.negations = Set.copyOf(words.get("negations"));
        this.recipientMarkers = Set.copyOf(words.get("recipient-markers"));
        this.entries.forEach(trie::add);
    }

    /** Parses a lexicon file; {@code source} names it in error messages. */
    public static Lexicon parse(String source, Reader reader) {
        String language = null;
        String version = null;
        List<LexiconEntry> entries = new ArrayList<>();
        Map<String, Set<String>> words = new HashMap<>();
        for (String list : List.of("targets", "negations", "recipient-markers")) {
            words.put(list, new HashSet<>());
        }
        try (BufferedReader lines = new BufferedReader(reader)) {
            int number = 0;
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                number++;
                String where = source + ':' + number;
                if (line.startsWith("#!")) {
                    String[] header = line.substring(2).trim().split("\\s+", 2);
                    String value = header.length > 1 ? header[1].trim() : "";
                    switch (header[0]) {
                        case "version":
                            version = value;
                            break;
                        case "language":
                            language = value;
                            break;
                        case "targets":
                        case "negations":
                        case "recipient-markers":
                            for (Token token : TextNormalizer.tokenize(value)) {
                                words.get(header[0]).add(token.exact());
                                words.get(header[0]).add(token.folded());
                            }
                            break;
                        default:
                            throw new IllegalArgumentException(where + ": unknown header '" + header[0]
                                    + "'; use version, language, targets, negations or recipient-markers");
                    }
                } else if (!line.isBlank() && !line.startsWith("#")) {
                    entries.add(entry(where, line));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read lexicon " + source, e);
        }
        if (language == null || version == null) {
            throw new IllegalArgumentException(source + ": needs '#! language <code>' and '#! version <v>' headers");
        }
        return new Lexicon(language, version, entries, words);
    }

    private static LexiconEntry entry(String where, String line) {
        String[] columns = line.split("\t");
        if (columns.length != 4) {
            throw new IllegalArgumentException(where + ": expected 4 tab-separated columns "
                    + "(term, category, severity, flags) but found " + columns.length + " in '" + line + "'");
        }
        Category category = parseEnum(Category.class, columns[1], where);
        Severity severity = parseEnum(Severity.class, columns[2], where);
        if (severity == Severity.NONE) {
            throw new IllegalArgumentException(where + ": severity NONE makes no sense for a term; use LOW..CRITICAL");
        }
        ContextRule rule = ContextRule.ANY;
        boolean foldable = false;
        for (String flag : columns[3].trim().split(",")) {
            switch (flag.trim()) {
                case "-":
                case "":
                    break;
                case "target":
                    rule = ContextRule.TARGET;
                    break;
                case "victim":
                    rule = ContextRule.VICTIM;
                    break;
                case "fold":
                    foldable = true;
                    break;
                default:
                    throw new IllegalArgumentException(where + ": unknown flag '" + flag
                            + "'; use -, target, victim or fold");
            }
        }
        String term = columns[0].trim();
        return new LexiconEntry(term, category, severity, rule, foldable, TextNormalizer.tokenize(term));
    }

    private static <E extends Enum<E>> E parseEnum(Class<E> type, String value, String where) {
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": '" + value + "' is not a " + type.getSimpleName()
                    + "; use one of " + java.util.Arrays.toString(type.getEnumConstants()), e);
        }
    }

    /**
     * The entries said in {@code text} whose context rule holds. Where matches of one category overlap, only the
     * longest counts ("i will kill you" is one threat, not three).
     */
    public List<Match> match(String text) {
        return match(TextNormalizer.tokenize(text));
    }

    /** As {@link #match(String)}, over tokens already made by {@link TextNormalizer#tokenize(String)}. */
    public List<Match> match(List<Token> tokens) {
        List<Match> found = new ArrayList<>();
        for (Match match : trie.find(tokens)) {
            if (contextHolds(match, tokens)) {
                found.add(match);
            }
        }
        found.sort(Comparator.comparingInt(Match::length).reversed().thenComparingInt(Match::firstToken));
        List<Match> kept = new ArrayList<>();
        for (Match match : found) {
            boolean covered = kept.stream()
                    .anyMatch(k -> k.entry().category() == match.entry().category() && match.within(k));
            if (!covered) {
                kept.add(match);
            }
        }
        kept.sort(Comparator.comparingInt(Match::start).thenComparingInt(Match::end));
        return kept;
    }

    private boolean contextHolds(Match match, List<Token> tokens) {
        switch (match.entry().rule()) {
            case TARGET:
                return anyTarget(tokens, match.firstToken() - TARGET_WINDOW, match.firstToken() - 1)
                        || anyTarget(tokens, match.lastToken() + 1, match.lastToken() + TARGET_WINDOW);
            case VICTIM:
                return victimFollows(tokens, match.lastToken()) && !anyOf(negations, tokens,
                        match.firstToken() - TARGET_WINDOW, match.firstToken() - 1);
            default:
                return true;
        }
    }

    /** A person word right after the term, not made a recipient by what follows it ("shoot you an email"). */
    private boolean victimFollows(List<Token> tokens, int last) {
        for (int i = last + 1; i <= Math.min(tokens.size() - 1, last + VICTIM_WINDOW); i++) {
            if (is(targets, tokens.get(i))) {
                return i + 1 >= tokens.size() || !is(recipientMarkers, tokens.get(i + 1));
            }
        }
        return false;
    }

    private boolean anyTarget(List<Token> tokens, int from, int to) {
        return anyOf(targets, tokens, from, to);
    }

    private static boolean anyOf(Set<String> words, List<Token> tokens, int from, int to) {
        for (int i = Math.max(0, from); i <= Math.min(tokens.size() - 1, to); i++) {
            if (is(words, tokens.get(i))) {
                return true;
            }
        }
        return false;
    }

    private static boolean is(Set<String> words, Token token) {
        return words.contains(token.exact()) || token.plain() && words.contains(token.folded());
    }

    public String language() {
        return language;
    }

    public String version() {
        return version;
    }

    public List<LexiconEntry> entries() {
        return entries;
    }
}
