package vn.guardian.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import vn.guardian.contracts.TopicLayout;
import vn.guardian.contracts.Topics;

/**
 * Deployment rules for everything under {@code infra/} that a reviewer would otherwise check by eye: limits and
 * health checks on every container, no root, ordered start-up, no secrets in files, and the topic list matching
 * {@link TopicLayout}. Each rule also runs against a deliberately bad snippet, so a rule that can never fail is caught.
 */
class InfraInvariantsTest {

    /** Surefire runs in the module directory; infra/ sits next to it. */
    private static final Path INFRA = Path.of("..", "infra");
    private static final String BASE = "docker-compose.yml";
    private static final Map<String, List<String>> COMPOSE_SETS = Map.of(
            "base", List.of(BASE),
            "dev", List.of(BASE, "docker-compose.override.yml"),
            "prod", List.of(BASE, "docker-compose.prod.yml"));
    /** Our images run as this uid (USER in infra/docker/*.Dockerfile). */
    private static final String SERVICE_UID = "1001";
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(password|passwd|secret|token|api[_-]?keys?)$");
    private static final Pattern VARIABLE_REFERENCE = Pattern.compile("^\\$\\{[A-Za-z_][A-Za-z0-9_]*(:?[-?][^}]*)?}$");

    // ------------------------------------------------------------------ the real files

    @Test
    void everyComposeSetPassesEveryRule() throws IOException {
        for (var set : COMPOSE_SETS.entrySet()) {
            Map<String, Object> merged = new LinkedHashMap<>();
            for (String file : set.getValue()) {
                merged = deepMerge(merged, load(INFRA.resolve(file)));
            }
            assertThat(ComposeRules.check(merged, INFRA))
                    .as("violations in the %s set %s", set.getKey(), set.getValue())
                    .isEmpty();
        }
    }

    @Test
    void everyComposeFileOnItsOwnHasNoSecretsAndOnlyConditionalDependencies() throws IOException {
        try (Stream<Path> files = Files.list(INFRA)) {
            List<Path> composeFiles = files.filter(p -> p.getFileName().toString().matches("docker-compose.*\\.yml"))
                    .toList();
            assertThat(composeFiles).hasSize(3);
            for (Path file : composeFiles) {
                Map<String, Object> compose = load(file);
                List<String> violations = new ArrayList<>();
                ComposeRules.secrets(compose, file.getFileName().toString(), violations);
                services(compose).forEach((name, service) -> ComposeRules.dependsOn(name, service, violations));
                assertThat(violations).as(file.toString()).isEmpty();
            }
        }
    }

    @Test
    void theTopologyIsThreeReplicatedBrokersPostgresAndTheServices() throws IOException {
        Map<String, Object> base = load(INFRA.resolve(BASE));
        Map<String, Map<String, Object>> services = services(base);
        assertThat(services).containsKeys("kafka-1", "kafka-2", "kafka-3", "kafka-init", "postgres",
                "ingest-service", "transcriber-stream", "moderation-stream");
        for (String broker : List.of("kafka-1", "kafka-2", "kafka-3")) {
            Map<String, Object> service = services.get(broker);
            assertThat(service.get("image")).isEqualTo("apache/kafka:4.1.2");
            assertThat(map(service.get("environment")))
                    .containsEntry("KAFKA_PROCESS_ROLES", "broker,controller")
                    .containsEntry("KAFKA_DEFAULT_REPLICATION_FACTOR", 3)
                    .containsEntry("KAFKA_MIN_INSYNC_REPLICAS", 2)
                    .containsEntry("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", 3)
                    .containsEntry("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", 3)
                    .containsEntry("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", 2);
        }
        assertThat(String.valueOf(services.get("postgres").get("image"))).startsWith("postgres:16");
        Map<String, Object> prod = deepMerge(base, load(INFRA.resolve("docker-compose.prod.yml")));
        Map<String, Map<String, Object>> prodServices = services(prod);
        assertThat(prodServices).containsKey("nginx");
        assertThat(map(prodServices.get("ingest-service").get("deploy")).get("replicas")).isEqualTo(3);
        assertThat((Integer) map(prodServices.get("transcriber-stream").get("deploy")).get("replicas"))
                .isGreaterThan(1);
    }

