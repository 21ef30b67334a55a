package vn.guardian.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.utils.Time;
import vn.guardian.contracts.TopicLayout;

/**
 * One in-JVM KRaft node (broker and controller) secured as the deployments are: clients on SASL_SSL with
 * SCRAM-SHA-512, brokers and controller on mutual TLS, the StandardAuthorizer denying what {@code infra/kafka/acls.conf}
 * does not allow. Certificates come from {@code infra/kafka/make-certs.sh}, the SCRAM users are bootstrapped when the
 * storage is formatted (as {@code local-cluster.sh start --secure} does), one random password per principal.
 */
public final class SecureKafka implements AutoCloseable {

    /** The tools' principal: a super user, as the compose kafka-init job's. */
    public static final String ADMIN = "admin";
    /** One principal per service, as acls.conf names them. */
    public static final List<String> SERVICES = List.of("ingest", "transcriber", "moderation");
    public static final String MECHANISM = "SCRAM-SHA-512";

    private final KafkaRaftServer server;
    private final Path dir;
    private final String bootstrapServers;
    private final String replicationListener;
    private final Map<String, String> passwords;

    private SecureKafka(KafkaRaftServer server, Path dir, String bootstrapServers, String replicationListener,
                        Map<String, String> passwords) {
        this.server = server;
        this.dir = dir;
        this.bootstrapServers = bootstrapServers;
        this.replicationListener = replicationListener;
        this.passwords = passwords;
    }

    /**
     * Starts the node in {@code dir}, creates the product's topics and applies the ACLs of {@code infra}/kafka/acls.conf.
     *
     * @param infra the repository's {@code infra/} folder (certificates script and ACL list)
     */
    public static SecureKafka start(Path infra, Path dir, int partitions) throws Exception {
        Path certs = dir.resolve("certs");
        makeCertificates(infra, certs);
        Map<String, String> passwords = new LinkedHashMap<>();
        SecureRandom random = new SecureRandom();
        for (String user : concat(ADMIN, SERVICES)) {
            byte[] secret = new byte[16];
            random.nextBytes(secret);
            passwords.put(user, HexFormat.of().formatHex(secret));
        }
        int client = freePort();
        int replication = freePort();
        int controller = freePort();
        Properties props = brokerProperties(dir, certs, client, replication, controller);
        Path config = dir.resolve("server.properties");
        try (var out = Files.newOutputStream(config)) {
            props.store(out, "SecureKafka");
        }
        List<String> format = new ArrayList<>(List.of("format", "-t", Uuid.randomUuid().toString(),
                "-c", config.toString()));
        passwords.forEach((user, password) -> {
            format.add("--add-scram");
            format.add(MECHANISM + "=[name=" + user + ",password=" + password + "]");
        });
        ByteArrayOutputStream formatLog = new ByteArrayOutputStream();
        int formatted = StorageTool.execute(format.toArray(String[]::new),
                new PrintStream(formatLog, true, StandardCharsets.UTF_8));
        if (formatted != 0) {
            throw new IllegalStateException("kafka-storage format failed: " + formatLog.toString(StandardCharsets.UTF_8));
        }
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props), Time.SYSTEM);
        server.startup();
        SecureKafka kafka = new SecureKafka(server, dir, "127.0.0.1:" + client, "127.0.0.1:" + replication, passwords);
        try (Admin admin = Admin.create(kafka.clientConfig(ADMIN))) {
            admin.describeCluster().nodes().get(60, TimeUnit.SECONDS);
            TopicLayout.createMissing(admin, partitions, (short) 1);
            admin.createAcls(KafkaAcls.read(infra.resolve("kafka/acls.conf"))).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            kafka.close();
            throw e;
        }
        return kafka;
    }

    /** The same settings as the compose brokers' and local-cluster.sh's, on one node. */
    private static Properties brokerProperties(Path dir, Path certs, int client, int replication, int controller)
            throws IOException {
        Properties p = new Properties();
        p.put("node.id", "1");
        p.put("process.roles", "broker,controller");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controller);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("listeners", "CLIENT://127.0.0.1:" + client + ",REPLICATION://127.0.0.1:" + replication
                + ",CONTROLLER://127.0.0.1:" + controller);
        p.put("advertised.listeners", "CLIENT://127.0.0.1:" + client + ",REPLICATION://127.0.0.1:" + replication);
        p.put("listener.security.protocol.map", "CLIENT:SASL_SSL,REPLICATION:SSL,CONTROLLER:SSL");
        p.put("inter.broker.listener.name", "REPLICATION");
        p.put("sasl.enabled.mechanisms", MECHANISM);
        // the server side of SCRAM needs a login module but no credentials: users live in the cluster metadata
        p.put("listener.name.client.scram-sha-512.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        p.put("listener.name.replication.ssl.client.auth", "required");
        p.put("listener.name.controller.ssl.client.auth", "required");
        p.put("ssl.principal.mapping.rules", "RULE:^CN.([^,]+),.*$/$1/,DEFAULT");
        p.put("ssl.keystore.location", certs.resolve("broker.p12").toString());
        p.put("ssl.keystore.type", "PKCS12");
        p.put("ssl.keystore.password", Files.readString(certs.resolve("store-password")).trim());
        p.put("ssl.truststore.location", certs.resolve("ca.crt").toString());
        p.put("ssl.truststore.type", "PEM");
        p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        p.put("super.users", "User:kafka-broker;User:" + ADMIN);
        p.put("allow.everyone.if.no.acl.found", "false");
        p.put("log.dirs", dir.resolve("data").toString());
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("auto.create.topics.enable", "false");
        p.put("group.initial.rebalance.delay.ms", "0");
        return p;
    }

    /** Client settings of {@code principal} with its password: what a service's spring.kafka.* settings become. */
    public Map<String, Object> clientConfig(String principal) {
        String password = passwords.get(principal);
        if (password == null) {
            throw new IllegalArgumentException("no principal " + principal + "; known: " + passwords.keySet());
        }
        return clientConfig(principal, password);
    }

    /** Client settings of {@code principal} with any password (a wrong one, for the tests). */
    public Map<String, Object> clientConfig(String principal, String password) {
        Map<String, Object> config = tlsOnly();
        config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
        config.put(SaslConfigs.SASL_MECHANISM, MECHANISM);
        config.put(SaslConfigs.SASL_JAAS_CONFIG, jaasConfig(principal, password));
        return config;
    }

    /** TLS with the cluster's CA but no SASL login: an unauthenticated client. */
    public Map<String, Object> tlsOnly() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
        config.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, caCertificate().toString());
        config.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
        return config;
    }

    public static String jaasConfig(String principal, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + principal
                + "\" password=\"" + password + "\";";
    }

    public String password(String principal) {
        return passwords.get(principal);
    }

    /** The CA certificate (PEM), every client's truststore. */
    public Path caCertificate() {
        return dir.resolve("certs/ca.crt");
    }

    /** The SASL_SSL listener the services use. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The brokers' mutual-TLS listener: only a holder of a broker certificate gets in. */
    public String replicationListener() {
        return replicationListener;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }

    /** The deployments' script, so the test proves it makes certificates a broker accepts. */
    private static void makeCertificates(Path infra, Path certs) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("bash", infra.resolve("kafka/make-certs.sh").toString(),
                certs.toString(), "localhost").redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException("infra/kafka/make-certs.sh failed: " + output);
        }
    }

    private static List<String> concat(String first, List<String> rest) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(rest);
        return all;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
