package vn.guardian.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Reads {@code infra/kafka/acls.conf}, the one list of who may do what on Kafka, into the bindings an Admin client
 * creates: the same lines {@code infra/kafka/apply-acls.sh} turns into kafka-acls calls.
 */
public final class KafkaAcls {

    /** One line of acls.conf. */
    public record Grant(String principal, ResourceType resource, PatternType pattern, String name,
                        List<AclOperation> operations) {
    }

    private KafkaAcls() {
    }

    public static List<Grant> grants(Path file) throws IOException {
        List<Grant> grants = new ArrayList<>();
        int number = 0;
        for (String line : Files.readAllLines(file)) {
            number++;
            String text = line.strip();
            if (text.isEmpty() || text.startsWith("#")) {
                continue;
            }
            String[] f = text.split("\\s+");
            if (f.length != 5) {
                throw new IllegalArgumentException(file + ":" + number + ": expected 'principal resource pattern name"
                        + " operations', got '" + text + "'");
            }
            ResourceType resource = switch (f[1]) {
                case "topic" -> ResourceType.TOPIC;
                case "group" -> ResourceType.GROUP;
                case "transactional-id" -> ResourceType.TRANSACTIONAL_ID;
                default -> throw new IllegalArgumentException(file + ":" + number + ": resource '" + f[1]
                        + "' is none of topic, group, transactional-id");
            };
            PatternType pattern = PatternType.fromString(f[2].toUpperCase(Locale.ROOT));
            if (pattern != PatternType.LITERAL && pattern != PatternType.PREFIXED) {
                throw new IllegalArgumentException(file + ":" + number + ": pattern '" + f[2]
                        + "' is neither literal nor prefixed");
            }
            List<AclOperation> operations = new ArrayList<>();
            for (String op : f[4].split(",")) {
                AclOperation operation = AclOperation.fromString(op.replaceAll("([a-z])([A-Z])", "$1_$2")
                        .toUpperCase(Locale.ROOT));
                if (operation == AclOperation.UNKNOWN) {
                    throw new IllegalArgumentException(file + ":" + number + ": unknown operation '" + op + "'");
                }
                operations.add(operation);
            }
            grants.add(new Grant(f[0], resource, pattern, f[3], List.copyOf(operations)));
        }
        return grants;
    }

    public static List<AclBinding> read(Path file) throws IOException {
        List<AclBinding> bindings = new ArrayList<>();
        for (Grant grant : grants(file)) {
            for (AclOperation operation : grant.operations()) {
                bindings.add(new AclBinding(new ResourcePattern(grant.resource(), grant.name(), grant.pattern()),
                        new AccessControlEntry("User:" + grant.principal(), "*", operation, AclPermissionType.ALLOW)));
            }
        }
        return bindings;
    }
}