    @Test
    void theLocalClustersBrokersRunWithTheComposeBrokersSettings() throws IOException {
        Map<String, Object> composeBroker = map(services(load(INFRA.resolve(BASE))).get("kafka-1").get("environment"));
        Map<String, String> local = localClusterBrokerSettings();

        // every fixed setting of the local brokers but the listeners (plain text there, TLS in compose)
        assertThat(local).containsKeys("min.insync.replicas", "add.partitions.to.txn.retry.backoff.ms");
        local.forEach((key, value) -> {
            if (!key.contains("listener")) {
                String variable = "KAFKA_" + key.toUpperCase().replace('.', '_');
                assertThat(composeBroker).as(variable).containsKey(variable);
                assertThat(String.valueOf(composeBroker.get(variable))).as(variable).isEqualTo(value);
            }
        });
    }

    /** The key=value lines of local-cluster.sh's broker_properties whose value is fixed (no shell variable). */
    private static Map<String, String> localClusterBrokerSettings() throws IOException {
        String script = Files.readString(INFRA.resolve("local-cluster.sh"));
        String heredoc = script.substring(script.indexOf("broker_properties() {"));
        heredoc = heredoc.substring(heredoc.indexOf("<<EOF") + 5, heredoc.indexOf("\nEOF\n"));
        Map<String, String> settings = new TreeMap<>();
        for (String line : heredoc.split("\n")) {
            int equals = line.indexOf('=');
            if (!line.startsWith("#") && equals > 0 && !line.contains("$")) {
                settings.put(line.substring(0, equals), line.substring(equals + 1));
            }
        }
        return settings;
    }

    @Test
    void theTopicListMatchesTheContractsTopicLayout() throws IOException {
        Map<String, String> expected = new TreeMap<>();
        for (NewTopic topic : TopicLayout.topics(12, (short) 3)) {
            expected.put(topic.name(), topic.numPartitions() + " " + new TreeMap<>(topic.configs()));
        }
        Map<String, String> actual = new TreeMap<>();
        for (String line : Files.readAllLines(INFRA.resolve("kafka/topics.conf"))) {
            if (line.isBlank() || line.strip().startsWith("#")) {
                continue;
            }
            String[] fields = line.strip().split("\\s+");
            Map<String, String> configs = new TreeMap<>();
            for (String config : fields[2].split(",")) {
                String[] kv = config.split("=", 2);
                configs.put(kv[0], kv[1]);
            }
            actual.put(fields[0], fields[1] + " " + configs);
        }
        assertThat(actual).isEqualTo(expected);
        assertThat(actual).containsOnlyKeys(Topics.ALL);
        assertThat(actual.get(Topics.CALL_VERDICTS)).contains("cleanup.policy=compact");
    }

    @Test
    void everyDockerfileRunsAsNonRootWithAHealthCheckAndLayers() throws IOException {
        try (Stream<Path> files = Files.list(INFRA.resolve("docker"))) {
            List<Path> dockerfiles = files.filter(p -> p.toString().endsWith(".Dockerfile")).sorted().toList();
            assertThat(dockerfiles).extracting(p -> p.getFileName().toString()).containsExactly(
                    "ingest-service.Dockerfile", "moderation-stream.Dockerfile", "transcriber-stream.Dockerfile");
            for (Path dockerfile : dockerfiles) {
                assertThat(DockerfileRules.check(Files.readString(dockerfile)))
                        .as(dockerfile.toString()).isEmpty();
                assertThat(dockerfile.resolveSibling(dockerfile.getFileName() + ".dockerignore")).exists();
            }
        }
        assertThat(Files.readString(INFRA.resolve("docker/transcriber-stream.Dockerfile")))
                .contains("ARG VI_MODEL_URL", "ENV GUARDIAN_TRANSCRIBER_MODELS_VI=/models/vi");
    }

    // ------------------------------------------------------------------ the rules can fail

