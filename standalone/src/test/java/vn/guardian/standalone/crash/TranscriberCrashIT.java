package vn.guardian.standalone.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;
import vn.guardian.contracts.Topics;
import vn.guardian.contracts.audio.AudioChunk;
import vn.guardian.contracts.audio.AudioEvent;
import vn.guardian.contracts.audio.CallEnded;
import vn.guardian.contracts.audio.CallStarted;
import vn.guardian.contracts.audio.SourceFormat;
import vn.guardian.contracts.serde.EventSerdes;
import vn.guardian.contracts.transcript.CallClosed;
import vn.guardian.contracts.transcript.TranscriptEvent;
import vn.guardian.contracts.transcript.TranscriptSegment;
import vn.guardian.contracts.verdict.SegmentVerdict;
import vn.guardian.moderation.ModerationApplication;
import vn.guardian.testsupport.CommandLine;
import vn.guardian.testsupport.TestPostgres;

/**
 * The transcriber's crash promise, end to end: real KRaft broker processes, two transcriber replicas in their own
 * JVMs, moderation-stream and PostgreSQL. The same calls are streamed twice at real-time pace, once with both
 * replicas up (the baseline) and once while one replica is {@code kill -9}ed in the middle of an utterance.
 * Every utterance must still reach PostgreSQL exactly once, with the text the baseline heard. Then a third replica
 * halts itself between a call's last segments and its CallClosed (same transaction): the call must still close
 * exactly once, after exactly those segments.
 *
 * <p>One broker by default ({@code -Dguardian.crash.brokers=3} runs three): the machine this runs on has two cores
 * shared by broker, replicas, moderation and PostgreSQL, and the property under test is the transcriber's.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TranscriberCrashIT {

    private static final Logger log = LoggerFactory.getLogger(TranscriberCrashIT.class);

    private static final int BROKERS = Integer.getInteger("guardian.crash.brokers", 1);
    /** Two per replica, so the survivor takes over partitions with calls of its own still running. */
    private static final int PARTITIONS = 4;
    private static final int CALLS = 4;
    /** Calls start this many 250 ms ticks apart, so their utterances do not line up. */
    private static final int STAGGER_TICKS = 2;
    private static final String GROUP = "guardian-transcriber";
    private static final Path SAMPLES = Path.of("..", "samples");
    /**
     * The kill comes after each call's first utterances were published (speech starts again at 6.5 s), so the survivor
     * must skip what was already transcribed and replay only the open utterances.
     */
    private static final long KILL_AFTER_MS = 7000;
    /** Mid-utterance: at least this much of the speech span heard, and this much still to come. */
    private static final long HEARD_MS = 1000;
    private static final long TO_COME_MS = 750;
    /** The victim has consumed (nearly) everything produced: at most this many records behind. */
    private static final long CAUGHT_UP_RECORDS = 3;
    private static final Duration SETTLE = Duration.ofSeconds(5);

    @TempDir
    static Path work;

    private static BrokerProcesses kafka;
    private static TestPostgres postgres;
    private static ConfigurableApplicationContext moderation;
    private static TranscriberReplica victim;
    private static TranscriberReplica survivor;
    /** Halts itself with a call's last segments sent and its CallClosed not: the crash between the two. */
    private static TranscriberReplica closer;
    private static List<String> baselineCalls;
    private static Map<String, List<Row>> baseline;
    private static CallAudio agent;
    private static CallAudio customer;

    /** Where and when the victim was killed. */
    record KillPoint(String callId, int channel, long positionMs, int partition, OffsetAndMetadata committed) {
    }

    /** One verdict row of segment_verdicts. */
    record Row(String segmentId, String callId, int channel, long startMs, long endMs, String text) {
    }

    @BeforeAll
    static void start() throws Exception {
        agent = CallAudio.of(SAMPLES.resolve("clean-call.wav"), SAMPLES.resolve("abusive-call.wav"));
        customer = CallAudio.of(SAMPLES.resolve("abusive-call.wav"), SAMPLES.resolve("clean-call.wav"));
        kafka = BrokerProcesses.start(BROKERS, PARTITIONS, work.resolve("kafka"));
        victim = TranscriberReplica.start("replica-1", kafka.bootstrapServers(), work);
        survivor = TranscriberReplica.start("replica-2", kafka.bootstrapServers(), work);
        postgres = TestPostgres.start();
        Map<String, Object> settings = new HashMap<>(postgres.moderationProperties());
        settings.put("spring.kafka.bootstrap-servers", kafka.bootstrapServers());
        settings.put("server.port", 0);
        settings.put("spring.main.banner-mode", "off");
        settings.put("spring.main.register-shutdown-hook", false);
        settings.put("guardian.moderation.state-dir", work.resolve("streams"));
        moderation = ModerationApplication.application().run(CommandLine.args(settings));
        await(Duration.ofSeconds(150), () -> "both replicas ready; replica-1:\n" + victim.logTail()
                + "\nreplica-2:\n" + survivor.logTail(), () -> {
                    for (TranscriberReplica replica : List.of(victim, survivor)) {
                        if (!replica.alive()) {
                            throw new AssertionError(replica.instanceId() + " exited at start-up:\n" + replica.logTail());
                        }
                    }
                    return victim.ready() && survivor.ready();
                });
        bothReplicasOwnPartitions();
    }

    /** Waits until the group is settled with both replicas owning partitions, and returns the assignment. */
    private static Map<Integer, String> bothReplicasOwnPartitions() throws InterruptedException {
        await(Duration.ofSeconds(60), () -> "both replicas owning partitions: " + owners(),
                () -> Set.copyOf(owners().values()).size() == 2 && owners().size() == PARTITIONS);
        return owners();
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable part : new AutoCloseable[]{victim, survivor, closer, moderation, postgres, kafka}) {
            if (part != null) {
                try {
                    part.close();
                } catch (Exception e) {
                    log.warn("Stopping {} failed: {}", part, e.toString());
                }
            }
        }
    }

    @Test
    @Order(1)
    void aReplicaKilledMidUtteranceLosesAndDoublesNoUtterance() throws Exception {
        baselineCalls = callIds("baseline");
        assertThat(stream(baselineCalls, Set.of())).isNull();
        baseline = awaitRows(baselineCalls, null);
        assertThat(baseline.values()).as("baseline verdict rows per call").allSatisfy(rows -> assertThat(
                rows.stream().map(Row::channel).distinct()).as("channels with segments").hasSize(2));
        assertThat(words(baseline.values().iterator().next())).contains("thank", "calling", "idiot", "kill");

        Map<Integer, String> owners = bothReplicasOwnPartitions();
        Set<Integer> victimPartitions = owners.entrySet().stream()
                .filter(e -> e.getValue().equals(victim.instanceId())).map(Map.Entry::getKey)
                .collect(Collectors.toSet());
        List<String> crashCalls = callIds("crash");
        KillPoint kill = stream(crashCalls, victimPartitions);
        assertThat(kill).as("a moment when %s had consumed a call of its partitions %s up to mid-utterance; owners"
                + " before the run %s, now %s", victim.instanceId(), victimPartitions, owners, owners()).isNotNull();
        assertThat(victim.alive()).isFalse();
        log.info("Killed {} at {}", victim.instanceId(), kill);

        Map<String, Integer> expectedCounts = new HashMap<>();
        for (int k = 0; k < CALLS; k++) {
            expectedCounts.put(crashCalls.get(k), baseline.get(baselineCalls.get(k)).size());
        }
        Map<String, List<Row>> crash = awaitRows(crashCalls, expectedCounts);

        for (int k = 0; k < CALLS; k++) {
            log.info("Call {}: baseline {} | crash run {}", k, texts(baseline.get(baselineCalls.get(k))),
                    texts(crash.get(crashCalls.get(k))));
        }

        // the survivor rebuilt the victim's open calls from the commit metadata
        assertThat(survivor.log()).as("survivor log").contains("took over " + Topics.AUDIO + "-" + kill.partition());

        // exactly once on the transcript topic, as read_committed readers see it
        Map<String, Long> segmentCounts = countBy(segments(readCommitted(Topics.TRANSCRIPTS)),
                TranscriptSegment::callId, TranscriptSegment::segmentId, crashCalls);
        assertThat(segmentCounts).as("transcript segments per segmentId").allSatisfy((id, n) -> assertThat(n).isOne());
        Map<String, Long> verdictCounts = countBy(verdicts(readCommitted(Topics.VERDICTS)),
                SegmentVerdict::callId, SegmentVerdict::segmentId, crashCalls);
        assertThat(verdictCounts).as("verdicts per segmentId").allSatisfy((id, n) -> assertThat(n).isOne());
        Set<String> rowIds = crash.values().stream().flatMap(List::stream).map(Row::segmentId).collect(Collectors.toSet());
        assertThat(rowIds).as("verdict rows = transcript segments = verdicts")
                .isEqualTo(segmentCounts.keySet()).isEqualTo(verdictCounts.keySet());

        // nothing the crash could have caused went to the DLQ (a replay gone wrong shows up as seq-gap or unknown-call)
        List<String> deadLettered = readCommitted(Topics.DLQ).stream()
                .map(ConsumerRecord::key).filter(crashCalls::contains).toList();
        assertThat(deadLettered).as("DLQ records of crash calls").isEmpty();

        // no utterance and no text lost compared with the crash-free run
        for (int k = 0; k < CALLS; k++) {
            for (int channel = 0; channel < 2; channel++) {
                List<Row> expected = channel(baseline.get(baselineCalls.get(k)), channel);
                List<Row> actual = channel(crash.get(crashCalls.get(k)), channel);
                String what = crashCalls.get(k) + " channel " + channel + ": baseline " + texts(expected)
                        + " vs crash run " + texts(actual);
                assertThat(actual).as("utterances of " + what).hasSameSizeAs(expected);
                for (int i = 0; i < expected.size(); i++) {
                    assertThat(actual.get(i).startMs()).as("start of utterance %d of %s", i, what)
                            .isCloseTo(expected.get(i).startMs(), org.assertj.core.data.Offset.offset(300L));
                    assertThat(similarity(words(List.of(expected.get(i))), words(List.of(actual.get(i)))))
                            .as("word overlap of utterance %d of %s", i, what).isGreaterThanOrEqualTo(0.8);
                }
            }
        }

        // and the utterance the victim died in is one of them
        assertThat(channel(crash.get(kill.callId()), kill.channel())).as("segment spanning the kill point %s", kill)
                .anySatisfy(row -> assertThat(kill.positionMs()).isBetween(row.startMs() - 500, row.endMs() + 500));
        assertClosedOnceAfterTheirLastSegment(crashCalls);
    }

    @Test
    @Order(2)
    void aReplicaDyingBetweenTheLastSegmentsAndCallClosedClosesTheCallOnce() throws Exception {
        assertThat(baseline).as("baseline of the first test").isNotNull();
        closer = TranscriberReplica.start("replica-3", kafka.bootstrapServers(), work,
                List.of("-Dguardian.crash-test.halt-before-call-closed=closing-"));
        await(Duration.ofSeconds(150), () -> "replica-3 ready:\n" + closer.logTail(), closer::ready);
        await(Duration.ofSeconds(60), () -> "replica-2 and replica-3 owning partitions: " + owners(),
                () -> owners().size() == PARTITIONS
                        && Set.copyOf(owners().values()).equals(Set.of(survivor.instanceId(), closer.instanceId())));

        // each call ends mid-utterance, so its CallEnded flushes a last segment into the transaction that halts
        int cut = Math.min(agent.chunkCount(), customer.chunkCount()) - 1;
        while (!agent.midSpeech((long) cut * CallAudio.CHUNK_MS, HEARD_MS, TO_COME_MS)) {
            cut--;
        }
        List<String> closingCalls = callIds("closing");
        assertThat(stream(closingCalls, Set.of(), cut)).isNull();
        await(Duration.ofSeconds(60), () -> "replica-3 halting at a CallClosed:\n" + closer.logTail(),
                () -> !closer.alive());
        assertThat(closer.log()).contains("crash-test: halting before the CallClosed of closing-");
        String halted = closer.log().replaceAll("(?s).*halting before the CallClosed of (closing-[0-9-]+).*", "$1");

        await(Duration.ofSeconds(120), () -> "every closing call closed in call_verdicts: " + closedCalls(closingCalls),
                () -> closedCalls(closingCalls).size() == CALLS);
        Map<String, List<Row>> rows = awaitRows(closingCalls, null);

        // the halted transaction had the call's final segments on the broker: read_uncommitted sees them
        List<TranscriptEvent> uncommitted = events(read(Topics.TRANSCRIPTS, "read_uncommitted")).stream()
                .filter(e -> e.callId().equals(halted)).toList();
        List<TranscriptEvent> committed = events(readCommitted(Topics.TRANSCRIPTS)).stream()
                .filter(e -> e.callId().equals(halted)).toList();
        assertThat(uncommitted.size()).as("records of %s, aborted ones included", halted)
                .isGreaterThan(committed.size());

        // exactly once: every segment and one CallClosed per call, as read_committed readers see them
        assertClosedOnceAfterTheirLastSegment(closingCalls);
        Map<String, Long> segmentCounts = countBy(segments(readCommitted(Topics.TRANSCRIPTS)),
                TranscriptSegment::callId, TranscriptSegment::segmentId, closingCalls);
        assertThat(segmentCounts).allSatisfy((id, n) -> assertThat(n).as("copies of segment %s", id).isOne());
        Set<String> rowIds = rows.values().stream().flatMap(List::stream).map(Row::segmentId).collect(Collectors.toSet());
        assertThat(rowIds).as("verdict rows = transcript segments").isEqualTo(segmentCounts.keySet());
        assertThat(closedCalls(closingCalls)).as("call_verdicts rows: segments, open, close reason")
                .allSatisfy((call, row) -> assertThat(row).isEqualTo(rows.get(call).size() + " false completed"));
        assertThat(readCommitted(Topics.DLQ).stream().map(ConsumerRecord::key).filter(closingCalls::contains).toList())
                .as("DLQ records of closing calls").isEmpty();
    }

    /** Each call has exactly one CallClosed, after all its segments, counting them. */
    private static void assertClosedOnceAfterTheirLastSegment(List<String> callIds) {
        List<TranscriptEvent> events = events(readCommitted(Topics.TRANSCRIPTS));
        for (String callId : callIds) {
            List<TranscriptEvent> ofCall = events.stream().filter(e -> e.callId().equals(callId)).toList();
            assertThat(ofCall).as("records of %s", callId).isNotEmpty();
            assertThat(ofCall.stream().filter(e -> e instanceof CallClosed).count()).as("CallClosed of %s", callId)
                    .isOne();
            TranscriptEvent last = ofCall.get(ofCall.size() - 1);
            assertThat(last).as("last record of %s", callId).isInstanceOf(CallClosed.class);
            long distinctSegments = ofCall.stream().filter(e -> e instanceof TranscriptSegment)
                    .map(e -> ((TranscriptSegment) e).segmentId()).distinct().count();
            assertThat(((CallClosed) last).segments()).as("segments counted in the CallClosed of %s", callId)
                    .isEqualTo(distinctSegments);
            assertThat(((CallClosed) last).deadLettered()).as("DLQ records counted for %s", callId).isEmpty();
        }
    }

    /** call id → "segments open close_reason" from call_verdicts, for the calls that are closed. */
    private static Map<String, String> closedCalls(List<String> callIds) {
        Map<String, String> closed = new TreeMap<>();
        try (Connection db = DriverManager.getConnection(postgres.jdbcUrl(), TestPostgres.USER, TestPostgres.PASSWORD);
             PreparedStatement query = db.prepareStatement("SELECT call_id, segments || ' ' || open || ' ' || "
                     + "close_reason FROM call_verdicts WHERE call_id = ANY (?) AND NOT open")) {
            query.setArray(1, db.createArrayOf("text", callIds.toArray()));
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    closed.put(result.getString(1), result.getString(2));
                }
            }
        } catch (java.sql.SQLException e) {
            log.info("call_verdicts not readable yet: {}", e.toString());
        }
        return closed;
    }

    // ---------------------------------------------------------------- feeding calls

    /** One call id per partition, so each replica has calls. */
    private static List<String> callIds(String prefix) {
        List<String> ids = new ArrayList<>();
        for (int k = 0; k < CALLS; k++) {
            for (int n = 0; ; n++) {
                String id = prefix + "-" + k + "-" + n;
                if (partitionOf(id) == k % PARTITIONS) {
                    ids.add(id);
                    break;
                }
            }
        }
        return ids;
    }

    private static int partitionOf(String callId) {
        return BuiltInPartitioner.partitionForKey(callId.getBytes(StandardCharsets.UTF_8), PARTITIONS);
    }

    /**
     * Streams the calls at real-time pace, one 250 ms chunk per channel per tick. With victim partitions given,
     * kills the victim as soon as one of its calls is mid-utterance and the victim has consumed that far.
     */
    private static KillPoint stream(List<String> callIds, Set<Integer> victimPartitions) throws Exception {
        return stream(callIds, victimPartitions, Math.max(agent.chunkCount(), customer.chunkCount()));
    }

    /** The same, ending every call after {@code chunks} chunks per channel. */
    private static KillPoint stream(List<String> callIds, Set<Integer> victimPartitions, int chunks) throws Exception {
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        int lastTick = STAGGER_TICKS * (CALLS - 1) + chunks + 1;
        KillPoint kill = null;
        try (KafkaProducer<String, AudioEvent> producer = new KafkaProducer<>(config, new StringSerializer(),
                EventSerdes.audio())) {
            long start = System.nanoTime();
            for (int tick = 0; tick <= lastTick; tick++) {
                long due = start + TimeUnit.MILLISECONDS.toNanos((long) tick * CallAudio.CHUNK_MS);
                TimeUnit.NANOSECONDS.sleep(Math.max(0, due - System.nanoTime()));
                for (int k = 0; k < CALLS; k++) {
                    for (AudioEvent event : eventsAt(callIds.get(k), tick - STAGGER_TICKS * k, chunks)) {
                        producer.send(new ProducerRecord<>(Topics.AUDIO, event.callId(), event));
                    }
                }
                producer.flush();
                if (kill == null && !victimPartitions.isEmpty()) {
                    kill = killIfMidUtterance(callIds, tick, victimPartitions);
                }
            }
        }
        return kill;
    }

    /** Tick 0 is CallStarted, tick i+1 chunk i of both channels, then CallEnded. */
    private static List<AudioEvent> eventsAt(String callId, int callTick, int chunks) {
        long now = System.currentTimeMillis();
        if (callTick == 0) {
            return List.of(new CallStarted(callId, "acme", "en", new SourceFormat("pcm_s16le", CallAudio.SAMPLE_RATE, 2),
                    List.of("agent", "customer"), CallAudio.SAMPLE_RATE, Map.of(), now));
        }
        int index = callTick - 1;
        if (index >= 0 && index < chunks) {
            List<AudioEvent> events = new ArrayList<>();
            CallAudio[] channels = {agent, customer};
            for (int channel = 0; channel < channels.length; channel++) {
                if (index < channels[channel].chunkCount()) {
                    events.add(new AudioChunk(callId, channel, index, (long) index * CallAudio.CHUNK_SAMPLES,
                            CallAudio.SAMPLE_RATE, now, channels[channel].chunk(index)));
                }
            }
            return events;
        }
        return index == chunks ? List.of(new CallEnded(callId, "acme", "completed", now)) : List.of();
    }

    private static KillPoint killIfMidUtterance(List<String> callIds, int tick, Set<Integer> victimPartitions)
            throws Exception {
        CallAudio[] channels = {agent, customer};
        for (int k = 0; k < CALLS; k++) {
            int partition = partitionOf(callIds.get(k));
            long heardMs = (long) (tick - STAGGER_TICKS * k) * CallAudio.CHUNK_MS;
            if (!victimPartitions.contains(partition) || heardMs < KILL_AFTER_MS) {
                continue;
            }
            for (int channel = 0; channel < channels.length; channel++) {
                if (!channels[channel].midSpeech(heardMs, HEARD_MS, TO_COME_MS)) {
                    continue;
                }
                OptionalLong lag = victim.lag(partition);
                if (lag.isPresent() && lag.getAsLong() <= CAUGHT_UP_RECORDS) {
                    victim.kill();
                    OffsetAndMetadata committed;
                    try (Admin admin = kafka.admin()) {
                        // the stable commit, i.e. where the survivor will resume (the victim's open transaction aborts)
                        committed = admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get()
                                .get(new TopicPartition(Topics.AUDIO, partition));
                    }
                    return new KillPoint(callIds.get(k), channel, heardMs, partition, committed);
                }
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- reading results

    /** partition → replica instance id, from the group's current assignment. */
    private static Map<Integer, String> owners() {
        Map<Integer, String> owners = new TreeMap<>();
        try (Admin admin = kafka.admin()) {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(GROUP)).describedGroups()
                    .get(GROUP).get();
            for (MemberDescription member : group.members()) {
                String replica = member.groupInstanceId().orElse(member.clientId()).replaceAll("-worker-\\d+$", "");
                for (TopicPartition partition : member.assignment().topicPartitions()) {
                    owners.put(partition.partition(), replica);
                }
            }
        } catch (Exception e) {
            log.info("Group {} not described yet: {}", GROUP, e.toString());
        }
        return owners;
    }

    /**
     * Waits until every call is done: closed in {@code call_verdicts} (its CallClosed came after its last segment)
     * with as many verdict rows as its call verdict counts segments, at least {@code expected} per call when given
     * (else some on each channel), unchanged for {@link #SETTLE} so late duplicates would show. Returns what is there
     * at the deadline.
     */
    private static Map<String, List<Row>> awaitRows(List<String> callIds, Map<String, Integer> expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        Map<String, List<Row>> last = Map.of();
        long stableSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            Map<String, List<Row>> now = rows(callIds);
            Map<String, String> closed = closedCalls(callIds);
            if (!now.equals(last)) {
                stableSince = System.nanoTime();
                last = now;
            }
            boolean complete = callIds.stream().allMatch(id -> {
                List<Row> rows = now.getOrDefault(id, List.of());
                boolean done = closed.containsKey(id) && closed.get(id).startsWith(rows.size() + " ");
                return done && (expected != null ? rows.size() >= expected.get(id)
                        : rows.stream().map(Row::channel).distinct().count() == 2);
            });
            if (complete && System.nanoTime() - stableSince >= SETTLE.toNanos()) {
                return now;
            }
            Thread.sleep(500);
        }
        log.warn("Verdict rows did not settle; last seen {}", last);
        return last;
    }

    private static Map<String, List<Row>> rows(List<String> callIds) throws Exception {
        Map<String, List<Row>> rows = new TreeMap<>();
        callIds.forEach(id -> rows.put(id, new ArrayList<>()));
        try (Connection db = DriverManager.getConnection(postgres.jdbcUrl(), TestPostgres.USER, TestPostgres.PASSWORD);
             PreparedStatement query = db.prepareStatement("SELECT segment_id, call_id, channel, start_ms, end_ms, text"
                     + " FROM segment_verdicts WHERE call_id = ANY (?) ORDER BY call_id, channel, start_ms")) {
            query.setArray(1, db.createArrayOf("text", callIds.toArray()));
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    Row row = new Row(result.getString(1), result.getString(2), result.getInt(3), result.getLong(4),
                            result.getLong(5), result.getString(6));
                    rows.get(row.callId()).add(row);
                }
            }
        } catch (java.sql.SQLException e) {
            log.info("segment_verdicts not readable yet: {}", e.toString()); // before moderation's migration ran
        }
        return rows;
    }

    /** Every committed record of a topic, from the beginning to the last stable offset. */
    private static List<ConsumerRecord<String, byte[]>> readCommitted(String topic) {
        return read(topic, "read_committed");
    }

    private static List<TranscriptEvent> events(List<ConsumerRecord<String, byte[]>> records) {
        var serde = EventSerdes.transcripts();
        return records.stream().map(r -> serde.deserialize(r.topic(), r.headers(), r.value())).toList();
    }

    private static List<ConsumerRecord<String, TranscriptSegment>> segments(List<ConsumerRecord<String, byte[]>> records) {
        List<ConsumerRecord<String, TranscriptSegment>> segments = new ArrayList<>();
        var serde = EventSerdes.transcripts();
        for (ConsumerRecord<String, byte[]> r : records) {
            if (serde.deserialize(r.topic(), r.headers(), r.value()) instanceof TranscriptSegment segment) {
                segments.add(new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.key(), segment));
            }
        }
        return segments;
    }

    private static List<ConsumerRecord<String, SegmentVerdict>> verdicts(List<ConsumerRecord<String, byte[]>> records) {
        var serde = EventSerdes.segmentVerdict();
        return records.stream().map(r -> new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.key(),
                serde.deserialize(r.topic(), r.value()))).toList();
    }

    /** Every record of a topic at {@code isolation}, from the beginning to its end as that isolation sees it. */
    private static List<ConsumerRecord<String, byte[]>> read(String topic, String isolation) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                assertThat(System.nanoTime()).as("reading %s to its end %s", topic, end).isLessThan(deadline);
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }
        return records;
    }

    private static <V> Map<String, Long> countBy(Collection<ConsumerRecord<String, V>> records, Function<V, String> callId,
                                                 Function<V, String> segmentId, List<String> callIds) {
        return records.stream().map(ConsumerRecord::value).filter(v -> callIds.contains(callId.apply(v)))
                .collect(Collectors.groupingBy(segmentId, TreeMap::new, Collectors.counting()));
    }

    private static List<Row> channel(List<Row> rows, int channel) {
        return rows.stream().filter(row -> row.channel() == channel).toList();
    }

    private static List<String> texts(List<Row> rows) {
        return rows.stream().map(row -> row.startMs() + ":" + row.text()).toList();
    }

    private static List<String> words(List<Row> rows) {
        return rows.stream().flatMap(row -> Arrays.stream(row.text().toLowerCase().split("[^\\p{L}']+")))
                .filter(word -> !word.isEmpty()).toList();
    }

    /** Shared words over the longer of the two word lists (as multisets): 1.0 when both heard the same. */
    private static double similarity(List<String> expected, List<String> actual) {
        Map<String, Long> left = expected.stream().collect(Collectors.groupingBy(w -> w, Collectors.counting()));
        Map<String, Long> right = actual.stream().collect(Collectors.groupingBy(w -> w, Collectors.counting()));
        long shared = left.entrySet().stream().mapToLong(e -> Math.min(e.getValue(), right.getOrDefault(e.getKey(), 0L)))
                .sum();
        int longer = Math.max(expected.size(), actual.size());
        return longer == 0 ? 1.0 : (double) shared / longer;
    }

    private static void await(Duration timeout, java.util.function.Supplier<String> what, BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what.get());
            }
            Thread.sleep(500);
        }
    }
}
