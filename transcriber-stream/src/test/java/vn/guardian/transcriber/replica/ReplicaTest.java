package vn.guardian.transcriber.replica;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ReplicaTest {

    @Test
    void anExplicitInstanceIdWins() {
        assertThat(Replica.defaultInstanceId("replica-a", "vm-worker-0", 8081, 42)).isEqualTo("replica-a");
    }

    @Test
    void replicasOnOneHostDifferByTheirServerPortWhichStaysTheSameAcrossRestarts() {
        assertThat(Replica.defaultInstanceId(null, "vm-worker-0", 8081, 42)).isEqualTo("vm-worker-0-8081");
        assertThat(Replica.defaultInstanceId(" ", "vm-worker-0", 8181, 43)).isEqualTo("vm-worker-0-8181");
    }

    @Test
    void withoutAFixedPortTheProcessIdMakesTheInstanceIdUnique() {
        assertThat(Replica.defaultInstanceId(null, "vm-worker-0", 0, 42)).isEqualTo("vm-worker-0-pid42");
        assertThat(Replica.defaultInstanceId(null, "vm-worker-0", null, 42)).isEqualTo("vm-worker-0-pid42");
    }

    @Test
    void thisProcessGetsTheDefaultFromItsHostAndPort() {
        Replica replica = Replica.of(null, 8081);
        assertThat(replica.instanceId()).isEqualTo(replica.hostName() + "-8081");
        assertThat(replica.pid()).isEqualTo(ProcessHandle.current().pid());
    }

    @Test
    void aGroupMembersClientIdNamesTheProcessThatOwnsIt() {
        Replica replica = new Replica("vm-8081", "node-1.example.com", 4711, 1_700_000_000_123L);
        String clientId = "guardian-transcriber-vm-8081-worker-0" + replica.runMarker();
        assertThat(Replica.fromClientId("vm-8081", clientId)).contains(replica);
        assertThat(Replica.fromClientId("vm-8081", "guardian-transcriber-vm-8081-worker-0")).isEmpty();
    }

    @Test
    void onlyThisReplicasWorkersCountAsItsMembers() {
        Replica replica = new Replica("vm-8081", "vm", 1, 1);
        assertThat(replica.ownsGroupInstanceId(replica.groupInstanceId("worker-3"))).isTrue();
        assertThat(replica.ownsGroupInstanceId("vm-80810-worker-0")).isFalse();
        assertThat(replica.ownsGroupInstanceId("vm-8081-worker-0-b-worker-0")).isFalse();
    }

    @Test
    void aProcessIsAliveUntilItExitsAndAReusedPidDoesNotCount() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try {
            long started = sleeper.info().startInstant().orElseThrow().toEpochMilli();
            Replica owner = new Replica("x", "vm", sleeper.pid(), started);
            assertThat(owner.processAlive()).contains(true);
            assertThat(new Replica("x", "vm", sleeper.pid(), started - 10_000).processAlive()).contains(false);
            assertThat(new Replica("x", "vm", sleeper.pid(), -1).processAlive()).as("start unknown").isEmpty();
        } finally {
            sleeper.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        assertThat(new Replica("x", "vm", sleeper.pid(), 0).processAlive()).contains(false);
    }
}