    @Test
    void aBadComposeSnippetIsFlaggedForEveryBrokenRule() {
        Map<String, Object> bad = new Yaml().load("""
                services:
                  api:
                    build: {context: .., dockerfile: infra/docker/api.Dockerfile}
                    user: root
                    environment:
                      DB_PASSWORD: hunter2
                      SPRING_R2DBC_URL: r2dbc:postgresql://postgres/guardian
                    depends_on: [db]
                  db:
                    image: postgres:16
                    environment:
                      - POSTGRES_PASSWORD=hunter2
                    healthcheck: {test: ["NONE"]}
                    deploy: {resources: {limits: {cpus: "1"}}}
                  init:
                    image: busybox
                    user: "1000"
                    mem_limit: 64m
                    cpus: 0.5
                    networks: [guardian]
                    depends_on:
                      db: {condition: service_healthy}
                    command: ["sh", "-c", "echo done"]
                  fine:
                    image: busybox
                    user: "1000"
                    networks: [guardian]
                    healthcheck: {test: ["CMD", "true"]}
                    deploy: {resources: {limits: {cpus: "1", memory: 64m}}}
                    depends_on:
                      init: {condition: service_completed_successfully}
                networks:
                  guardian: {}
                """);
        List<String> violations = ComposeRules.check(bad, INFRA);
        assertThat(violations).anyMatch(v -> v.startsWith("api: no memory and CPU limits"))
                .anyMatch(v -> v.startsWith("api: no health check"))
                .anyMatch(v -> v.startsWith("api: runs as root"))
                .anyMatch(v -> v.startsWith("api: depends_on without condition"))
                .anyMatch(v -> v.startsWith("api: not on a named network"))
                .anyMatch(v -> v.contains("DB_PASSWORD") && v.contains("literal secret"))
                .anyMatch(v -> v.startsWith("db: no memory and CPU limits"))
                .anyMatch(v -> v.startsWith("db: no health check"))
                .anyMatch(v -> v.startsWith("db: runs as root"))
                .anyMatch(v -> v.contains("POSTGRES_PASSWORD") && v.contains("literal secret"));
        // one-shot jobs need no health check; a complete service raises nothing
        assertThat(violations).noneMatch(v -> v.startsWith("init:") || v.startsWith("fine:"));
    }

    @Test
    void aBadDockerfileIsFlagged() {
        String bad = """
                FROM eclipse-temurin:17-jdk AS build
                RUN ./mvnw -B package
                FROM eclipse-temurin:17-jre
                USER 1001
                COPY --from=build /src/app.jar app.jar
                USER root
                ENV DB_PASSWORD=hunter2
                ENTRYPOINT ["java", "-jar", "app.jar"]
                """;
        assertThat(DockerfileRules.check(bad))
                .anyMatch(v -> v.contains("runs as root"))
                .anyMatch(v -> v.contains("HEALTHCHECK"))
                .anyMatch(v -> v.contains("--mount=type=cache,target=/root/.m2"))
                .anyMatch(v -> v.contains("layers"))
                .anyMatch(v -> v.contains("literal secret"));
    }

    // ------------------------------------------------------------------ rules

    /** Rules for a compose model (one file, or a merged set) as Compose itself would merge it. */
    static final class ComposeRules {

        static List<String> check(Map<String, Object> compose, Path infra) {
            List<String> violations = new ArrayList<>();
            Map<String, Map<String, Object>> services = services(compose);
            Set<String> oneShot = oneShotJobs(services);
            Set<String> networks = map(compose.get("networks")).keySet();
            services.forEach((name, service) -> {
                limits(name, service, violations);
                if (!oneShot.contains(name)) {
                    healthcheck(name, service, violations);
                }
                nonRoot(name, service, infra, violations);
                dependsOn(name, service, violations);
                Object serviceNetworks = service.get("networks");
                Set<String> names = serviceNetworks instanceof Map<?, ?> m
                        ? m.keySet().stream().map(String::valueOf).collect(Collectors.toSet())
                        : serviceNetworks instanceof List<?> l
                                ? l.stream().map(String::valueOf).collect(Collectors.toSet())
                                : Set.of();
                if (names.isEmpty() || !networks.containsAll(names)) {
                    violations.add(name + ": not on a named network of this file (networks: " + names + ")");
                }
                envFiles(name, service, infra, violations);
            });
            secrets(compose, "compose", violations);
            return violations;
        }

