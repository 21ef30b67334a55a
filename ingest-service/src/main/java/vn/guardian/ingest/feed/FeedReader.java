package vn.guardian.ingest.feed;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.publisher.FluxSink;
import vn.guardian.contracts.Topics;
import vn.guardian.contracts.serde.EventSerdes;
import vn.guardian.contracts.serde.JsonSerde;
import vn.guardian.contracts.verdict.CallVerdict;
import vn.guardian.contracts.verdict.SegmentVerdict;

/**
 * One stream's Kafka consumer: no group, every partition of both feed topics assigned, positioned where the client
 * left off (or at the end), polled on its own thread while the client wants more. It keeps the next offset of every
 * partition as it hands records on one by one, so each event's id is exactly "everything up to and including me".
 */
final class FeedReader {

    private static final Logger log = LoggerFactory.getLogger(FeedReader.class);
    private static final Duration POLL = Duration.ofMillis(500);
    /** Bounds how long opening a stream may wait for the broker before it answers 503. */
    static final Duration OPEN_TIMEOUT = Duration.ofSeconds(10);

    private final KafkaConsumer<String, byte[]> consumer;
    private final String tenant;
    private final FeedFilters filters;
    private final Consumer<String> sent;
    private final Map<TopicPartition, Long> positions = new LinkedHashMap<>();
    private final JsonSerde<SegmentVerdict> segments = EventSerdes.segmentVerdict();
    private final JsonSerde<CallVerdict> calls = EventSerdes.callVerdict();
    private final Object demand = new Object();
    private final String threadName;
    private volatile boolean cancelled;
    private boolean started;

    /**
     * Assigns and positions the consumer; blocks on the broker, so never on an event loop.
     *
     * @param from null to start at the end (live only)
     * @param sent told the event name of every event handed on, for the metrics
     */
    FeedReader(Map<String, Object> config, String threadName, String tenant, FeedFilters filters, FeedPosition from,
               Consumer<String> sent) {
        this.consumer = new KafkaConsumer<>(config);
        this.threadName = threadName;
        this.tenant = tenant;
        this.filters = filters;
        this.sent = sent;
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(Topics.VERDICTS, Topics.CALL_VERDICTS)) {
                List<PartitionInfo> found = consumer.partitionsFor(topic, OPEN_TIMEOUT);
                if (found == null || found.isEmpty()) {
                    throw new IllegalStateException("topic " + topic + " does not exist");
                }
                found.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
            }
            consumer.assign(partitions);
            if (from == null) {
                // read_committed: the end is the last stable offset, so an open transaction's verdicts still come
                consumer.seekToEnd(partitions);
            } else {
                for (TopicPartition partition : partitions) {
                    Long offset = from.offset(partition);
                    if (offset == null) {
                        // a partition added after the id was given out: all of it came later
                        consumer.seekToBeginning(List.of(partition));
                    } else {
                        consumer.seek(partition, offset);
                    }
                }
            }
            // resolves the lazy seeks now, so nothing published after the stream opened can be missed
            partitions.forEach(partition -> positions.put(partition, consumer.position(partition, OPEN_TIMEOUT)));
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
    }

    /** Feeds {@code sink} from a thread of its own until {@link #stop} or a Kafka failure. */
    synchronized void start(FluxSink<ServerSentEvent<String>> sink) {
        if (cancelled) {
            return;
        }
        sink.onRequest(n -> {
            synchronized (demand) {
                demand.notifyAll();
            }
        });
        Thread thread = new Thread(() -> read(sink), threadName);
        thread.setDaemon(true);
        thread.start();
        started = true;
    }

    /** The client went away: the reading thread closes the consumer, or this does if it never started. */
    synchronized void stop() {
        cancelled = true;
        if (started) {
            consumer.wakeup();
        } else {
            consumer.close();
        }
    }

    private void read(FluxSink<ServerSentEvent<String>> sink) {
        RuntimeException failure = null;
        try (consumer) {
            while (!cancelled) {
                if (sink.requestedFromDownstream() <= 0) {
                    // a slow client: stop fetching rather than buffering the topics in memory
                    synchronized (demand) {
                        demand.wait(100);
                    }
                    continue;
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    positions.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
                    ServerSentEvent<String> event = event(record);
                    if (event != null) {
                        sink.next(event);
                        sent.accept(event.event());
                    }
                }
            }
        } catch (WakeupException e) {
            // stop() woke the poll: the client went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = new IllegalStateException("the verdict stream's reader was interrupted", e);
        } catch (RuntimeException e) {
            failure = e;
        }
        if (!cancelled) {
            // never a silent stall: the stream ends, and the client resumes by reconnecting with Last-Event-ID
            RuntimeException reason = failure != null ? failure
                    : new IllegalStateException("the verdict stream's reader stopped");
            log.warn("A verdict stream of tenant {} stopped at {}: {}; the client resumes by reconnecting with "
                    + "Last-Event-ID", tenant, positions, reason.toString());
            sink.error(reason);
        }
    }

    /** The record as an event for this client, or null when it is another tenant's, filtered out, or unreadable. */
    private ServerSentEvent<String> event(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            return null; // a tombstone: an erased call's verdict, nothing to show
        }
        String name;
        try {
            if (record.topic().equals(Topics.VERDICTS)) {
                SegmentVerdict verdict = segments.deserialize(record.topic(), record.value());
                if (!tenant.equals(verdict.tenant()) || !filters.admits(verdict)) {
                    return null;
                }
                name = "segment";
            } else {
                CallVerdict verdict = calls.deserialize(record.topic(), record.value());
                if (!tenant.equals(verdict.tenant()) || !filters.admits(verdict)) {
                    return null;
                }
                name = "call";
            }
        } catch (SerializationException e) {
            log.warn("Skipped an unreadable record at {}-{}@{} in a verdict stream: {}", record.topic(),
                    record.partition(), record.offset(), e.getMessage());
            return null;
        }
        // the JSON exactly as on the topic; the id is where to resume after it
        return ServerSentEvent.builder(new String(record.value(), StandardCharsets.UTF_8))
                .event(name).id(new FeedPosition(positions).token()).build();
    }
}
