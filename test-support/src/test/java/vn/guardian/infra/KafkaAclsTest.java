package vn.guardian.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.guardian.contracts.Topics;
import vn.guardian.testsupport.KafkaAcls;
import vn.guardian.testsupport.SecureKafka;

/**
 * Kafka security on a real KRaft broker secured as the deployments are (SASL_SSL + SCRAM-SHA-512, mutual TLS between
 * brokers, StandardAuthorizer with the ACLs of infra/kafka/acls.conf): strangers and wrong passwords are refused, a
 * service cannot touch another's topics or groups, and each service's principal can do all of its own work.
 */
class KafkaAclsTest {

    private static final Path INFRA = Path.of("..", "infra");
    private static final Path ACLS = INFRA.resolve("kafka/acls.conf");
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    static SecureKafka kafka;

    @BeforeAll
    static void startSecuredBroker() throws Exception {
        kafka = SecureKafka.start(INFRA, dir, 2);
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    // ------------------------------------------------------------------ who gets in

    @Test
    void aWrongPasswordIsRefused() {
        try (Admin admin = Admin.create(quick(kafka.clientConfig("ingest", "not-the-password")))) {
            assertThatThrownBy(() -> admin.listTopics().names().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(SaslAuthenticationException.class)
                    .hasMessageContaining("Authentication failed");
        }
    }

    @Test
    void aClientWithoutCredentialsGetsNoAnswer() {
        // TLS with the right CA but no SASL login: the broker closes the connection before any request is served
        try (Admin admin = Admin.create(quick(kafka.tlsOnly()))) {
            assertThatThrownBy(() -> admin.listTopics().names().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(TimeoutException.class);
        }
        Map<String, Object> plaintext = new HashMap<>(kafka.tlsOnly());
        plaintext.keySet().removeIf(key -> key.startsWith("ssl."));
        plaintext.put(AdminClientConfig.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT");
        try (Admin admin = Admin.create(quick(plaintext))) {
            assertThatThrownBy(() -> admin.listTopics().names().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(TimeoutException.class);
        }
    }

    @Test
    void theBrokersListenerRefusesAClientWithoutABrokerCertificate() {
        // the mutual-TLS listener the brokers replicate on: a password is no way in there
        Map<String, Object> config = new HashMap<>(kafka.tlsOnly());
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.replicationListener());
        try (Admin admin = Admin.create(quick(config))) {
            assertThatThrownBy(() -> admin.listTopics().names().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(SslAuthenticationException.class);
        }
    }

    // ------------------------------------------------------------------ what each service may not do

    @Test
    void theTranscriberCannotWriteFakeVerdicts() {
        try (KafkaProducer<byte[], byte[]> producer = producer("transcriber", Map.of())) {
            var sent = producer.send(record(Topics.VERDICTS, "call-fake", "{\"action\":\"ALLOW\"}"));
            assertThatThrownBy(() -> sent.get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void theTranscriberCannotReadInAnotherServicesGroup() {
        // guardian.audio is the transcriber's to read, but not as the verdict sink's group
        try (KafkaConsumer<byte[], byte[]> consumer = consumer("transcriber", "guardian-verdict-sink")) {
            consumer.subscribe(List.of(Topics.AUDIO));
            assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(10)))
                    .isInstanceOf(GroupAuthorizationException.class);
        }
    }

    @Test
    void theTranscriberCannotUseModerationsTransactionalIds() {
        try (KafkaProducer<byte[], byte[]> producer = producer("transcriber",
                Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "guardian-moderation-fake-1"))) {
            assertThatThrownBy(producer::initTransactions).isInstanceOf(TransactionalIdAuthorizationException.class);
        }
    }

    @Test
    void ingestCannotReadTranscriptsNorAudio() {
        for (String topic : List.of(Topics.TRANSCRIPTS, Topics.AUDIO)) {
            try (KafkaConsumer<byte[], byte[]> consumer = consumer("ingest", null)) {
                consumer.assign(List.of(new TopicPartition(topic, 0)));
                assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(10)))
                        .as(topic).isInstanceOf(TopicAuthorizationException.class);
            }
        }
    }

    @Test
    void moderationCannotWriteAudio() {
        try (KafkaProducer<byte[], byte[]> producer = producer("moderation", Map.of())) {
            var sent = producer.send(record(Topics.AUDIO, "call-fake", "chunk"));
            assertThatThrownBy(() -> sent.get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
        }
    }

    // ------------------------------------------------------------------ what each service must be able to do

    @Test
    void eachServiceDoesItsOwnWorkUnderItsOwnPrincipal() throws Exception {
        String callId = "call-" + UUID.randomUUID();

        // ingest: idempotent acks=all publish of a call's audio
        try (KafkaProducer<byte[], byte[]> ingest = producer("ingest", Map.of())) {
            ingest.send(record(Topics.AUDIO, callId, "CallStarted")).get(30, TimeUnit.SECONDS);
        }

        // transcriber: its group reads the audio; segments, partials, a dead letter, its language report and the
        // consumed offsets in one transaction under its own transactional id; its replica guard describes the group
        try (KafkaConsumer<byte[], byte[]> audio = consumer("transcriber", "guardian-transcriber");
             KafkaProducer<byte[], byte[]> transcripts = producer("transcriber",
                     Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "guardian-transcriber-test-1-worker-0"))) {
            audio.subscribe(List.of(Topics.AUDIO));
            ConsumerRecord<byte[], byte[]> chunk = pollFor(audio, callId);
            transcripts.initTransactions();
            transcripts.beginTransaction();
            transcripts.send(record(Topics.TRANSCRIPTS, callId, "TranscriptSegment"));
            transcripts.send(record(Topics.PARTIAL_TRANSCRIPTS, callId, "partial"));
            transcripts.send(record(Topics.DLQ, callId, "unreadable chunk"));
            transcripts.send(record(Topics.TRANSCRIBER_MODELS, "test-1", "{\"languages\":[\"en\"]}"));
            transcripts.sendOffsetsToTransaction(Map.of(new TopicPartition(chunk.topic(), chunk.partition()),
                    new OffsetAndMetadata(chunk.offset() + 1)), audio.groupMetadata());
            transcripts.commitTransaction();
        }
        try (Admin admin = Admin.create(kafka.clientConfig("transcriber"))) {
            assertThat(admin.describeConsumerGroups(List.of("guardian-transcriber")).all().get(30, TimeUnit.SECONDS))
                    .containsKey("guardian-transcriber");
        }

        // moderation: a Kafka Streams app with its application id, exactly_once_v2 and a state store (so an
        // internal changelog topic it must create) turns the transcript into a verdict and a call verdict
        try (KafkaStreams streams = moderationStreams()) {
            streams.start();
            try (KafkaConsumer<byte[], byte[]> verdicts = consumer("ingest", null)) {
                assignAll(verdicts, Topics.VERDICTS);
                assertThat(text(pollFor(verdicts, callId).value())).isEqualTo("verdict of TranscriptSegment");
            }
            assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);
        }

        // moderation's verdict sink and calls registry: their own groups, committing after their work
        try (KafkaConsumer<byte[], byte[]> sink = consumer("moderation", "guardian-verdict-sink");
             KafkaConsumer<byte[], byte[]> registry = consumer("moderation", "guardian-call-registry");
             KafkaProducer<byte[], byte[]> dlq = producer("moderation", Map.of())) {
            sink.subscribe(List.of(Topics.VERDICTS, Topics.CALL_VERDICTS));
            pollFor(sink, callId);
            sink.commitSync();
            registry.subscribe(List.of(Topics.AUDIO, Topics.TRANSCRIPTS, Topics.CALL_VERDICTS, Topics.DLQ));
            pollFor(registry, callId);
            registry.commitSync();
            dlq.send(record(Topics.DLQ, callId, "unreadable verdict")).get(30, TimeUnit.SECONDS);
        }

        // ingest: the live feed and served languages read group-less; erasure tombstones on the compacted topics,
        // including moderation's call table changelog (created here as the Streams app would)
        try (Admin admin = Admin.create(kafka.clientConfig(SecureKafka.ADMIN))) {
            admin.createTopics(List.of(new NewTopic("guardian-moderation-call-verdicts-changelog", 1, (short) 1)
                    .configs(Map.of("cleanup.policy", "compact")))).all().get(30, TimeUnit.SECONDS);
        }
        try (KafkaConsumer<byte[], byte[]> feed = consumer("ingest", null);
             KafkaProducer<byte[], byte[]> erasure = producer("ingest", Map.of());
             Admin admin = Admin.create(kafka.clientConfig("ingest"))) {
            assignAll(feed, Topics.CALL_VERDICTS);
            assertThat(text(pollFor(feed, callId).value())).isEqualTo("call verdict 1");
            assignAll(feed, Topics.TRANSCRIBER_MODELS);
            assertThat(text(pollFor(feed, "test-1").value())).contains("en");
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
                    .contains(Topics.CALL_VERDICTS, "guardian-moderation-call-verdicts-changelog");
            erasure.send(new ProducerRecord<>(Topics.CALL_VERDICTS, bytes(callId), null)).get(30, TimeUnit.SECONDS);
            erasure.send(new ProducerRecord<>("guardian-moderation-call-verdicts-changelog", bytes(callId), null))
                    .get(30, TimeUnit.SECONDS);
        }
    }

    // ------------------------------------------------------------------ the list against the code

    @Test
    void everyGroupAndTransactionalIdTheServicesConfigureIsGrantedToItsService() throws IOException {
        List<KafkaAcls.Grant> grants = KafkaAcls.grants(ACLS);
        Map<String, List<String>> groupsInCode = Map.of(
                "transcriber", configured("transcriber-stream/src/main/resources/transcriber-stream.yml", "group-id"),
                "moderation", configured("moderation-stream/src/main/resources/moderation-stream.yml",
                        "application-id", "sink-group-id", "registry-group-id"));
        groupsInCode.forEach((principal, groups) -> {
            assertThat(groups).as("group ids configured for %s", principal).isNotEmpty();
            for (String group : groups) {
                assertThat(grants).as("%s may use its group %s", principal, group).anyMatch(g ->
                        g.principal().equals(principal) && g.resource() == ResourceType.GROUP
                                && g.name().equals(group) && g.operations().contains(AclOperation.READ));
            }
        });
        // transcriber: <group-id>-<instance>-<worker>; Streams: <application-id>-<process>-<thread>
        assertThat(grants).anyMatch(g -> g.principal().equals("transcriber")
                && g.resource() == ResourceType.TRANSACTIONAL_ID && g.pattern() == PatternType.PREFIXED
                && g.name().equals(groupsInCode.get("transcriber").get(0) + "-"));
        assertThat(grants).anyMatch(g -> g.principal().equals("moderation")
                && g.resource() == ResourceType.TRANSACTIONAL_ID && g.pattern() == PatternType.PREFIXED
                && g.name().equals(groupsInCode.get("moderation").get(0) + "-"));
    }

    @Test
    void everyTopicHasAWriterAndAReaderAndNoGrantNamesAnUnknownTopic() throws IOException {
        List<KafkaAcls.Grant> topics = KafkaAcls.grants(ACLS).stream()
                .filter(g -> g.resource() == ResourceType.TOPIC).toList();
        for (String topic : Topics.ALL) {
            assertThat(topics).as("someone writes %s", topic).anyMatch(g -> g.name().equals(topic)
                    && g.operations().contains(AclOperation.WRITE));
            if (topic.equals(Topics.PARTIAL_TRANSCRIPTS)) {
                // no service reads partials: live views outside the product do, each under its own principal
                assertThat(topics).as("no service reads %s", topic).noneMatch(g -> g.name().equals(topic)
                        && g.operations().contains(AclOperation.READ));
                continue;
            }
            assertThat(topics).as("someone reads %s", topic).anyMatch(g -> g.name().equals(topic)
                    && g.operations().contains(AclOperation.READ));
        }
        List<String> known = new ArrayList<>(List.of(Topics.ALL));
        for (KafkaAcls.Grant grant : topics) {
            // the rest are moderation-stream's internal topics, named after its application id
            assertThat(known.contains(grant.name()) || grant.name().startsWith("guardian-moderation-"))
                    .as("acls.conf names topic %s, which is neither in Topics.ALL nor moderation's", grant.name())
                    .isTrue();
        }
        assertThat(topics).as("only moderation-stream owns its internal topics").noneMatch(g ->
                g.name().startsWith("guardian-moderation-") && g.operations().contains(AclOperation.READ)
                        && !g.principal().equals("moderation"));
    }

    // ------------------------------------------------------------------ helpers

    private static List<String> configured(String file, String... keys) throws IOException {
        String yml = Files.readString(Path.of("..").resolve(file));
        List<String> values = new ArrayList<>();
        for (String key : keys) {
            Matcher m = Pattern.compile("(?m)^\\s+" + Pattern.quote(key) + ":\\s*(\\S+)\\s*$").matcher(yml);
            assertThat(m.find()).as("%s sets %s", file, key).isTrue();
            values.add(m.group(1));
        }
        return values;
    }

    private static KafkaStreams moderationStreams() {
        StreamsBuilder builder = new StreamsBuilder();
        KStream<String, String> transcripts = builder.stream(Topics.TRANSCRIPTS,
                Consumed.with(Serdes.String(), Serdes.String()));
        transcripts.mapValues(text -> "verdict of " + text)
                .to(Topics.VERDICTS, Produced.with(Serdes.String(), Serdes.String()));
        transcripts.groupByKey().count().toStream().mapValues(count -> "call verdict " + count)
                .to(Topics.CALL_VERDICTS, Produced.with(Serdes.String(), Serdes.String()));
        Properties props = new Properties();
        props.putAll(kafka.clientConfig("moderation"));
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "guardian-moderation");
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("streams").toString());
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        return new KafkaStreams(builder.build(), props);
    }

    private static Map<String, Object> quick(Map<String, Object> config) {
        Map<String, Object> quick = new HashMap<>(config);
        quick.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
        quick.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 6000);
        return quick;
    }

    private static KafkaProducer<byte[], byte[]> producer(String principal, Map<String, Object> extra) {
        Map<String, Object> config = new HashMap<>(kafka.clientConfig(principal));
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000);
        config.putAll(extra);
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String principal, String group) {
        Map<String, Object> config = new HashMap<>(kafka.clientConfig(principal));
        if (group != null) {
            config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
            config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        }
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static void assignAll(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    private static ConsumerRecord<byte[], byte[]> pollFor(KafkaConsumer<byte[], byte[]> consumer, String key) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                if (record.key() != null && text(record.key()).equals(key)) {
                    return record;
                }
            }
        }
        throw new AssertionError("no record with key " + key + " within " + WAIT);
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String key, String value) {
        return new ProducerRecord<>(topic, bytes(key), bytes(value));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
