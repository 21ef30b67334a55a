package vn.guardian.ingest.transcribers;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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

/**
 * The languages the running transcribers have a Vosk model for, from their reports on the compacted
 * {@code guardian.transcriber-models} topic: a background thread reads it whole from the beginning, then follows it,
 * keeping the latest report per replica (a tombstone removes it). Reports older than
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

    private final Map<String, Object> consumerConfig;
    private final Duration reportTtl;
    private final JsonSerde<ModelReport> serde = EventSerdes.modelReport();
    /** Latest report per transcriber instance id. */
    private final Map<String, ModelReport> reports = new ConcurrentHashMap<>();
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile CountDownLatch stopping;
    private Thread reader;

    public ServedLanguages(KafkaProperties kafka, IngestProperties properties) {
        Map<String, Object> config = new HashMap<>(kafka.buildConsumerProperties());
        // every ingest reads the whole topic: no group, no committed offsets
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // asking for a missing topic must not create it without its compaction
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "guardian-ingest-served-languages");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        // deserialized here, so an unreadable report is skipped instead of stopping the reader
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        this.consumerConfig = Map.copyOf(config);
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
    public synchronized void start() {
        stopping = new CountDownLatch(1);
        consumer = new KafkaConsumer<>(consumerConfig);
        reader = new Thread(this::read, "ingest-served-languages");
        reader.setDaemon(true);
        reader.start();
    }

    @Override
    public synchronized void stop() {
        stopping.countDown();
        consumer.wakeup();
        try {
            reader.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reader = null;
    }

    @Override
    public synchronized boolean isRunning() {
        return reader != null;
    }

    private void read() {
        try (KafkaConsumer<String, byte[]> topic = consumer) {
            List<TopicPartition> partitions = awaitTopic(topic);
            if (partitions.isEmpty()) {
                return;
            }
            topic.assign(partitions);
            topic.seekToBeginning(partitions);
            log.info("Reading the transcribers' language reports from {}", Topics.TRANSCRIBER_MODELS);
            while (stopping.getCount() > 0) {
                try {
                    topic.poll(POLL).forEach(this::apply);
                } catch (WakeupException e) {
                    return;
                } catch (KafkaException e) {
                    log.warn("Reading {} failed; retrying in {}: {}", Topics.TRANSCRIBER_MODELS, TOPIC_RETRY,
                            e.toString());
                    pause();
                }
            }
        } catch (WakeupException e) {
            // stopping
        } catch (RuntimeException e) {
            log.error("Stopped reading {}: the reports held now expire after guardian.ingest.transcribers.report-ttl, "
                    + "then every language is accepted; restart the instance to refuse unserved languages again",
                    Topics.TRANSCRIBER_MODELS, e);
        }
    }

    /** The topic's partitions once it exists; none if stopped first. Quiet: a fresh cluster may not have it yet. */
    private List<TopicPartition> awaitTopic(KafkaConsumer<String, byte[]> topic) {
        while (stopping.getCount() > 0) {
            try {
                List<PartitionInfo> found = topic.partitionsFor(Topics.TRANSCRIBER_MODELS, TOPIC_RETRY);
                if (found != null && !found.isEmpty()) {
                    return found.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                }
                log.debug("{} does not exist yet; looking again in {}", Topics.TRANSCRIBER_MODELS, TOPIC_RETRY);
            } catch (WakeupException e) {
                return List.of();
            } catch (KafkaException e) {
                log.debug("Could not look up {} yet: {}", Topics.TRANSCRIBER_MODELS, e.toString());
            }
            pause();
        }
        return List.of();
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

    private void pause() {
        try {
            stopping.await(TOPIC_RETRY.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping.countDown();
        }
    }
}
