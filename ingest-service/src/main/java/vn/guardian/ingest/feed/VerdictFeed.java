package vn.guardian.ingest.feed;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.HttpStatus;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import vn.guardian.ingest.IngestProperties;
import vn.guardian.ingest.problem.ProblemException;

/**
 * The live verdict feed: segment verdicts and call-verdict changes of one tenant as Server-Sent Events, each with
 * the id to resume after it, and a {@code : keepalive} comment on connect and every heartbeat. Each stream holds a
 * Kafka consumer of its own, so streams are bounded per tenant.
 */
@Component
public class VerdictFeed implements SmartLifecycle {

    public static final String OPEN_STREAMS = "guardian.ingest.feed.streams";
    public static final String EVENTS_SENT = "guardian.ingest.feed.events";
    /** SSE comment line ": keepalive" (Spring writes ':' + comment). */
    static final ServerSentEvent<String> KEEPALIVE = ServerSentEvent.<String>builder().comment(" keepalive").build();
    /** What a 429 tells a client to wait: streams end only when clients leave, so no precise figure exists. */
    private static final Duration BUSY_RETRY_AFTER = Duration.ofSeconds(10);
    private static final Duration UNAVAILABLE_RETRY_AFTER = Duration.ofSeconds(5);

    private final Map<String, Object> consumerConfig;
    private final IngestProperties.Feed settings;
    private final MeterRegistry meters;
    private final Map<String, AtomicInteger> streamsByTenant = new ConcurrentHashMap<>();
    private final AtomicInteger open;
    private final AtomicLong streamNumber = new AtomicLong();
    /** Ends every open stream when the instance stops: clients resume elsewhere with their Last-Event-ID. */
    private final Sinks.One<Boolean> stopping = Sinks.one();
    private volatile boolean running;

    public VerdictFeed(KafkaProperties kafka, IngestProperties properties, MeterRegistry meters) {
        Map<String, Object> config = new HashMap<>(kafka.buildConsumerProperties());
        // each stream reads every partition from its own position: no group, nothing committed
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // verdicts come from exactly-once transactions: never show an aborted one
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // a resume position older than the retention starts at the oldest verdict still kept
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 200);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        // deserialized per record, so an unreadable one is skipped and the JSON goes out as it was on the topic
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        this.consumerConfig = Map.copyOf(config);
        this.settings = properties.feed();
        this.meters = meters;
        this.open = meters.gauge(OPEN_STREAMS, new AtomicInteger());
    }

    /**
     * The tenant's stream; nothing is committed to the client until the consumer is positioned, so a refusal (429) or
     * an unreachable broker (503) is still a problem+json answer.
     *
     * @param from where to resume; null to start live
     */
    public Flux<ServerSentEvent<String>> stream(String tenant, FeedFilters filters, FeedPosition from) {
        return Flux.defer(() -> {
            admit(tenant);
            // the consumer is closed however the stream ends, even before its first poll
            return Flux.using(() -> reader(tenant, filters, from),
                            reader -> Flux.concat(Mono.just(KEEPALIVE), Flux.merge(
                                    Flux.<ServerSentEvent<String>>create(reader::start, FluxSink.OverflowStrategy.BUFFER),
                                    Flux.interval(settings.heartbeat()).onBackpressureDrop().map(tick -> KEEPALIVE))),
                            FeedReader::stop)
                    // a stream never ends by itself: without this, graceful shutdown would wait for every client
                    .takeUntilOther(stopping.asMono())
                    // opening waits on the broker: never on an event loop
                    .subscribeOn(Schedulers.boundedElastic())
                    .doFinally(signal -> {
                        streamsByTenant.get(tenant).decrementAndGet();
                        open.decrementAndGet();
                    });
        });
    }

    @Override
    public void start() {
        running = true;
    }

    /** Runs before the web server's graceful shutdown (a higher phase stops first), so it need not wait for streams. */
    @Override
    public void stop() {
        running = false;
        stopping.tryEmitValue(true);
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** @throws ProblemException 503 when the topics cannot be opened: before anything was sent, so the client retries */
    private FeedReader reader(String tenant, FeedFilters filters, FeedPosition from) {
        Map<String, Object> config = new HashMap<>(consumerConfig);
        long number = streamNumber.incrementAndGet();
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "guardian-ingest-feed-" + number);
        try {
            return new FeedReader(config, "verdict-feed-" + number, tenant, filters, from,
                    event -> meters.counter(EVENTS_SENT, "event", event).increment());
        } catch (RuntimeException e) {
            throw unavailable(e);
        }
    }

    /** Takes one of the tenant's stream places; {@link #stream} gives it back when the stream ends. */
    private void admit(String tenant) {
        AtomicInteger streams = streamsByTenant.computeIfAbsent(tenant, t -> new AtomicInteger());
        int max = settings.maxStreamsPerTenant();
        while (true) {
            int now = streams.get();
            if (now >= max) {
                ProblemException problem = new ProblemException(HttpStatus.TOO_MANY_REQUESTS, "too-many-streams",
                        "Too many open verdict streams", "Tenant " + tenant + " already has " + now
                        + " open verdict streams on this instance; the limit is " + max + ".")
                        .field("open streams").value(now)
                        .fix("close streams you no longer read (one stream with filters can serve a whole console), "
                                + "or retry after " + BUSY_RETRY_AFTER.toSeconds() + " s");
                problem.getHeaders().set("Retry-After", Long.toString(BUSY_RETRY_AFTER.toSeconds()));
                throw problem;
            }
            if (streams.compareAndSet(now, now + 1)) {
                open.incrementAndGet();
                return;
            }
        }
    }

    private static ProblemException unavailable(Throwable cause) {
        ProblemException problem = new ProblemException(HttpStatus.SERVICE_UNAVAILABLE, "kafka-unavailable",
                "Verdict feed unavailable", "Could not open the verdict topics within " + FeedReader.OPEN_TIMEOUT
                + ": " + cause.getMessage(), cause)
                .fix("retry after " + UNAVAILABLE_RETRY_AFTER.toSeconds() + " s, with the same Last-Event-ID");
        problem.getHeaders().set("Retry-After", Long.toString(UNAVAILABLE_RETRY_AFTER.toSeconds()));
        return problem;
    }
}
