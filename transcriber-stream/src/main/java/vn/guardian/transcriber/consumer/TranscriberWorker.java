package vn.guardian.transcriber.consumer;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.CloseOptions.GroupMembershipOperation;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.guardian.contracts.DeadLetter;
import vn.guardian.contracts.Topics;
import vn.guardian.contracts.audio.AudioChunk;
import vn.guardian.contracts.audio.AudioEvent;
import vn.guardian.contracts.audio.CallEnded;
import vn.guardian.contracts.audio.CallStarted;
import vn.guardian.contracts.serde.AudioEventSerde;
import vn.guardian.contracts.serde.EventSerdes;
import vn.guardian.contracts.serde.TranscriptEventSerde;
import vn.guardian.contracts.transcript.CallClosed;
import vn.guardian.contracts.transcript.PartialTranscript;
import vn.guardian.contracts.transcript.TranscriptEvent;
import vn.guardian.contracts.transcript.TranscriptSegment;
import vn.guardian.transcriber.TranscriberProperties;
import vn.guardian.transcriber.calls.Outcome.Rejection;
import vn.guardian.transcriber.calls.Outcome;
import vn.guardian.transcriber.calls.PartitionCalls;
import vn.guardian.transcriber.recognition.RecognizerPool;
import vn.guardian.voskmodels.VoskModels;

/**
 * One consumer-group member: polls the audio topic, feeds the recognizers of the calls in its partitions, and
 * publishes segments, CallClosed events, DLQ records and offsets in Kafka transactions of at most
 * {@code max-transaction-time} of decoding each. A call's CallClosed goes out in the transaction of its CallEnded,
 * after the call's last segments. With a backlog, chunks still decoding at a commit carry over to the next
 * transaction and the committed offsets stay below them, so the decoders never wait for one slow channel to drain.
 * Runs on its own thread and owns its consumer, its transactional producer and every recognizer of its partitions.
 */
