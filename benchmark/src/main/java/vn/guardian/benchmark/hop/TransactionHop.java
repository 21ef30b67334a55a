package vn.guardian.benchmark.hop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.LongSerializer;
import vn.guardian.benchmark.BenchmarkOptions;
import vn.guardian.benchmark.stats.Stats;

/**
 * {@code benchmark.jar transaction-hop [--bootstrap HOST:PORT,...] [--records 100] [--every-ms 250]}: what one hop
 * between two services costs on a cluster, with nothing of the pipeline running. Each hop of the pipeline is one of
 * two kinds: ingest's audio is an idempotent record, the transcriber's segments and moderation's verdicts are records
 * of a transaction that a read_committed consumer sees only once it commits. Both kinds are timed here, on a topic of
 * their own (one partition per broker, replicated as the pipeline's; deleted after): sent to acknowledged, to
 * committed, and to seen by a read_committed consumer; transactional records per broker leading their partition,
 * since each broker and the transaction's coordinator take their own part in a commit, and transactions that write to
 * every broker's partition at once, as moderation's write a verdict, a call verdict and two changelogs.
 */
public final class TransactionHop {

    /** The brokers of {@code infra/local-cluster.sh} on their default ports. */
    private static final String LOCAL_CLUSTER = "127.0.0.1:29092,127.0.0.1:29093,127.0.0.1:29094";
    public static final String USAGE = "java -jar benchmark/target/benchmark.jar transaction-hop "
            + "[--bootstrap " + LOCAL_CLUSTER + "] [--records 100] [--every-ms 250]";
    private static final Duration VISIBLE_WITHIN = Duration.ofSeconds(30);
    /** How long the cluster may take to answer at all before the command says where to look. */
    private static final Duration CLUSTER_ANSWERS_WITHIN = Duration.ofSeconds(10);

    /** The options; {@code everyMs} spaces the records so each finds an idle pipe, as an utterance's verdict does. */
    record Options(String bootstrap, int records, int everyMs) {

