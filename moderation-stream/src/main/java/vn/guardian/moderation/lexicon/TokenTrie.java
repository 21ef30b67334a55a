package vn.guardian.moderation.lexicon;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * All entries of a lexicon in one trie over token keys (the loosest normalized form), so one walk from each
 * position of a text finds every word and phrase that starts there; entries then check the exact forms.
 */
final class TokenTrie {

    private final Node root = new Node();

    void add(LexiconEntry entry) {
        Node node = root;
        for (Token token : entry.tokens()) {
            node = node.next.computeIfAbsent(token.key(), k -> new Node());
        }
        node.entries.add(entry);
    }

    /** Every entry occurrence in {@code tokens}, on token boundaries, before any context rule. */
    List<Match> find(List<Token> tokens) {
        List<Match> matches = new ArrayList<>();
        for (int first = 0; first < tokens.size(); first++) {
            Node node = root;
            for (int last = first; last < tokens.size(); last++) {
                node = node.next.get(tokens.get(last).key());
                if (node == null) {
                    break;
                }
                for (LexiconEntry entry : node.entries) {
                    if (accepts(entry, tokens, first)) {
                        matches.add(new Match(entry, first, last, tokens.get(first).start(), tokens.get(last).end()));
                    }
                }
            }
        }
        return matches;
    }

    private static boolean accepts(LexiconEntry entry, List<Token> tokens, int first) {
        for (int i = 0; i < entry.tokens().size(); i++) {
            if (!entry.accepts(i, tokens.get(first + i))) {
                return false;
            }
        }
        return true;
    }

    private static final class Node {
        final Map<String, Node> next = new HashMap<>();
        final List<LexiconEntry> entries = new ArrayList<>(1);
    }
}
