package vn.guardian.ingest.feed;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.util.MultiValueMap;
import vn.guardian.contracts.verdict.Action;
import vn.guardian.contracts.verdict.CallVerdict;
import vn.guardian.contracts.verdict.Category;
import vn.guardian.contracts.verdict.CategoryScore;
import vn.guardian.contracts.verdict.SegmentVerdict;
import vn.guardian.ingest.calls.CallSyntax;
import vn.guardian.ingest.search.SearchFilters;

/**
 * What a client of {@code GET /v1/verdicts/stream} wants to see, from its query parameters; each is optional and a
 * mistake is a 400 naming the parameter. Applied on the server, after the tenant.
 *
 * @param actions  the actions let through (all by default)
 * @param category a segment with a score in it, a call with a segment counted in it; null for any
 * @param language segments in this language; call events always pass (a call verdict has no language)
 * @param callId   only this call's events; null for every call
 */
public record FeedFilters(Set<Action> actions, Category category, String language, String callId) {

    /** The resume position may come as a query parameter too, for tools that cannot set Last-Event-ID. */
    public static final String LAST_EVENT_ID_PARAMETER = "lastEventId";
    static final Set<String> PARAMETERS = Set.of("action", "category", "language", "callId", LAST_EVENT_ID_PARAMETER);

    public FeedFilters {
        actions = Set.copyOf(actions);
    }

    public static FeedFilters parse(MultiValueMap<String, String> params) {
        for (String name : params.keySet()) {
            if (!PARAMETERS.contains(name)) {
                throw SearchFilters.invalid(name, params.getFirst(name), "'" + name + "' is not a feed parameter.",
                        "use only " + PARAMETERS.stream().sorted().collect(Collectors.joining(", ")));
            }
            if (params.get(name).size() > 1) {
                throw SearchFilters.invalid(name, params.get(name).toString(), "'" + name + "' is given more than once.",
                        "give each parameter at most once; list several actions in one, e.g. action=FLAG,ESCALATE");
            }
        }
        Set<Action> actions = EnumSet.allOf(Action.class);
        String actionText = params.getFirst("action");
        if (actionText != null) {
            actions = EnumSet.noneOf(Action.class);
            for (String one : actionText.split(",", -1)) {
                actions.add(known(Action.class, "action", one.strip(), actionText));
            }
        }
        String categoryText = params.getFirst("category");
        Category category = categoryText == null ? null : known(Category.class, "category", categoryText, categoryText);
        String language = params.getFirst("language");
        if (language != null && !CallSyntax.LANGUAGE.matcher(language).matches()) {
            throw SearchFilters.invalid("language", language, "'" + language + "' is not a language tag.",
                    "e.g. vi or en");
        }
        String callId = params.getFirst("callId");
        if (callId != null) {
            CallSyntax.requireCallId(callId, "callId");
        }
        return new FeedFilters(actions, category, language, callId);
    }

    private static <E extends Enum<E>> E known(Class<E> type, String parameter, String text, String whole) {
        try {
            return Enum.valueOf(type, text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            List<String> allowed = Arrays.stream(type.getEnumConstants()).map(Enum::name).toList();
            throw SearchFilters.invalid(parameter, whole, "'" + text + "' is not a known " + parameter + ".",
                    "one of " + allowed + (parameter.equals("action") ? ", or several joined by commas" : ""));
        }
    }

    boolean admits(SegmentVerdict verdict) {
        return actions.contains(verdict.action())
                && (callId == null || callId.equals(verdict.callId()))
                && (language == null || language.equals(verdict.language()))
                && (category == null || verdict.categories().stream().map(CategoryScore::category)
                        .anyMatch(category::equals));
    }

    boolean admits(CallVerdict verdict) {
        return actions.contains(verdict.action())
                && (callId == null || callId.equals(verdict.callId()))
                && (category == null || verdict.countsByCategory().getOrDefault(category, 0L) > 0);
    }
}