        static Options parse(List<String> args) {
            String bootstrap = LOCAL_CLUSTER;
            int records = 100;
            int everyMs = 250;
            for (int i = 0; i < args.size(); i += 2) {
                String arg = args.get(i);
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException(arg + " needs a value (or is unknown); usage: " + USAGE);
                }
                String value = args.get(i + 1);
                switch (arg) {
                    case "--bootstrap" -> bootstrap = value;
                    case "--records" -> records = BenchmarkOptions.positive(arg, value);
                    case "--every-ms" -> everyMs = BenchmarkOptions.positive(arg, value);
                    default -> throw new IllegalArgumentException("Unknown option '" + arg + "'; usage: " + USAGE);
                }
            }
            return new Options(bootstrap, records, everyMs);
        }
    }

    /** One record sent, its key and partition, and when (System.nanoTime) it was sent, acknowledged and committed. */
    record Sent(long key, int partition, long sentNanos, long acknowledgedNanos, long committedNanos) {
        static final long NOT_COMMITTED = Long.MIN_VALUE;
    }

    /** One kind of hop: each record's sent-to-acknowledged, sent-to-committed and sent-to-seen times, in ms. */
    record Hop(String kind, Stats.Latency acknowledged, Stats.Latency committed, Stats.Latency seen, int sent) {
    }

    public static int main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(List.of(args));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        try {
            System.out.println(table(measure(options)));
            return 0;
        } catch (IllegalStateException e) {
            System.err.println(e.getMessage()); // what to check is in the message; the trace adds nothing
            return 1;
        }
    }

    /** Sends the records of each kind one at a time and times them; the topic is gone afterwards. */
    static List<Hop> measure(Options options) throws Exception {
        String topic = "guardian.transaction-hop-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrap(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) CLUSTER_ANSWERS_WITHIN.toMillis(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) CLUSTER_ANSWERS_WITHIN.toMillis()))) {
            int brokers = brokers(admin, options.bootstrap());
            admin.createTopics(List.of(new NewTopic(topic, brokers, (short) Math.min(3, brokers)))).all().get();
            try {
                return run(admin, topic, leaders(admin, topic), options);
            } finally {
                admin.deleteTopics(List.of(topic)).all().get();
            }
        }
    }

    /** How many brokers the cluster has; an error naming the address and the fix when none answers. */
    private static int brokers(Admin admin, String bootstrap) throws Exception {
        try {
            return admin.describeCluster().nodes().get().size();
        } catch (ExecutionException e) {
            throw new IllegalStateException("no Kafka broker answered at " + bootstrap + " within "
                    + CLUSTER_ANSWERS_WITHIN.toSeconds() + " s (" + e.getCause() + "): start one with "
                    + "infra/local-cluster.sh start --no-services, or give its address with --bootstrap", e);
        }
    }

    /** Each partition's leader, once every broker knows the new topic. */
    private static Map<Integer, Integer> leaders(Admin admin, String topic) throws Exception {
        long deadline = System.nanoTime() + VISIBLE_WITHIN.toNanos();
        while (true) {
            try {
                Map<Integer, Integer> leaders = new LinkedHashMap<>();
                List<TopicPartitionInfo> partitions = admin.describeTopics(List.of(topic)).allTopicNames().get()
                        .get(topic).partitions();
                partitions.stream().filter(partition -> partition.leader() != null)
                        .forEach(partition -> leaders.put(partition.partition(), partition.leader().id()));
                if (leaders.size() == partitions.size()) {
                    return leaders;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the topic " + topic + " has partitions without a leader after "
                        + VISIBLE_WITHIN.toSeconds() + " s: check the cluster's health "
                        + "(infra/local-cluster.sh status)");
            }
            Thread.sleep(100);
        }
    }

    private static List<Hop> run(Admin admin, String topic, Map<Integer, Integer> leaders, Options options)
            throws Exception {
        Map<Long, Long> seenAt = new ConcurrentHashMap<>();
        try (Reader reader = new Reader(options.bootstrap(), topic, leaders.size(), seenAt)) {
            List<Sent> transactional;
            List<Sent> spread;
            int coordinator;
            try (KafkaProducer<Long, Long> producer = producer(options.bootstrap(), topic)) {
                producer.initTransactions();
                coordinator = admin.describeTransactions(List.of(topic)).description(topic).get().coordinatorId();
                transactional = send(producer, true, topic, 0, leaders.size(), options);
                spread = sendToEveryPartition(producer, topic, 2L * options.records(), leaders.size(), options);
            }
            List<Sent> idempotent;
            try (KafkaProducer<Long, Long> producer = producer(options.bootstrap(), null)) {
                idempotent = send(producer, false, topic, options.records(), leaders.size(), options);
            }
            reader.awaitAll(2L * options.records() + spread.size());
            List<Hop> hops = new ArrayList<>();
            for (int broker : new TreeSet<>(leaders.values())) {
                hops.add(hop("transactional, partition led by broker " + broker
                                + (broker == coordinator ? " (the coordinator)" : ""), transactional, seenAt,
                        sent -> leaders.get(sent.partition()) == broker));
            }
            hops.add(hop("transactional, a record on every broker's partition", spread, seenAt, sent -> true));
            hops.add(hop("idempotent, no transaction", idempotent, seenAt, sent -> true));
            return hops;
        }
    }

    /** The option's number of records, one at a time over the partitions in turn, each its own transaction or not. */
    private static List<Sent> send(KafkaProducer<Long, Long> producer, boolean inTransaction, String topic,
                                   long firstKey, int partitions, Options options) throws InterruptedException {
        List<Sent> sent = new ArrayList<>();
        for (int i = 0; i < options.records(); i++) {
            int partition = i % partitions;
            long sentNanos = System.nanoTime();
            if (inTransaction) {
                producer.beginTransaction();
            }
            producer.send(new ProducerRecord<>(topic, partition, firstKey + i, sentNanos));
            producer.flush();
            long acknowledgedNanos = System.nanoTime();
            if (inTransaction) {
                producer.commitTransaction();
            }
            sent.add(new Sent(firstKey + i, partition, sentNanos, acknowledgedNanos,
                    inTransaction ? System.nanoTime() : Sent.NOT_COMMITTED));
            Thread.sleep(options.everyMs());
        }
        return sent;
    }

    /** The option's number of records, one transaction per partition count, each with a record on every partition. */
    private static List<Sent> sendToEveryPartition(KafkaProducer<Long, Long> producer, String topic, long firstKey,
                                                   int partitions, Options options) throws InterruptedException {
        List<Sent> sent = new ArrayList<>();
        for (long key = firstKey; key < firstKey + Math.max(options.records(), partitions); key += partitions) {
            long sentNanos = System.nanoTime();
            producer.beginTransaction();
            for (int partition = 0; partition < partitions; partition++) {
                producer.send(new ProducerRecord<>(topic, partition, key + partition, sentNanos));
            }
            producer.flush();
            long acknowledgedNanos = System.nanoTime();
            producer.commitTransaction();
            long committedNanos = System.nanoTime();
            for (int partition = 0; partition < partitions; partition++) {
                sent.add(new Sent(key + partition, partition, sentNanos, acknowledgedNanos, committedNanos));
            }
            Thread.sleep(options.everyMs());
        }
        return sent;
    }

    private static Hop hop(String kind, List<Sent> records, Map<Long, Long> seenAt, Predicate<Sent> which) {
        List<Sent> mine = records.stream().filter(which).toList();
        double[] acknowledged = mine.stream().mapToDouble(sent -> millis(sent.sentNanos(), sent.acknowledgedNanos()))
                .toArray();
        double[] committed = mine.stream().filter(sent -> sent.committedNanos() != Sent.NOT_COMMITTED)
                .mapToDouble(sent -> millis(sent.sentNanos(), sent.committedNanos())).toArray();
        double[] seen = mine.stream().filter(sent -> seenAt.containsKey(sent.key()))
                .mapToDouble(sent -> millis(sent.sentNanos(), seenAt.get(sent.key()))).toArray();
        return new Hop(kind, Stats.latency(acknowledged), Stats.latency(committed), Stats.latency(seen), mine.size());
    }

    private static double millis(long fromNanos, long toNanos) {
        return (toNanos - fromNanos) / 1e6;
    }

    private static KafkaProducer<Long, Long> producer(String bootstrap, String transactionalId) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        // as the services' producers: nothing lost or doubled, and sent at once (a live record never waits to batch)
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        if (transactionalId != null) {
            config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        }
        return new KafkaProducer<>(config, new LongSerializer(), new LongSerializer());
    }

    static String table(List<Hop> hops) {
        StringBuilder out = new StringBuilder("One record (or transaction) at a time, sent to: acknowledged "
                + "(acks=all) / committed / seen by a read_committed consumer; ms p50/p95/p99\n");
        out.append(String.format("%-58s | %7s | %-17s | %-17s | %-17s%n", "hop", "records", "acknowledged",
                "committed", "seen"));
        for (Hop hop : hops) {
            out.append(String.format("%-58s | %7d | %-17s | %-17s | %-17s%n", hop.kind(), hop.sent(),
                    figures(hop.acknowledged()), figures(hop.committed()), figures(hop.seen())));
        }
        return out.toString();
    }

    private static String figures(Stats.Latency latency) {
        return latency.count() == 0 ? "-" : String.format("%.1f/%.1f/%.1f", latency.p50(), latency.p95(),
                latency.p99());
    }

    /** A read_committed consumer on every partition, noting when each record first reaches it. */
    private static final class Reader implements AutoCloseable {

        private final KafkaConsumer<Long, Long> consumer;
        private final Map<Long, Long> seenAt;
        private final Thread thread;
        private volatile boolean running = true;

        Reader(String bootstrap, String topic, int partitions, Map<Long, Long> seenAt) {
            this.seenAt = seenAt;
            consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new LongDeserializer(), new LongDeserializer());
            List<TopicPartition> all = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                all.add(new TopicPartition(topic, p));
            }
            consumer.assign(all);
            consumer.seekToBeginning(all);
            all.forEach(consumer::position); // resolved before the first record is sent
            thread = new Thread(this::read, "bench-transaction-hop-reader");
            thread.setDaemon(true);
            thread.start();
        }

        private void read() {
            while (running) {
                for (ConsumerRecord<Long, Long> record : consumer.poll(Duration.ofMillis(100))) {
                    seenAt.putIfAbsent(record.key(), System.nanoTime());
                }
            }
        }

        void awaitAll(long records) throws InterruptedException {
            long deadline = System.nanoTime() + VISIBLE_WITHIN.toNanos();
            while (seenAt.size() < records && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            if (seenAt.size() < records) {
                throw new IllegalStateException(seenAt.size() + " of " + records + " records reached the "
                        + "read_committed consumer within " + VISIBLE_WITHIN.toSeconds() + " s: check the cluster's "
                        + "health (infra/local-cluster.sh status)");
            }
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(5_000);
            consumer.close();
        }
    }
}
