package vn.guardian.benchmark.chaos;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.utils.Utils;
import vn.guardian.benchmark.cluster.LocalCluster;
import vn.guardian.contracts.Topics;

/** One fault of the suite: what it breaks, for how long, and how it brings the process back. */
enum Fault {

    NONE("none", "no fault: the reference run (and the load probe)"),
    BROKER_LEADER("broker-leader", "kill -9 of the broker leading a live call's audio partition, restarted after 10 s"),
    TRANSCRIBER("transcriber", "kill -9 of a transcriber replica, restarted after 20 s"),
    MODERATION("moderation", "kill -9 of a moderation-stream instance, restarted after 20 s"),
    INGEST("ingest", "kill -9 of the ingest replica the clients send to (they resend to the other), restarted after 20 s"),
    POSTGRES("postgres", "PostgreSQL killed, restarted after 30 s"),
    BROKER_PAUSE("broker-pause", "SIGSTOP of a broker for 20 s, then SIGCONT"),
    ROLLING_RESTART("rolling-restart", "graceful restart of each transcriber, then each moderation instance, one at a time"),
    SCALE_OUT("scale-out", "one more transcriber replica started under load (local-cluster.sh add transcriber);"
            + " it stays"),
    SCALE_IN("scale-in", "graceful stop (SIGTERM) of the transcriber replica scale-out added"
            + " (local-cluster.sh stop-one); alone, it adds one before its load");

    /**
     * The suite's default: every fault with a surviving replica or a bounded outage, each in its own run. The planned
     * operations (rolling restart, scaling) are extras, asked for by name.
     */
    static final List<Fault> SUITE = List.of(BROKER_LEADER, TRANSCRIBER, MODERATION, INGEST, POSTGRES, BROKER_PAUSE);

    private final String id;
    private final String description;

    Fault(String id, String description) {
        this.id = id;
        this.description = description;
    }

    String id() {
        return id;
    }

    String description() {
        return description;
    }

    static Fault of(String id) {
        return Arrays.stream(values()).filter(f -> f.id.equals(id)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("--faults: unknown fault '" + id + "'; known: "
                        + Arrays.stream(values()).map(Fault::id).toList()));
    }

    /** The faults not run by default, for the usage. */
    static List<Fault> extras() {
        return Arrays.stream(values()).filter(fault -> !SUITE.contains(fault)).toList();
    }

    /** Faults that change the transcriber group's members: the suite times their rebalance. */
    boolean changesTranscriberGroup() {
        return this == TRANSCRIBER || this == SCALE_OUT || this == SCALE_IN;
    }

    /** How long the broken process stays down (or paused) before it comes back; 0 for a fault without an outage. */
    long downMs() {
        return switch (this) {
            case NONE, ROLLING_RESTART, SCALE_OUT, SCALE_IN -> 0;
            case BROKER_LEADER -> 10_000;
            case TRANSCRIBER, MODERATION, INGEST, BROKER_PAUSE -> 20_000;
            case POSTGRES -> 30_000;
        };
    }

    /**
     * Injects the fault and brings the broken process back; returns once it is healthy again.
     *
     * @param liveCall     a call in progress, whose partition leader the broker faults pick
     * @param ingestInUse  the index, among the cluster's ingest replicas, of the one the clients send to now
     * @param added        the transcriber replicas scale-out added, which scale-in stops
     * @return which process it hit
     */
    String inject(LocalCluster cluster, Random random, Supplier<String> liveCall, IntSupplier ingestInUse,
                  AddedTranscribers added) throws Exception {
        switch (this) {
            case NONE -> {
                return "-";
            }
            case BROKER_LEADER -> {
                String broker = leaderOf(cluster, liveCall.get());
                cluster.run("kill", broker);
                Thread.sleep(downMs());
                cluster.run("restart", broker);
                return broker;
            }
            case TRANSCRIBER, MODERATION, INGEST -> {
                List<String> replicas = cluster.names(this == TRANSCRIBER ? "transcriber-"
                        : this == MODERATION ? "moderation-" : "ingest-");
                if (replicas.size() < 2) {
                    throw new IllegalStateException(id + " needs two replicas to fail over to, the cluster has "
                            + replicas + "; start it with --transcribers 2 --ingest 2 --moderation 2");
                }
                // killing the ingest replica no client sends to would test nothing (an earlier run's 5xx may have
                // moved the clients on from the first one)
                String victim = replicas.get(this == INGEST ? ingestInUse.getAsInt() : random.nextInt(replicas.size()));
                cluster.run("kill", victim);
                Thread.sleep(downMs());
                cluster.run("restart", victim);
                return victim;
            }
            case POSTGRES -> {
                cluster.run("kill", "postgres");
                Thread.sleep(downMs());
                cluster.run("restart", "postgres");
                return "postgres";
            }
            case BROKER_PAUSE -> {
                String broker = leaderOf(cluster, liveCall.get());
                Process pause = cluster.pauseInBackground(broker, (int) (downMs() / 1000));
                pause.waitFor();
                return broker;
            }
            case ROLLING_RESTART -> {
                for (String name : cluster.names("transcriber-")) {
                    cluster.run("restart", name);
                }
                for (String name : cluster.names("moderation-")) {
                    cluster.run("restart", name);
                }
                return "transcriber-*, moderation-*";
            }
            case SCALE_OUT -> {
                return added.add(cluster);
            }
            case SCALE_IN -> {
                return added.stopNewest(cluster);
            }
            default -> throw new IllegalStateException(id);
        }
    }

    /** The broker leading the guardian.audio partition of {@code callId} (keys are placed as the producer does). */
    private static String leaderOf(LocalCluster cluster, String callId) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
            TopicDescription audio = admin.describeTopics(List.of(Topics.AUDIO)).allTopicNames().get().get(Topics.AUDIO);
            int partition = Utils.toPositive(Utils.murmur2(callId.getBytes(StandardCharsets.UTF_8)))
                    % audio.partitions().size();
            return "kafka-" + audio.partitions().get(partition).leader().id();
        }
    }
}