        /** Services that other services wait for with {@code service_completed_successfully}. */
        static Set<String> oneShotJobs(Map<String, Map<String, Object>> services) {
            return services.values().stream()
                    .flatMap(s -> map(s.get("depends_on")).entrySet().stream())
                    .filter(e -> "service_completed_successfully".equals(map(e.getValue()).get("condition")))
                    .map(Map.Entry::getKey)
                    .collect(Collectors.toSet());
        }

        static void limits(String name, Map<String, Object> service, List<String> violations) {
            Map<String, Object> limits = map(map(map(service.get("deploy")).get("resources")).get("limits"));
            boolean deployLimits = limits.get("memory") != null && limits.get("cpus") != null;
            boolean legacyLimits = service.get("mem_limit") != null && service.get("cpus") != null;
            if (!deployLimits && !legacyLimits) {
                violations.add(name + ": no memory and CPU limits; add deploy.resources.limits.{memory,cpus}");
            }
        }

        static void healthcheck(String name, Map<String, Object> service, List<String> violations) {
            Map<String, Object> healthcheck = map(service.get("healthcheck"));
            Object test = healthcheck.get("test");
            boolean disabled = Boolean.TRUE.equals(healthcheck.get("disable"))
                    || (test instanceof List<?> l && !l.isEmpty() && "NONE".equals(l.get(0)));
            if (test == null || disabled) {
                violations.add(name + ": no health check; add healthcheck.test (actuator readiness for our services)");
            }
        }

        static void nonRoot(String name, Map<String, Object> service, Path infra, List<String> violations) {
            String user = service.get("user") == null ? null : String.valueOf(service.get("user"));
            String uid = user == null ? null : user.split(":")[0];
            if (uid == null || uid.equals("root") || uid.equals("0")) {
                violations.add(name + ": runs as root; set user: to a non-root uid (our images: " + SERVICE_UID + ")");
                return;
            }
            Map<String, Object> build = map(service.get("build"));
            if (!build.isEmpty()) {
                if (!uid.equals(SERVICE_UID)) {
                    violations.add(name + ": built from our Dockerfile but user is " + user + ", not " + SERVICE_UID);
                }
                Path dockerfile = infra.getParent().resolve(String.valueOf(build.get("dockerfile")));
                if (!Files.exists(dockerfile)) {
                    violations.add(name + ": Dockerfile " + dockerfile + " missing");
                }
            }
        }

        static void dependsOn(String name, Map<String, Object> service, List<String> violations) {
            Object dependsOn = service.get("depends_on");
            if (dependsOn == null) {
                return;
            }
            if (!(dependsOn instanceof Map<?, ?> deps)) {
                violations.add(name + ": depends_on without condition (list form " + dependsOn
                        + "); use {service: {condition: service_healthy}}");
                return;
            }
            deps.forEach((dep, spec) -> {
                Object condition = map(spec).get("condition");
                if (!Set.of("service_healthy", "service_completed_successfully").contains(condition)) {
                    violations.add(name + ": depends_on without condition on " + dep + " (" + condition
                            + "); use service_healthy or service_completed_successfully");
                }
            });
        }

        static void envFiles(String name, Map<String, Object> service, Path infra, List<String> violations) {
            Object envFile = service.get("env_file");
            List<?> files = envFile instanceof List<?> l ? l : envFile == null ? List.of() : List.of(envFile);
            for (Object file : files) {
                String fileName = Path.of(String.valueOf(file)).getFileName().toString();
                if (!Files.exists(infra.resolve("env").resolve(fileName + ".example"))) {
                    violations.add(name + ": env_file " + file + " has no template infra/env/" + fileName + ".example");
                }
            }
        }

