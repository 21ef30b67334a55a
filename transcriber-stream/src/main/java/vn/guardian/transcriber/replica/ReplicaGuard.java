package vn.guardian.transcriber.replica;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses to start a replica whose instance id a live member of the consumer group already uses: the two would
 * fence each other's consumers and transactional producers, and neither would get ready.
 *
 * <p>A replica restarting after a crash or a stop finds its own previous members still in the group until their
 * session times out (static members do not leave), and must not be refused. Each member's client.id carries the
 * process that owns it ({@link Replica#runMarker()}), so:
 * <ul>
 *   <li>a member of this host whose process is gone is our predecessor: start, and take its partitions back;</li>
 *   <li>a member of this host whose process still runs (another JVM, or another replica in this JVM) is live:
 *       refuse at once;</li>
 *   <li>a member of another host, or without a marker, cannot be checked from here: wait up to the session timeout
 *       for it to leave (a dead one does), and refuse only if it is still there.</li>
 * </ul>
 */
public final class ReplicaGuard {

    private static final Logger log = LoggerFactory.getLogger(ReplicaGuard.class);
    /** Replicas started in this JVM (group/instance id), for members that name this very process. */
    private static final Set<String> RUNNING_HERE = ConcurrentHashMap.newKeySet();
    private static final Duration DESCRIBE_TIMEOUT = Duration.ofSeconds(15);
    /** Beyond the session timeout: the broker expires a dead member on its next check, not to the millisecond. */
    private static final Duration EXPIRY_SLACK = Duration.ofSeconds(5);

    private final Replica replica;
    private final String groupId;
    private final Supplier<Admin> admin;
    private final Duration sessionTimeout;

    public ReplicaGuard(Replica replica, String groupId, Supplier<Admin> admin, Duration sessionTimeout) {
        this.replica = replica;
        this.groupId = groupId;
        this.admin = admin;
        this.sessionTimeout = sessionTimeout;
    }

    /** Returns once no live member uses this replica's instance id; throws if one does. */
    public void claim() {
        long deadline = System.nanoTime() + sessionTimeout.plus(EXPIRY_SLACK).toNanos();
        boolean waiting = false;
        try (Admin client = admin.get()) {
            while (true) {
                Optional<List<MemberDescription>> members = membersWithOurId(client);
                if (members.isEmpty()) {
                    break; // could not ask; the workers wait for the broker as before
                }
                Map<Liveness, List<MemberDescription>> byLiveness = members.get().stream()
                        .collect(Collectors.groupingBy(this::liveness));
                if (byLiveness.containsKey(Liveness.LIVE)) {
                    throw refusal(byLiveness.get(Liveness.LIVE).get(0));
                }
                List<MemberDescription> unknown = byLiveness.getOrDefault(Liveness.UNKNOWN, List.of());
                if (unknown.isEmpty()) {
                    if (!members.get().isEmpty()) {
                        log.info("Instance id {}: {} member(s) of a previous run of this replica are still in group "
                                + "{}; taking their place", replica.instanceId(), members.get().size(), groupId);
                    }
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw refusal(unknown.get(0));
                }
                if (!waiting) {
                    waiting = true;
                    log.warn("Instance id {} is used in group {} by member {} (client {}, host {}), which this host "
                            + "cannot check; waiting up to {} for it to leave, as a stopped replica's member does",
                            replica.instanceId(), groupId, unknown.get(0).groupInstanceId().orElse("?"),
                            unknown.get(0).clientId(), unknown.get(0).host(), sessionTimeout.plus(EXPIRY_SLACK));
                }
                sleep();
            }
        }
        RUNNING_HERE.add(key());
    }

    /** The replica stopped: another one in this JVM may take its instance id. */
    public void release() {
        RUNNING_HERE.remove(key());
    }

    private enum Liveness { LIVE, GONE, UNKNOWN }

    private Liveness liveness(MemberDescription member) {
        Optional<Replica> owner = Replica.fromClientId(replica.instanceId(), member.clientId());
        if (owner.isEmpty() || !owner.get().hostName().equals(replica.hostName())) {
            return Liveness.UNKNOWN;
        }
        if (owner.get().isProcessOf(replica)) {
            return RUNNING_HERE.contains(key()) ? Liveness.LIVE : Liveness.GONE;
        }
        return owner.get().processAlive().map(alive -> alive ? Liveness.LIVE : Liveness.GONE).orElse(Liveness.UNKNOWN);
    }

    /** The group's members with this replica's instance id; empty when the group could not be described. */
    private Optional<List<MemberDescription>> membersWithOurId(Admin client) {
        try {
            var group = client.describeConsumerGroups(List.of(groupId),
                            new DescribeConsumerGroupsOptions().timeoutMs((int) DESCRIBE_TIMEOUT.toMillis()))
                    .describedGroups().get(groupId).get();
            return Optional.of(group.members().stream()
                    .filter(m -> m.groupInstanceId().filter(replica::ownsGroupInstanceId).isPresent()).toList());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return Optional.of(List.of());
            }
            log.warn("Could not check whether instance id {} is already live in group {} ({}); starting anyway",
                    replica.instanceId(), groupId, e.getCause().toString());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private IllegalStateException refusal(MemberDescription member) {
        return new IllegalStateException("guardian.transcriber.instance-id=" + replica.instanceId()
                + " is already used by a live member of consumer group " + groupId + " (" + member.groupInstanceId()
                .orElse("?") + ", client " + member.clientId() + ", host " + member.host() + "); two replicas with "
                + "one instance id fence each other. Give each replica its own guardian.transcriber.instance-id, "
                + "or leave it unset (default: host name and server.port)");
    }

    private String key() {
        return groupId + "/" + replica.instanceId();
    }

    private static void sleep() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking the instance id", e);
        }
    }
}
