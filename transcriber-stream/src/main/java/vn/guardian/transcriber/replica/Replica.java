package vn.guardian.transcriber.replica;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * This process as a transcriber replica: its instance id, and the host and process it runs in, so that a starting
 * replica can tell its own dead predecessor in the consumer group from a live duplicate ({@link ReplicaGuard}).
 *
 * @param instanceId      {@code guardian.transcriber.instance-id}, or the default: see {@link #of}
 * @param hostName        {@code $HOSTNAME}, else the resolved local host name
 * @param pid             the process id
 * @param startedAtMillis when the process started, -1 when the OS does not say; with the pid it names one run
 */
public record Replica(String instanceId, String hostName, long pid, long startedAtMillis) {

    /** Separates a worker's client.id from the run marker that names its process. */
    private static final String RUN_MARKER = ".run-";
    private static final Pattern MARKER_TAIL = Pattern.compile("(.+)-(\\d+)-(-?\\d+)");

    /**
     * This process as a replica. The instance id is {@code configuredInstanceId} when set; else
     * {@code <host>-<server.port>} when the port is fixed (non-zero), which is unique per replica on a host and
     * stable across its restarts, so static membership and transactional ids survive them; else
     * {@code <host>-pid<pid>}, unique but new on every restart.
     */
    public static Replica of(String configuredInstanceId, Integer serverPort) {
        ProcessHandle self = ProcessHandle.current();
        String host = localHostName();
        long started = startedAtMillis(self);
        return new Replica(defaultInstanceId(configuredInstanceId, host, serverPort, self.pid()), host, self.pid(),
                started);
    }

    static String defaultInstanceId(String configuredInstanceId, String hostName, Integer serverPort, long pid) {
        if (configuredInstanceId != null && !configuredInstanceId.isBlank()) {
            return configuredInstanceId;
        }
        return serverPort != null && serverPort > 0 ? hostName + "-" + serverPort : hostName + "-pid" + pid;
    }

    /** The {@code group.instance.id} of one worker: unique per worker, hence instance id plus worker name. */
    public String groupInstanceId(String worker) {
        return instanceId + "-" + worker;
    }

    /** Whether a group member's {@code group.instance.id} is one of this replica's workers. */
    boolean ownsGroupInstanceId(String groupInstanceId) {
        return groupInstanceId.matches(Pattern.quote(instanceId) + "-worker-\\d+");
    }

    /** Appended to a worker's client.id, so the group's member list says which process each member is. */
    public String runMarker() {
        return RUN_MARKER + hostName + "-" + pid + "-" + startedAtMillis;
    }

    /** The replica process a group member's client.id names, if it carries a {@link #runMarker()}. */
    static Optional<Replica> fromClientId(String instanceId, String clientId) {
        int at = clientId == null ? -1 : clientId.lastIndexOf(RUN_MARKER);
        if (at < 0) {
            return Optional.empty();
        }
        var tail = MARKER_TAIL.matcher(clientId.substring(at + RUN_MARKER.length()));
        if (!tail.matches()) {
            return Optional.empty();
        }
        return Optional.of(new Replica(instanceId, tail.group(1), Long.parseLong(tail.group(2)),
                Long.parseLong(tail.group(3))));
    }

    /** Same host, same pid, same start: this very JVM. */
    boolean isProcessOf(Replica other) {
        return hostName.equals(other.hostName) && pid == other.pid && startedAtMillis == other.startedAtMillis;
    }

    /**
     * Whether this replica's process still runs, asked of the local OS (meaningful only on the same host). Empty
     * when it cannot tell: the start time is unknown, so a reused pid would look alive.
     */
    Optional<Boolean> processAlive() {
        if (startedAtMillis < 0) {
            return Optional.empty();
        }
        return Optional.of(ProcessHandle.of(pid).map(Replica::startedAtMillis).filter(s -> s == startedAtMillis)
                .isPresent());
    }

    private static long startedAtMillis(ProcessHandle process) {
        return process.info().startInstant().map(Instant::toEpochMilli).orElse(-1L);
    }

    private static String localHostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "transcriber";
        }
    }
}
