package vn.guardian.ingest.erasure;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import io.r2dbc.spi.ConnectionFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import vn.guardian.ingest.IngestProperties;
import vn.guardian.ingest.problem.ProblemException;
import vn.guardian.ingest.publish.PublishClients;

/**
 * Erases one call on request (call recordings are personal data): tombstones for its key on the compacted topics,
 * then, in one transaction, its reviews, segment verdicts, call verdict, dead-letter rows and registry row, and a
 * mark in {@code erased_calls} so moderation-stream never writes it again when its records are replayed.
 */
@Component
public class CallErasure implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CallErasure.class);

    private static final String FIND = """
            SELECT coalesce((SELECT status FROM calls WHERE tenant = :tenant AND call_id = :callId), '')
                   || CASE WHEN EXISTS (SELECT 1 FROM segment_verdicts WHERE tenant = :tenant AND call_id = :callId)
                             OR EXISTS (SELECT 1 FROM call_verdicts WHERE tenant = :tenant AND call_id = :callId)
                           THEN '+' ELSE '' END AS found""";
    private static final String[] ERASE = {
            "INSERT INTO erased_calls (call_id, tenant, erased_at) VALUES (:callId, :tenant, :erasedAt)"
                    + " ON CONFLICT (call_id) DO NOTHING",
            "DELETE FROM segment_reviews WHERE tenant = :tenant AND call_id = :callId",
            "DELETE FROM segment_verdicts WHERE tenant = :tenant AND call_id = :callId",
            "DELETE FROM call_verdicts WHERE tenant = :tenant AND call_id = :callId",
            "DELETE FROM call_dead_letters WHERE call_id = :callId"
                    + " AND EXISTS (SELECT 1 FROM calls WHERE tenant = :tenant AND call_id = :callId)",
            "DELETE FROM calls WHERE tenant = :tenant AND call_id = :callId"};

    private final DatabaseClient database;
    private final TransactionalOperator transaction;
    private final KafkaProducer<String, byte[]> producer;
    private final Admin admin;
    private final IngestProperties properties;

    public CallErasure(DatabaseClient database, ConnectionFactory connectionFactory, KafkaProperties kafka,
                       IngestProperties properties, Admin admin) {
        this.database = database;
        this.admin = admin;
        this.transaction = TransactionalOperator.create(new R2dbcTransactionManager(connectionFactory));
        this.properties = properties;
        // the audio producer's settings (acks=all, idempotent, bounded waits): a tombstone must be durable first
        Map<String, Object> config = new HashMap<>(PublishClients.producerConfig(kafka, properties.publish()));
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, config.get(ProducerConfig.CLIENT_ID_CONFIG) + "-erasure");
        this.producer = new KafkaProducer<>(config);
    }

    /**
     * Erases the tenant's call: true once erased, empty when the tenant has no such call (or it was erased before).
     *
     * @throws ProblemException 409 while the call is live or still being transcribed, 503 when Kafka is unreachable
     */
    public Mono<Boolean> erase(String tenant, String callId) {
        return database.sql(FIND)
                .bind("tenant", tenant)
                .bind("callId", callId)
                .map((row, meta) -> row.get("found", String.class))
                .one()
                .filter(found -> !found.isEmpty())
                .flatMap(found -> {
                    String status = found.replace("+", "");
                    if (status.equals("live") || status.equals("ended")) {
                        return Mono.error(new ProblemException(HttpStatus.CONFLICT, "call-not-closed",
                                "Call still in progress", "Call " + callId + " is " + status
                                + "; its transcripts are still being written, so it cannot be erased yet.")
                                .field("callId").value(callId).with("callStatus", status)
                                .fix("end the call (POST /v1/calls/" + callId + "/end), wait until GET /v1/calls/"
                                        + callId + " shows status closed or failed, then erase it"));
                    }
                    return tombstones(callId).then(rows(tenant, callId)).thenReturn(true);
                })
                .doOnNext(erased -> log.info("Erased call {} of tenant {}", callId, tenant));
    }

    private Mono<Void> tombstones(String callId) {
        return Mono.fromCallable(() -> {
            // a topic that does not exist holds nothing to erase, and sending would auto-create it
            Set<String> existing = admin.listTopics().names().get(properties.publish().deliveryTimeout().toMillis(),
                    TimeUnit.MILLISECONDS);
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (String topic : properties.erasure().compactedTopics()) {
                if (existing.contains(topic)) {
                    sent.add(producer.send(new ProducerRecord<>(topic, callId, null)));
                } else {
                    log.info("Erasure topic {} does not exist: nothing of call {} to erase there", topic, callId);
                }
            }
            for (Future<RecordMetadata> future : sent) {
                future.get(properties.publish().deliveryTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
            }
            return sent.size();
        }).subscribeOn(Schedulers.boundedElastic())
                .onErrorMap(e -> !(e instanceof ProblemException), e -> new ProblemException(
                        HttpStatus.SERVICE_UNAVAILABLE, "kafka-unavailable", "Kafka unavailable",
                        "Could not write the erasure tombstones for call " + callId + " to Kafka: " + e.getMessage()
                                + ". Nothing was erased.", e)
                        .field("callId").value(callId).fix("retry the DELETE in a few seconds"))
                .then();
    }

    private Mono<Void> rows(String tenant, String callId) {
        Instant now = Instant.now();
        return Flux.fromArray(ERASE)
                .concatMap(sql -> {
                    DatabaseClient.GenericExecuteSpec spec = database.sql(sql).bind("tenant", tenant)
                            .bind("callId", callId);
                    return (sql.contains(":erasedAt") ? spec.bind("erasedAt", now) : spec).fetch().rowsUpdated();
                })
                .then()
                .as(transaction::transactional);
    }

    @Override
    public void close() {
        producer.close();
    }
}
