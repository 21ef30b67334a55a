package vn.guardian.ingest.transcribers;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import vn.guardian.contracts.Topics;
import vn.guardian.contracts.serde.EventSerdes;
import vn.guardian.contracts.serde.JsonSerde;
import vn.guardian.contracts.transcriber.ModelReport;
import vn.guardian.ingest.IngestProperties;
import vn.guardian.ingest.problem.ProblemException;
import vn.guardian.ingest.publish.CompactedTopicReader;

/**
 * The languages the running transcribers have a Vosk model for, from their reports on the compacted
 * {@code guardian.transcriber-models} topic: a {@link CompactedTopicReader} reads it whole from the beginning, then
 * follows it, keeping the latest report per replica (a tombstone removes it). Reports older than
 * {@code guardian.ingest.transcribers.report-ttl} are ignored.
 *
 * <p>While no fresh report is known (cold start, the topic not created yet, every replica gone) nothing is refused:
 * a call in any language waits on the audio topic as before, since refusing it would be a guess.
 */
@Component
public class ServedLanguages implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ServedLanguages.class);
    private static final Duration POLL = Duration.ofMillis(500);
    /** How often to look again for a topic that does not exist yet, or a broker that does not answer. */
    private static final Duration TOPIC_RETRY = Duration.ofSeconds(2);

    private final CompactedTopicReader reader;
    private final Duration reportTtl;
    private final JsonSerde<ModelReport> serde = EventSerdes.modelReport();
    /** Latest report per transcriber instance id. */
    private final Map<String, ModelReport> reports = new ConcurrentHashMap<>();

    public ServedLanguages(KafkaProperties kafka, IngestProperties properties) {
        // quiet while the topic is missing: a fresh cluster may not have it yet, and nothing is refused meanwhile
        this.reader = new CompactedTopicReader(kafka, new CompactedTopicReader.Settings(Topics.TRANSCRIBER_MODELS,
                "the transcribers' language reports", "guardian-ingest-served-languages", POLL, TOPIC_RETRY,
                Level.DEBUG, "the reports held now expire after guardian.ingest.transcribers.report-ttl, then every "
                + "language is accepted; restart the instance to refuse unserved languages again"), this::apply,
                () -> log.info("Read {}: reports of {} transcribers known", Topics.TRANSCRIBER_MODELS, reports.size()));
        this.reportTtl = properties.transcribers().reportTtl();
    }

    /** The languages some transcriber reported within the report TTL, sorted; empty while no fresh report is known. */
    public Optional<Set<String>> served() {
        Set<String> languages = new TreeSet<>();
        boolean reported = false;
        for (ModelReport report : reports.values()) {
            if (fresh(report)) {
                reported = true;
                languages.addAll(report.languages());
            }
        }
        return reported ? Optional.of(Set.copyOf(languages)) : Optional.empty();
    }

    /** The latest report of every replica that has not withdrawn it, stale ones included, for operators. */
    public Map<String, ModelReport> reports() {
        return Map.copyOf(reports);
    }

    /** Whether {@code report} is recent enough to count. */
    public boolean fresh(ModelReport report) {
        return report.reportedAt() >= System.currentTimeMillis() - reportTtl.toMillis();
    }

    /**
     * Refuses, before anything is published, a call in a language that no reporting transcriber serves.
     *
     * @param field where the client put the language ({@code language}, {@code X-Call-Language})
     * @throws ProblemException 422 naming the language, the languages served and how to get it served
     */
    public void require(String language, String field) {
        Optional<Set<String>> served = served();
        if (served.isEmpty() || served.get().contains(language)) {
            return;
        }
        List<String> sorted = new TreeSet<>(served.get()).stream().toList();
        throw new ProblemException(HttpStatus.UNPROCESSABLE_CONTENT, "language-not-served", "Language not served",
                "No running transcriber has a speech model for language '" + language + "'; the transcribers serve "
                        + sorted + ".")
                .field(field).value(language).with("servedLanguages", sorted)
                .fix("configure guardian.transcriber.models." + language + " on the transcribers, or start the call "
                        + "in one of " + sorted);
    }

    @Override
    public void start() {
        reader.start();
    }

    @Override
    public void stop() {
        reader.stop();
    }

    @Override
    public boolean isRunning() {
        return reader.isRunning();
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        if (record.key() == null) {
            return;
        }
        if (record.value() == null) {
            reports.remove(record.key());
            return;
        }
        try {
            reports.put(record.key(), serde.deserialize(record.topic(), record.value()));
        } catch (SerializationException e) {
            log.warn("Skipped an unreadable language report of transcriber {} at {}-{}@{}: {}", record.key(),
                    record.topic(), record.partition(), record.offset(), e.getMessage());
        }
    }
}