        /** Any key named like a secret must hold a ${VAR} reference, in maps and in KEY=value lists alike. */
        static void secrets(Object node, String path, List<String> violations) {
            if (node instanceof Map<?, ?> m) {
                m.forEach((k, v) -> {
                    String key = String.valueOf(k);
                    if (SECRET_NAME.matcher(key).matches() && isLiteral(v)) {
                        violations.add(path + "." + key + ": literal secret; use a ${VAR} reference or an env_file");
                    }
                    secrets(v, path + "." + key, violations);
                });
            } else if (node instanceof List<?> l) {
                for (Object item : l) {
                    if (item instanceof String s && s.contains("=")) {
                        String key = s.substring(0, s.indexOf('='));
                        if (SECRET_NAME.matcher(key).matches() && isLiteral(s.substring(s.indexOf('=') + 1))) {
                            violations.add(path + "[" + key + "]: literal secret; use a ${VAR} reference or an env_file");
                        }
                    }
                    secrets(item, path, violations);
                }
            }
        }

        private static boolean isLiteral(Object value) {
            return value != null && !(value instanceof Map) && !(value instanceof List)
                    && !String.valueOf(value).isEmpty()
                    && !VARIABLE_REFERENCE.matcher(String.valueOf(value)).matches();
        }
    }

    /** Rules for our service Dockerfiles. */
    static final class DockerfileRules {

        static List<String> check(String dockerfile) {
            List<String> violations = new ArrayList<>();
            List<String> lines = dockerfile.lines().map(String::strip).filter(l -> !l.startsWith("#")).toList();
            int lastFrom = 0;
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).startsWith("FROM ")) {
                    lastFrom = i;
                }
            }
            List<String> finalStage = lines.subList(lastFrom, lines.size());
            List<String> users = finalStage.stream().filter(l -> l.startsWith("USER ")).toList();
            String user = users.isEmpty() ? "root" : users.get(users.size() - 1).substring(5).strip().split(":")[0];
            if (user.equals("root") || user.equals("0")) {
                violations.add("final stage runs as root; end it with USER " + SERVICE_UID);
            }
            if (finalStage.stream().noneMatch(l -> l.startsWith("HEALTHCHECK ") && !l.contains("NONE"))) {
                violations.add("no HEALTHCHECK in the final stage; probe /actuator/health/readiness");
            }
            if (!dockerfile.contains("--mount=type=cache,target=/root/.m2")) {
                violations.add("Maven build without --mount=type=cache,target=/root/.m2");
            }
            if (!dockerfile.contains("-Djarmode=tools") || !dockerfile.contains("extract --layers --launcher")
                    || !dockerfile.contains("layers/application/")) {
                violations.add("jar not split into Spring Boot layers (java -Djarmode=tools -jar app.jar extract --layers --launcher)");
            }
            for (String line : lines) {
                if (line.matches("(?i)^(ENV|ARG)\\s+\\S*(PASSWORD|SECRET|TOKEN|API_KEYS?)\\S*[= ]\\s*\\S+.*")) {
                    violations.add("literal secret in image: " + line);
                }
            }
            return violations;
        }
    }

    // ------------------------------------------------------------------ YAML helpers

    static Map<String, Object> load(Path file) throws IOException {
        Map<String, Object> yaml = new Yaml().load(Files.readString(file));
        return yaml == null ? new LinkedHashMap<>() : yaml;
    }

    static Map<String, Map<String, Object>> services(Map<String, Object> compose) {
        Map<String, Map<String, Object>> services = new LinkedHashMap<>();
        map(compose.get("services")).forEach((name, service) -> services.put(name, map(service)));
        return services;
    }

    /** Later files win; maps merge key by key, as docker compose -f a -f b does for the keys checked here. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> deepMerge(Map<String, Object> base, Map<String, Object> override) {
        Map<String, Object> merged = new LinkedHashMap<>(base);
        override.forEach((key, value) -> {
            Object existing = merged.get(key);
            if (existing instanceof Map<?, ?> a && value instanceof Map<?, ?> b) {
                merged.put(key, deepMerge((Map<String, Object>) a, (Map<String, Object>) b));
            } else {
                merged.put(key, value);
            }
        });
        return merged;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object node) {
        return node instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }
}
