package vn.guardian.moderation.registry;

import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.ConnectionFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import vn.guardian.contracts.Topics;
import vn.guardian.contracts.audio.AudioChunk;
import vn.guardian.contracts.audio.AudioEvent;
import vn.guardian.contracts.audio.CallEnded;
import vn.guardian.contracts.audio.CallStarted;
import vn.guardian.contracts.serde.AudioEventSerde;
import vn.guardian.contracts.serde.EventSerdes;
import vn.guardian.contracts.serde.JsonSerde;
import vn.guardian.contracts.serde.TranscriptEventSerde;
import vn.guardian.contracts.transcript.CallClosed;
import vn.guardian.contracts.verdict.CallVerdict;
import vn.guardian.moderation.sink.SinkLoop;

/**
 * The calls registry's batches: one {@code calls} row per call ingest accepted, kept from CallStarted, the chunks and
 * CallEnded ({@code guardian.audio}), CallClosed ({@code guardian.transcripts}), the call verdict
 * ({@code guardian.call-verdicts}) and the call's dead letters ({@code guardian.dlq}). Each event sets only its own
 * columns with idempotent updates, so replays and arrival order across topics change nothing. Records it cannot
 * read are skipped, not dead-lettered: the services that own those topics already dead-letter them.
 */
public final class CallRegistry implements SinkLoop.Batches {

    public static final String NAME = "call-registry";
    public static final List<String> TOPICS = List.of(Topics.AUDIO, Topics.TRANSCRIPTS, Topics.CALL_VERDICTS,
            Topics.DLQ);
    /** A CallStarted dead-lettered for this reason is a second start of a call that goes on: not a failure. */
    static final String DUPLICATE_CALL = "duplicate-call";
    /** Channels a call may have here: chunk counts are kept in an array per call, which a chunk header must not size. */
    static final int MAX_CHANNELS = 8;

    private static final Logger log = LoggerFactory.getLogger(CallRegistry.class);
    private static final String NOT_ERASED = " WHERE NOT EXISTS (SELECT 1 FROM erased_calls WHERE call_id = :callId)";

    static final String STARTED = """
            INSERT INTO calls (call_id, tenant, language, source_format, channel_roles, metadata, started_at)
            SELECT :callId, :tenant, :language, :format, :roles, :metadata, :startedAt""" + NOT_ERASED + """

            ON CONFLICT (call_id) DO UPDATE SET
                tenant = EXCLUDED.tenant, language = EXCLUDED.language, source_format = EXCLUDED.source_format,
                channel_roles = EXCLUDED.channel_roles, metadata = EXCLUDED.metadata,
                started_at = LEAST(calls.started_at, EXCLUDED.started_at), updated_at = clock_timestamp()
            """;
    static final String CHUNKS = """
            UPDATE calls SET updated_at = clock_timestamp(), chunks_by_channel = ARRAY(
                SELECT GREATEST(coalesce(seen, 0), coalesce(batch, 0))
                  FROM unnest(chunks_by_channel, :chunks) WITH ORDINALITY AS c(seen, batch, channel)
                 ORDER BY channel)
             WHERE call_id = :callId""";
    static final String ENDED = """
            INSERT INTO calls (call_id, tenant, started_at, ended_at, end_reason)
            SELECT :callId, :tenant, :endedAt, :endedAt, :reason""" + NOT_ERASED + """

            ON CONFLICT (call_id) DO UPDATE SET
                ended_at = EXCLUDED.ended_at, end_reason = EXCLUDED.end_reason, updated_at = clock_timestamp()
            """;
    static final String CLOSED = """
            INSERT INTO calls (call_id, tenant, started_at, ended_at, end_reason, closed_at, audio_ms, segments)
            SELECT :callId, :tenant, :endedAt, :endedAt, :reason, :closedAt, :audioMs, :segments""" + NOT_ERASED + """

            ON CONFLICT (call_id) DO UPDATE SET
                ended_at = coalesce(calls.ended_at, EXCLUDED.ended_at),
                end_reason = CASE WHEN calls.end_reason = '' THEN EXCLUDED.end_reason ELSE calls.end_reason END,
                closed_at = EXCLUDED.closed_at, audio_ms = EXCLUDED.audio_ms,
                segments = GREATEST(calls.segments, EXCLUDED.segments), updated_at = clock_timestamp()
            """;
    static final String VERDICT = """
            INSERT INTO calls (call_id, tenant, started_at, action, categories, segments)
            SELECT :callId, :tenant, :updatedAt, :action, :categories, :segments""" + NOT_ERASED + """

            ON CONFLICT (call_id) DO UPDATE SET
                action = EXCLUDED.action, categories = EXCLUDED.categories,
                segments = GREATEST(calls.segments, EXCLUDED.segments), updated_at = clock_timestamp()
            """;
    static final String DEAD_LETTER = """
            INSERT INTO call_dead_letters (dlq_partition, dlq_offset, call_id, reason_code, reason, service,
                source_topic, dead_lettered_at)
            SELECT :partition, :offset, :callId, :code, :reason, :service, :sourceTopic, :at""" + NOT_ERASED + """

            ON CONFLICT DO NOTHING""";
    static final String FAILED = """
            INSERT INTO calls (call_id, tenant, language, source_format, channel_roles, metadata, started_at, failure)
            SELECT :callId, :tenant, :language, :format, :roles, :metadata, :startedAt, :failure""" + NOT_ERASED + """

            ON CONFLICT (call_id) DO UPDATE SET failure = EXCLUDED.failure, updated_at = clock_timestamp()
            """;

