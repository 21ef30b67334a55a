package vn.guardian.testsupport;

import java.util.Map;

/** Settings as {@code --key=value} arguments: the highest-precedence source, above each service's own yml file. */
public final class CommandLine {

    private CommandLine() {
    }

    public static String[] args(Map<String, ?> settings) {
        return settings.entrySet().stream().map(entry -> "--" + entry.getKey() + "=" + entry.getValue())
                .toArray(String[]::new);
    }
}
