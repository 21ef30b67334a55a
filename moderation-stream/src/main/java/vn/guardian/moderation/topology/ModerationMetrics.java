package vn.guardian.moderation.topology;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import vn.guardian.contracts.verdict.Action;

/** Counters of what the topology decided: verdicts by action, dead letters, dropped repeats. */
public final class ModerationMetrics {

    private final Map<Action, Counter> verdicts = new EnumMap<>(Action.class);
    private final Counter deadLetters;
    private final Counter duplicates;

    public ModerationMetrics(MeterRegistry registry) {
        for (Action action : Action.values()) {
            verdicts.put(action, Counter.builder("guardian.verdicts").tag("action", action.name())
                    .description("Segment verdicts decided, by action").register(registry));
        }
        deadLetters = Counter.builder("guardian.dlq").tag("service", "moderation-stream")
                .description("Transcript records sent to the dead-letter topic").register(registry);
        duplicates = Counter.builder("guardian.transcripts.duplicates")
                .description("Transcript segments dropped because their segmentId was already decided")
                .register(registry);
    }

    void verdict(Action action) {
        verdicts.get(action).increment();
    }

    void deadLetter() {
        deadLetters.increment();
    }

    void duplicate() {
        duplicates.increment();
    }
}