    private final DatabaseClient client;
    private final TransactionalOperator transaction;
    private final Duration timeout;
    private final AudioEventSerde audio = new AudioEventSerde();
    private final TranscriptEventSerde transcripts = new TranscriptEventSerde();
    private final JsonSerde<CallVerdict> verdicts = EventSerdes.callVerdict();

    public CallRegistry(ConnectionFactory connectionFactory, Duration timeout) {
        this.client = DatabaseClient.create(connectionFactory);
        this.transaction = TransactionalOperator.create(new R2dbcTransactionManager(connectionFactory));
        this.timeout = timeout;
    }

    @Override
    public void store(ConsumerRecords<byte[], byte[]> records, SinkLoop.DeadLetters deadLetters) {
        List<Supplier<Mono<Long>>> statements = new ArrayList<>();
        // highest seq + 1 per call and channel in this batch, written after every CallStarted of the batch
        Map<String, Map<Integer, Long>> chunks = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            try {
                switch (record.topic()) {
                    case Topics.AUDIO -> audio(record, statements, chunks);
                    case Topics.TRANSCRIPTS -> closed(record, statements);
                    case Topics.CALL_VERDICTS -> verdict(record, statements);
                    case Topics.DLQ -> deadLetter(record, statements);
                    default -> log.debug("Ignoring a record of {}", record.topic());
                }
            } catch (SerializationException | IllegalArgumentException e) {
                log.debug("Skipping unreadable {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                        e.getMessage());
            }
        }
        chunks.forEach((callId, byChannel) -> statements.add(() -> client.sql(CHUNKS)
                .bind("callId", callId)
                .bind("chunks", channelArray(byChannel))
                .fetch().rowsUpdated()));
        if (statements.isEmpty()) {
            return;
        }
        Flux.fromIterable(statements)
                .concatMap(Supplier::get)
                .then()
                .as(transaction::transactional)
                .block(timeout);
    }

    private void audio(ConsumerRecord<byte[], byte[]> record, List<Supplier<Mono<Long>>> statements,
                       Map<String, Map<Integer, Long>> chunks) {
        if (record.value() == null) {
            return;
        }
        AudioEvent event = audio.deserialize(record.topic(), record.headers(), record.value());
        // a statement bound with a null id, or a channel array sized by a lying header, would fail the batch forever
        if (event == null || event.callId() == null || event.callId().isBlank()) {
            throw new IllegalArgumentException("audio event without a callId");
        }
        if (event instanceof AudioChunk chunk && (chunk.channel() < 0 || chunk.channel() >= MAX_CHANNELS)) {
            throw new IllegalArgumentException("chunk of call " + chunk.callId() + " on channel " + chunk.channel());
        }
        if (event instanceof AudioChunk chunk) {
            chunks.computeIfAbsent(chunk.callId(), id -> new HashMap<>())
                    .merge(chunk.channel(), chunk.seq() + 1, Math::max);
        } else if (event instanceof CallStarted started) {
            statements.add(() -> bindStart(client.sql(STARTED), started).fetch().rowsUpdated());
        } else if (event instanceof CallEnded ended) {
            statements.add(() -> client.sql(ENDED)
                    .bind("callId", ended.callId())
                    .bind("tenant", nonNull(ended.tenant()))
                    .bind("endedAt", Instant.ofEpochMilli(ended.endedAt()))
                    .bind("reason", nonNull(ended.reason()))
                    .fetch().rowsUpdated());
        }
    }