public final class TranscriberWorker implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(TranscriberWorker.class);
    private static final Duration POLL = Duration.ofMillis(200);
    /** A partition with this many records waiting in {@link #pending} fetches no more until they are handled. */
    private static final int PENDING_PER_PARTITION = 200;
    private static final Duration RECOVERY_FETCH = Duration.ofSeconds(10);
    private static final long IDLE_CHECK_NANOS = Duration.ofSeconds(1).toNanos();
    /** Undecoded chunks per decoder: enough for one channel to run a whole turn ahead of the other's speech. */
    private static final int DECODING_PER_DECODER = 64;
    /** Decoded chunks per decoder that may wait behind a slower channel's chunk to be published in record order. */
    private static final int QUEUED_PER_DECODER = 64;
    /** Undecoded chunks per decoder a transaction that already sent records may wait for; more, and it commits first. */
    private static final int DRAINED_PER_DECODER = 4;
    /** Chunks that published nothing move the committed offsets this often: a takeover replays at most this much more. */
    private static final long OFFSETS_ALONE_EVERY_NANOS = Duration.ofSeconds(1).toNanos();
    /** More fencings than this within the window mean another live producer with our id: stop, as on start-up. */
    private static final int MAX_PRODUCER_RENEWALS = 10;
    private static final long PRODUCER_RENEWAL_WINDOW_NANOS = Duration.ofMinutes(10).toNanos();
    /** A rejoin that takes longer than this (a coordinator gone, a join retried) no longer holds decoding back. */
    private static final long REJOIN_PATIENCE_NANOS = Duration.ofSeconds(30).toNanos();
    /** Names this service in the DLQ records it writes. */
    static final String SERVICE = "transcriber-stream";

    private final String name;
    private final KafkaConsumer<String, byte[]> consumer;
    /** Replaced when the broker fenced it after a transaction outlived its timeout ({@link #renewProducer}). */
    private KafkaProducer<String, byte[]> producer;
    private final Deque<Long> producerRenewals = new ArrayDeque<>();
    private final WorkerClients clients;
    private final VoskModels models;
    private final RecognizerPool recognizers;
    private final TranscriberMetrics metrics;
    private final AudioEventSerde audio = EventSerdes.audio();
    private final TranscriptEventSerde transcripts = EventSerdes.transcripts();
    private final Serializer<PartialTranscript> partials = EventSerdes.partialTranscript().serializer();
    private final Map<TopicPartition, PartitionCalls> partitions = new HashMap<>();
    /**
     * Records polled and not handled yet, per partition in record order. They wait here across transactions: seeking
     * back would drop the consumer's fetched data, and the fetch again may wait out another partition's long poll.
     */
    private final Map<TopicPartition, Deque<ConsumerRecord<String, byte[]>>> pending = new LinkedHashMap<>();
    private final RejoinAwareAssignor.Rejoin rejoin = new RejoinAwareAssignor.Rejoin();
    /** Partitions stopped at a CallStarted that found no recognizer free; resumed when one frees up. */
    private final Set<TopicPartition> paused = new HashSet<>();
    private final Executor decoders;
    /**
     * Chunks dispatched to the decoders and not yet published, in record order. With a backlog they carry over a
     * commit, which then stops below them, so a slow channel never makes the decoders drain (see {@link #commits}).
     */
    private final Deque<Dispatched> inFlight = new ArrayDeque<>();
    /** Partitions handled or published records of since the offsets were last committed: the next commit moves past them. */
    private final Set<TopicPartition> movedSinceCommit = new HashSet<>();
    /** When offsets were last committed, for {@link #offsetsAloneDue}. */
    private long offsetsCommittedNanos = System.nanoTime();
    /**
     * Whether the open transaction sent a record, and when. The broker times a transaction from its first record,
     * so until then the worker may wait for the decoders as long as it takes; records are published as late as
     * possible, which costs nothing since consumers see them at the commit.
     */
    private boolean sentInTransaction;
    private long firstSentNanos;
    /** Chunks dispatched and not yet decoded. */
    private final Semaphore decoding;
    private final int maxDecoding;
    private final int maxInFlight;
    private final int drainedInTransaction;
    private final Duration partialInterval;
    private final Duration idleTimeout;
    private final long maxTransactionNanos;
    /** The producer's transaction.timeout.ms: a transaction that outlives it is aborted by the broker. */
    private final Duration transactionTimeout;
    /** Half the transaction timeout: a transaction this long is close to being fenced. */
    private final long slowTransactionNanos;
    private long nextIdleCheck = System.nanoTime();
    private volatile boolean running = true;
    private volatile boolean alive;

    private record Dispatched(ConsumerRecord<String, byte[]> record, AudioChunk chunk,
                              CompletableFuture<Outcome> outcome) {

        TopicPartition partition() {
            return new TopicPartition(record.topic(), record.partition());
        }
    }

    TranscriberWorker(String name, WorkerClients clients, VoskModels models, RecognizerPool recognizers,
                      Executor decoders, TranscriberMetrics metrics, TranscriberProperties properties) {
        this.name = name;
        this.decoders = decoders;
        this.maxDecoding = DECODING_PER_DECODER * properties.decodeThreads();
        this.decoding = new Semaphore(maxDecoding);
        this.maxInFlight = maxDecoding + QUEUED_PER_DECODER * properties.decodeThreads();
        this.drainedInTransaction = DRAINED_PER_DECODER * properties.decodeThreads();
        this.partialInterval = properties.partialInterval();
        this.idleTimeout = properties.recognizerIdleTimeout();
        this.maxTransactionNanos = properties.maxTransactionTime().toNanos();
        this.transactionTimeout = clients.transactionTimeout();
        this.slowTransactionNanos = transactionTimeout.toNanos() / 2;
        this.clients = clients;
        this.consumer = clients.consumer(name, rejoin);
        this.producer = clients.transactionalProducer(name);
        this.models = models;
        this.recognizers = recognizers;
        this.metrics = metrics;
    }

    @Override
    public void run() {
        alive = true;
        try {
            initTransactions();
            consumer.subscribe(List.of(Topics.AUDIO), new Rebalance());
            while (running) {
                try {
                    resumeWhenRecognizersFree();
                    // while rejoining, a transaction's offsets would carry the generation the group is leaving
                    boolean rejoining = rejoin.inProgress(REJOIN_PATIENCE_NANOS);
                    poll(rejoining || pending.isEmpty() ? POLL : Duration.ZERO);
                    if (!rejoining && !pending.isEmpty()) {
                        inTransaction(this::handleInTurn);
                    } else if (!rejoining && (!inFlight.isEmpty() || offsetsAloneDue())) {
                        inTransaction(() -> commits(false)); // the backlog ended, or quiet audio moved the offsets
                    }
                    expireIdleCalls();
                    reportLag();
                } catch (ProducerFencedException | InvalidProducerEpochException | ProducerUnusable e) {
                    renewProducer(e);
                }
            }
        } catch (WakeupException e) {
            if (running) {
                log.error("Worker {} woken up unexpectedly; stopping", name, e);
            }
        } catch (ProducerFencedException | InvalidProducerEpochException | OutOfOrderSequenceException
                 | AuthorizationException e) {
            log.error("Worker {} stops: its transactional producer cannot continue ({}). Another replica with "
                    + "the same guardian.transcriber.instance-id may be running", name, e.toString(), e);
        } catch (RuntimeException e) {
            log.error("Worker {} stops after an unexpected error", name, e);
        } finally {
            alive = false;
            closeAllPartitions();
            // a static member stays in the group after a plain close, and its calls would wait out the session
            // timeout; leaving hands them to the other replicas at once (a rolling restart moves them twice, briefly)
            closeQuietly(() -> consumer.close(CloseOptions.groupMembershipOperation(GroupMembershipOperation.LEAVE_GROUP)));
            closeQuietly(producer);
        }
    }

    /**
     * The broker aborted a transaction of ours that outlived transaction.timeout.ms (a starved CPU, a long GC) and
     * fenced the producer: start a new one and replay from the committed offsets, as after any aborted transaction.
     * A second live replica with our instance id would fence us again and again: then stop, as before.
     */
    private void renewProducer(KafkaException fenced) {
        long now = System.nanoTime();
        producerRenewals.removeIf(at -> now - at > PRODUCER_RENEWAL_WINDOW_NANOS);
        if (producerRenewals.size() >= MAX_PRODUCER_RENEWALS) {
            throw fenced;
        }
        producerRenewals.add(now);
        log.warn("Worker {}: the broker fenced its transactional producer ({}), most likely after a transaction "
                + "outlived transaction.timeout.ms; starting a new producer and replaying from the committed offsets",
                name, fenced.toString());
        KafkaProducer<String, byte[]> old = producer;
        closeQuietly(() -> old.close(Duration.ofSeconds(5)));
        producer = clients.transactionalProducer(name);
        initTransactions();
        rewind();
    }

    /** Even aborting failed: only a new producer can go on. */
    private static final class ProducerUnusable extends KafkaException {
        ProducerUnusable(KafkaException cause) {
            super("the transactional producer cannot abort: " + cause.getMessage(), cause);
        }
    }

    /** Waits for the broker instead of dying when it is not reachable yet at start-up. */
    private void initTransactions() {
        while (running) {
            try {
                producer.initTransactions();
                return;
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                log.warn("Worker {} cannot reach the Kafka transaction coordinator yet; retrying", name);
            }
        }
    }

    /**
     * Polls between transactions, so a worker rejoins a rebalance at once and a backlog never holds up a failover.
     * The consumer keeps fetching ahead for the partitions with records pending, up to a bound.
     */
    private void poll(Duration timeout) {
        Set<TopicPartition> held = new HashSet<>();
        pending.forEach((partition, rest) -> {
            if (rest.size() >= PENDING_PER_PARTITION) {
                held.add(partition);
            }
        });
        consumer.pause(held);
        ConsumerRecords<String, byte[]> records;
        try {
            records = consumer.poll(timeout);
        } finally {
            held.retainAll(consumer.assignment());
            consumer.resume(held);
        }
        for (TopicPartition partition : records.partitions()) {
            pending.computeIfAbsent(partition, p -> new ArrayDeque<>()).addAll(records.records(partition));
        }
    }

    /**
     * One record of each pending partition in turn until they are done, the transaction's time is up, or an event
     * would have to wait inside it for many chunks to decode; one transaction, which commits once it has decoded for
     * {@code max-transaction-time}. Chunks are decoded by the replica's shared decoders; what is still decoding at
     * the commit carries over while more records wait.
     */
    private Map<TopicPartition, OffsetAndMetadata> handleInTurn() {
        long deadline = System.nanoTime() + maxTransactionNanos;
        boolean handledAny = false;
        while (!pending.isEmpty()) {
            for (var turn = pending.entrySet().iterator(); turn.hasNext(); ) {
                if (handledAny && System.nanoTime() > deadline) {
                    return commits(true);
                }
                Map.Entry<TopicPartition, Deque<ConsumerRecord<String, byte[]>>> partition = turn.next();
                ConsumerRecord<String, byte[]> record = partition.getValue().peek();
                Step step = handle(record, partitions.computeIfAbsent(partition.getKey(), p -> newCalls()));
                if (step == Step.AFTER_DECODING) {
                    return commits(true); // the next transaction starts with this record
                }
                movedSinceCommit.add(partition.getKey());
                if (step == Step.AFTER_RECOGNIZERS_FREE) {
                    pause(partition.getKey(), record.offset());
                    turn.remove();
                    continue;
                }
                handledAny = true;
                partition.getValue().poll();
                if (partition.getValue().isEmpty()) {
                    turn.remove();
                }
            }
        }
        return commits(backlog() || waitIsTimed());
    }

    /** Whether more records wait than the polls returned: then the next poll follows at once. */
    private boolean backlog() {
        return consumer.assignment().stream().anyMatch(partition -> consumer.currentLag(partition).orElse(0L) > 0);
    }

    /** The partition's next record to handle: the first pending one, else the consumer's position. */
    private long nextToHandle(TopicPartition partition) {
        Deque<ConsumerRecord<String, byte[]>> rest = pending.get(partition);
        return rest != null && !rest.isEmpty() ? rest.peek().offset() : consumer.position(partition);
    }

    /** Whether waiting for every chunk in flight now would keep a running transaction open for long. */
    private boolean waitIsTimed() {
        return sentInTransaction && maxDecoding - decoding.availablePermits() > drainedInTransaction;
    }

    /**
     * The offsets to commit with the transaction, for every partition it handled or published records of: up to
     * the oldest record not yet published, in flight or still pending. With {@code carryOver} the chunks
     * still decoding stay in flight into the next transaction, and those decoded before them are published; else
     * all of them are published.
     */
    private Map<TopicPartition, OffsetAndMetadata> commits(boolean carryOver) {
        if (carryOver) {
            while (!inFlight.isEmpty() && inFlight.peek().outcome().isDone()) {
                completeOldest();
            }
        } else {
            completeAll();
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : movedSinceCommit) {
            offsets.put(partition, commit(partitions.get(partition), unpublishedFrom(partition, nextToHandle(partition))));
        }
        return offsets;
    }

    /** The offset of the partition's oldest chunk in flight, or {@code position} when it has none. */
    private long unpublishedFrom(TopicPartition partition, long position) {
        for (Dispatched dispatched : inFlight) {
            if (dispatched.partition().equals(partition)) {
                return Math.min(position, dispatched.record().offset());
            }
        }
        return position;
    }

    /** No recognizer free: stop this partition at {@code offset} instead of running out of memory. */
    private void pause(TopicPartition partition, long offset) {
        consumer.seek(partition, offset);
        consumer.pause(List.of(partition));
        paused.add(partition);
        metrics.partitionPaused(partition, true);
        log.warn("Worker {} pauses {} at offset {}: all {} recognizers of this replica are in use",
                name, partition, offset, recognizers.max());
    }

    private static OffsetAndMetadata commit(PartitionCalls calls, long next) {
        long commit = calls.commitOffset(next);
        return new OffsetAndMetadata(commit, Optional.empty(), calls.commitMetadata(commit, next));
    }

    private PartitionCalls newCalls() {
        return new PartitionCalls(models, recognizers, partialInterval);
    }

    private void resumeWhenRecognizersFree() {
        if (!paused.isEmpty() && recognizers.active() < recognizers.max()) {
            consumer.resume(paused);
            paused.forEach(partition -> metrics.partitionPaused(partition, false));
            paused.clear();
        }
    }

    /**
     * Frees the recognizers of calls that went quiet, publishing their last words and moving the commit on, and
     * the warm recognizers no call took for as long.
     */
    private void expireIdleCalls() {
        long now = System.nanoTime();
        if (now < nextIdleCheck || rejoin.inProgress(REJOIN_PATIENCE_NANOS)) {
            return;
        }
        nextIdleCheck = now + IDLE_CHECK_NANOS;
        recognizers.expireIdle(now, idleTimeout);
        Map<TopicPartition, Outcome> expired = new HashMap<>();
        Set<String> unpublished = new HashSet<>();
        inFlight.forEach(dispatched -> unpublished.add(dispatched.chunk().callId()));
        for (Map.Entry<TopicPartition, PartitionCalls> entry : partitions.entrySet()) {
            int open = entry.getValue().openCalls();
            Outcome outcome = entry.getValue().expireIdle(now, idleTimeout, unpublished);
            if (entry.getValue().openCalls() < open) {
                log.warn("Worker {} closed {} call(s) of {} idle for {}", name, open - entry.getValue().openCalls(),
                        entry.getKey(), idleTimeout);
                expired.put(entry.getKey(), outcome);
            }
        }
        if (expired.isEmpty()) {
            return;
        }
        inTransaction(() -> {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            expired.forEach((partition, outcome) -> {
                publish(outcome, false);
                offsets.put(partition, commit(partitions.get(partition),
                        unpublishedFrom(partition, nextToHandle(partition))));
            });
            return offsets;
        });
    }

    /**
     * Runs {@code work} in one Kafka transaction together with the offsets it returns; false if it was aborted.
     * Offsets alone wait until they are {@link #OFFSETS_ALONE_EVERY_NANOS} old: a transaction that sends nothing
     * costs the brokers nothing (the producer skips its EndTxn), and most live chunks publish nothing.
     */
    private boolean inTransaction(Supplier<Map<TopicPartition, OffsetAndMetadata>> work) {
        long began = System.nanoTime();
        boolean committed = false;
        boolean offsetsSent = false;
        sentInTransaction = false;
        producer.beginTransaction();
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets = work.get();
            if (!offsets.isEmpty() && (sentInTransaction || offsetsAloneDue())) {
                producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
                offsetsSent = true;
            }
            producer.commitTransaction();
            committed = true;
            if (offsetsSent) {
                movedSinceCommit.removeAll(offsets.keySet());
                offsetsCommittedNanos = System.nanoTime();
            }
            return true;
        } catch (ProducerFencedException | InvalidProducerEpochException | OutOfOrderSequenceException
                 | AuthorizationException e) {
            throw e; // fatal for this producer
        } catch (KafkaException e) {
            log.warn("Worker {} aborts a transaction and replays its partitions from the committed offsets", name, e);
            try {
                producer.abortTransaction();
            } catch (KafkaException abortFailed) {
                // the producer is in an error state (e.g. the coordinator already aborted a transaction that timed out)
                throw new ProducerUnusable(abortFailed);
            }
            rewind();
            return false;
        } finally {
            if (sentInTransaction || offsetsSent || !committed) {
                transactionEnded(System.nanoTime() - (sentInTransaction ? firstSentNanos : began), committed);
            }
        }
    }

    /** Whether offsets that published nothing have waited long enough to be committed on their own. */
    private boolean offsetsAloneDue() {
        return !movedSinceCommit.isEmpty() && System.nanoTime() - offsetsCommittedNanos >= OFFSETS_ALONE_EVERY_NANOS;
    }

    private void transactionEnded(long nanos, boolean committed) {
        metrics.transactionEnded(nanos, committed);
        if (nanos > slowTransactionNanos) {
            log.warn("Worker {}: a transaction stayed open {} ms ({}); at {} ms the broker fences the producer and "
                    + "the worker replays. A starved CPU or too few decode-threads for the live calls do this",
                    name, nanos / 1_000_000, committed ? "committed" : "aborted", transactionTimeout.toMillis());
        }
    }

    /** What became of a record handed to {@link #handle}. */
    private enum Step {
        HANDLED,
        /** Nothing was done: the call needs recognizers the replica has not got free. */
        AFTER_RECOGNIZERS_FREE,
        /** Nothing was done: the event would wait inside a running transaction for many chunks to decode. */
        AFTER_DECODING
    }

    /**
     * Handles one record. A chunk goes to the decoders; any other event first waits for the chunks in flight, since
     * it may open or close their calls.
     */
    private Step handle(ConsumerRecord<String, byte[]> record, PartitionCalls calls) {
        AudioEvent event;
        try {
            event = audio.deserialize(record.topic(), record.headers(), record.value());
        } catch (SerializationException e) {
            emit(record, Outcome.rejected(new Rejection(Rejection.UNDESERIALIZABLE, e.getMessage())), calls);
            return Step.HANDLED;
        }
        if (event instanceof AudioChunk chunk) {
            // only undecoded chunks count: a slow chunk of one channel holds back publishing, not other channels
            decoding.acquireUninterruptibly();
            CompletableFuture<Outcome> outcome = calls.onChunk(chunk, record.offset(), decoders);
            outcome.whenComplete((decoded, never) -> decoding.release());
            inFlight.add(new Dispatched(record, chunk, outcome));
            while (inFlight.size() > maxInFlight) {
                completeOldest();
            }
            return Step.HANDLED;
        }
        if (waitIsTimed()) {
            return Step.AFTER_DECODING;
        }
        completeAll();
        Outcome outcome;
        try {
            outcome = event instanceof CallStarted started ? calls.onCallStarted(started, record.offset())
                    : calls.onCallEnded((CallEnded) event);
        } catch (KafkaException e) {
            throw e;
        } catch (RuntimeException e) {
            // e.g. Vosk failing to create a recognizer: one record must not stop the partition
            log.error("Worker {} could not process {}-{}@{}", name, record.topic(), record.partition(), record.offset(), e);
            outcome = Outcome.rejected(new Rejection(Rejection.PROCESSING_FAILED, String.valueOf(e)));
        }
        if (outcome.waitsForCapacity()) {
            return Step.AFTER_RECOGNIZERS_FREE;
        }
        emit(record, outcome, calls);
        return Step.HANDLED;
    }

    /** Waits for the oldest chunk in flight and publishes what it produced, keeping the records' order. */
    private void completeOldest() {
        Dispatched oldest = inFlight.poll();
        Outcome outcome = oldest.outcome().join();
        if (outcome.decodeNanos() > 0) {
            metrics.chunkProcessed(outcome.decodeNanos(), oldest.chunk().samples(), oldest.chunk().sampleRate());
        }
        PartitionCalls calls = partitions.get(oldest.partition());
        emit(oldest.record(), outcome, calls);
        calls.published(oldest.chunk(), outcome);
        movedSinceCommit.add(oldest.partition());
    }

    /** Publishes every chunk in flight once all are decoded, and closes the calls whose recognizer failed meanwhile. */
    private void completeAll() {
        inFlight.forEach(dispatched -> dispatched.outcome().join()); // before the first send starts the broker's clock
        while (!inFlight.isEmpty()) {
            completeOldest();
        }
        partitions.values().forEach(PartitionCalls::settle);
    }

    /**
     * Drops the chunks in flight of {@code dropped} partitions unpublished, once decoded: no recognizer may be closed
     * while a decoder still uses it. Their partitions' commits lie below them, so they are replayed.
     */
    private void dropInFlight(Collection<TopicPartition> dropped) {
        for (Iterator<Dispatched> it = inFlight.iterator(); it.hasNext(); ) {
            Dispatched dispatched = it.next();
            if (dropped.contains(dispatched.partition())) {
                dispatched.outcome().join();
                it.remove();
            }
        }
    }

    /**
     * Publishes what handling {@code record} produced. A record the partition's previous owner already handled
     * ({@link PartitionCalls#replayed}) is replayed for the recognizers only: its DLQ copy and CallClosed exist.
     */
    private void emit(ConsumerRecord<String, byte[]> record, Outcome outcome, PartitionCalls calls) {
        boolean replayed = calls != null && calls.replayed(record.offset());
        if (outcome.rejection() != null) {
            if (calls != null) {
                calls.deadLettered(record.key(), outcome.rejection().reason(), record.offset());
            }
            if (!replayed) {
                deadLetter(record, outcome.rejection());
            }
        }
        publish(outcome, replayed);
    }

    private void publish(Outcome outcome, boolean replayed) {
        for (TranscriptSegment segment : outcome.segments()) {
            send(segment);
        }
        for (PartialTranscript partial : outcome.partials()) {
            send(new ProducerRecord<>(Topics.PARTIAL_TRANSCRIPTS, partial.callId(),
                    partials.serialize(Topics.PARTIAL_TRANSCRIPTS, partial)));
        }
        metrics.segmentsEmitted(name, outcome.segments());
        CallClosed closed = outcome.closed();
        if (closed != null && !replayed) {
            CrashTestHook.beforeCallClosed(closed.callId(), producer);
            send(closed);
            log.debug("Worker {} closed call {}: {}", name, closed.callId(), closed);
        }
    }

    private void send(TranscriptEvent event) {
        RecordHeaders headers = new RecordHeaders();
        byte[] value = transcripts.serialize(Topics.TRANSCRIPTS, headers, event);
        send(new ProducerRecord<>(Topics.TRANSCRIPTS, null, event.callId(), value, headers));
    }

    /** Every record goes out here, so the transaction knows it has begun on the broker. */
    private void send(ProducerRecord<String, byte[]> record) {
        if (!sentInTransaction) {
            sentInTransaction = true;
            firstSentNanos = System.nanoTime();
        }
        producer.send(record);
    }

    /** From the fetch positions the consumer already knows; no broker round trip. */
    private void reportLag() {
        for (TopicPartition partition : consumer.assignment()) {
            Deque<ConsumerRecord<String, byte[]>> rest = pending.get(partition);
            long waiting = rest == null ? 0 : rest.size();
            consumer.currentLag(partition).ifPresent(lag -> metrics.lag(partition, lag + waiting));
        }
    }

    private void deadLetter(ConsumerRecord<String, byte[]> record, Rejection rejection) {
        log.warn("Dead-lettering {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), rejection.header());
        send(DeadLetter.record(record.key(), record.value(), record.headers(), rejection.header(), SERVICE,
                record.topic(), record.partition(), record.offset()));
        metrics.deadLettered(rejection.reason());
    }

    /** After an aborted transaction: forget all call state and resume every partition from its committed offset. */
    private void rewind() {
        Set<TopicPartition> assigned = consumer.assignment();
        pending.clear();
        movedSinceCommit.clear();
        consumer.resume(paused);
        paused.forEach(partition -> metrics.partitionPaused(partition, false));
        paused.clear();
        closeAllPartitions();
        restore(assigned, true);
    }

    /** Rebuilds the calls a previous owner had open, from the commit metadata; optionally seeks to the commit. */
    private void restore(Collection<TopicPartition> assigned, boolean seek) {
        if (assigned.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.copyOf(assigned));
        for (TopicPartition partition : assigned) {
            PartitionCalls calls = newCalls();
            PartitionCalls previous = partitions.put(partition, calls);
            if (previous != null) {
                previous.close();
            }
            OffsetAndMetadata commit = committed.get(partition);
            if (commit == null) {
                if (seek) {
                    consumer.seekToBeginning(List.of(partition));
                }
                continue;
            }
            if (seek) {
                consumer.seek(partition, commit.offset());
            }
            PartitionCalls.Recovery recovery = PartitionCalls.parseMetadata(commit.metadata());
            calls.replayUntil(recovery.position());
            List<PartitionCalls.RecoveryPoint> points = recovery.calls();
            Map<Long, CallStarted> started = clients.fetchCallStarted(partition,
                    points.stream().map(PartitionCalls.RecoveryPoint::startedOffset).toList(), RECOVERY_FETCH);
            for (PartitionCalls.RecoveryPoint point : points) {
                CallStarted call = started.get(point.startedOffset());
                if (call != null) {
                    calls.recover(call, point);
                } else {
                    log.error("Worker {} cannot re-read the CallStarted at {}@{}; that call's chunks will go to the DLQ",
                            name, partition, point.startedOffset());
                }
            }
            if (!points.isEmpty()) {
                log.info("Worker {} took over {} with {} open calls, resuming at offset {}", name, partition,
                        calls.openCalls(), commit.offset());
            }
        }
    }

    private void closeAllPartitions() {
        dropInFlight(partitions.keySet());
        partitions.values().forEach(PartitionCalls::close);
        partitions.clear();
    }

    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            // everything published so far is committed; the new owner replays the open utterances and the quiet rest
            dropInFlight(revoked);
            for (TopicPartition partition : revoked) {
                pending.remove(partition);
                movedSinceCommit.remove(partition);
                metrics.partitionGone(partition);
                if (paused.remove(partition)) {
                    metrics.partitionPaused(partition, false);
                }
                PartitionCalls calls = partitions.remove(partition);
                if (calls != null) {
                    calls.close();
                }
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
            restore(assigned, false);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> lost) {
            onPartitionsRevoked(lost);
        }
    }

    /** Asks the worker to stop; it closes its recognizers and clients on its own thread. */
    void stop() {
        running = false;
        consumer.wakeup();
    }

    /** Whether the poll loop is running. */
    boolean alive() {
        return alive;
    }

    private void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            log.warn("Worker {} could not close {}", name, closeable.getClass().getSimpleName(), e);
        }
    }
}