    private void closed(ConsumerRecord<byte[], byte[]> record, List<Supplier<Mono<Long>>> statements) {
        if (record.value() == null || !TranscriptEventSerde.isCallClosed(record.headers())) {
            return; // segments and partial results: the verdict tables hold them
        }
        if (!(transcripts.deserialize(record.topic(), record.headers(), record.value()) instanceof CallClosed closed)
                || closed.callId() == null) {
            return;
        }
        statements.add(() -> client.sql(CLOSED)
                .bind("callId", closed.callId())
                .bind("tenant", nonNull(closed.tenant()))
                .bind("endedAt", Instant.ofEpochMilli(closed.endedAt() > 0 ? closed.endedAt() : closed.closedAt()))
                .bind("reason", nonNull(closed.reason()))
                .bind("closedAt", Instant.ofEpochMilli(closed.closedAt()))
                .bind("audioMs", closed.audioMs())
                .bind("segments", closed.segments())
                .fetch().rowsUpdated());
    }

    private void verdict(ConsumerRecord<byte[], byte[]> record, List<Supplier<Mono<Long>>> statements) {
        if (record.value() == null) {
            return; // a tombstone of an erased call
        }
        CallVerdict verdict = verdicts.deserialize(record.topic(), record.value());
        if (verdict == null || verdict.callId() == null || verdict.action() == null) {
            return;
        }
        statements.add(() -> client.sql(VERDICT)
                .bind("callId", verdict.callId())
                .bind("tenant", nonNull(verdict.tenant()))
                .bind("updatedAt", Instant.ofEpochMilli(verdict.updatedAt()))
                .bind("action", verdict.action().name())
                .bind("categories", verdict.countsByCategory().keySet().stream().map(Enum::name).sorted()
                        .toArray(String[]::new))
                .bind("segments", verdict.segments())
                .fetch().rowsUpdated());
    }

    private void deadLetter(ConsumerRecord<byte[], byte[]> record, List<Supplier<Mono<Long>>> statements) {
        String callId = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        String sourceTopic = header(record, Topics.DLQ_SOURCE_TOPIC_HEADER);
        if (callId == null || callId.isBlank() || sourceTopic == null) {
            return; // not a call's record
        }
        String reason = nonNull(header(record, Topics.DLQ_REASON_HEADER));
        int colon = reason.indexOf(':');
        String code = (colon > 0 ? reason.substring(0, colon) : reason).strip();
        statements.add(() -> client.sql(DEAD_LETTER)
                .bind("partition", record.partition())
                .bind("offset", record.offset())
                .bind("callId", callId)
                .bind("code", code.length() > 64 ? code.substring(0, 64) : code)
                .bind("reason", reason)
                .bind("service", nonNull(header(record, Topics.DLQ_SERVICE_HEADER)))
                .bind("sourceTopic", sourceTopic)
                .bind("at", Instant.ofEpochMilli(record.timestamp()))
                .fetch().rowsUpdated());
        // a refused CallStarted means nothing of the call is transcribed: the call failed, and this is why
        if (Topics.AUDIO.equals(sourceTopic) && "CallStarted".equals(header(record, AudioEventSerde.EVENT_HEADER))
                && !DUPLICATE_CALL.equals(code) && record.value() != null
                && audio.deserialize(sourceTopic, record.headers(), record.value()) instanceof CallStarted started
                && started.callId() != null) {
            statements.add(() -> bindStart(client.sql(FAILED), started).bind("failure", reason).fetch().rowsUpdated());
        }
    }

    private static DatabaseClient.GenericExecuteSpec bindStart(DatabaseClient.GenericExecuteSpec spec,
                                                               CallStarted started) {
        return spec.bind("callId", started.callId())
                .bind("tenant", nonNull(started.tenant()))
                .bind("language", nonNull(started.language()))
                .bind("format", json(started.sourceFormat()))
                .bind("roles", started.channelRoles().toArray(String[]::new))
                .bind("metadata", json(started.metadata()))
                .bind("startedAt", Instant.ofEpochMilli(started.startedAt()));
    }

    private static Long[] channelArray(Map<Integer, Long> byChannel) {
        int channels = byChannel.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        Long[] counts = new Long[channels];
        for (int channel = 0; channel < channels; channel++) {
            counts[channel] = byChannel.getOrDefault(channel, 0L);
        }
        return counts;
    }

    private static Json json(Object value) {
        return Json.of(vn.guardian.contracts.serde.Json.MAPPER.writeValueAsBytes(value));
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }
}
