package vn.guardian.benchmark.chaos;

import java.util.ArrayList;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault suite's short version, in {@code ./mvnw verify}: the multi-process cluster of {@code local-cluster.sh}
 * (3 brokers, PostgreSQL, ingest, two transcribers, moderation) on ports of its own, a live load of three calls,
 * and one transcriber killed with SIGKILL mid-call. Needs the services' exec jars (built earlier in the reactor)
 * and a PostgreSQL server (Debian package {@code postgresql}; {@code .ci/run} installs it).
 */
class TranscriberKillIT {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /**
     * Away from the defaults (29092, 25432, 8080-8082), so a developer's cluster can keep running, and below Linux's
     * ephemeral ports (32768+), where another test's client socket could hold a broker's port when it binds.
     */
    private static final Map<String, String> PORTS = Map.of("GUARDIAN_KAFKA_PORT_BASE", "31092",
            "GUARDIAN_PG_PORT", "31432", "GUARDIAN_INGEST_PORT", "18080", "GUARDIAN_TRANSCRIBER_PORT", "18081",
            "GUARDIAN_MODERATION_PORT", "18082");

    @TempDir
    Path temp;

    @Test
    void aTranscriberKilledMidCallLosesNothingDoublesNothingAndEveryCallCloses() throws Exception {
        Path work = temp.resolve("cluster");
        Files.createDirectories(work);
        // PostgreSQL runs as the postgres user when the build runs as root: it must be able to reach its folder
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        cluster(work, "start", "--transcribers", "2");
        try {
            List<FaultResult> results = ChaosCommand.run(new ChaosCommand.Options(work,
                    ROOT.resolve("infra/local-cluster.sh"), List.of(Fault.TRANSCRIBER), 2, 30, 30, ROOT.resolve("samples"),
                    15, 16, work.resolve("chaos.json")));

            FaultResult run = results.get(0);
            assertThat(run.callsEnded()).as("calls the client finished").isGreaterThan(3);
            assertThat(run.storedOnce()).as("utterances stored once").isEqualTo(run.expected()).isPositive();
            assertThat(run.lost()).as("lost").isZero();
            assertThat(run.callsNotClosed()).as("calls still open after the drain").isZero();
            assertThat(run.extra()).as("rows beyond Vosk's utterances").isZero();
            assertThat(run.doubledTranscripts()).as("doubled on guardian.transcripts").isZero();
            assertThat(run.doubledVerdicts()).as("doubled on guardian.verdicts").isZero();
            assertThat(run.ackedNotTranscribed()).as("acknowledged chunks never transcribed").isZero();
            // speed is measured by infra/chaos.sh, not asserted here (a timer in a test fails on a noisy machine)
            System.out.printf("transcriber kill: worst latency after the fault %.0f ms, added delay %.0f ms,"
                    + " recovery %d ms%n", run.maxLatencyMs(), run.addedDelayMs(), run.recoveryMs());
        } finally {
            cluster(work, "stop");
        }
    }

    private static void cluster(Path work, String... verb) throws Exception {
        List<String> command = new ArrayList<>(List.of(ROOT.resolve("infra/local-cluster.sh").toString()));
        command.addAll(List.of(verb));
        ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile()).inheritIO();
        builder.environment().putAll(PORTS);
        builder.environment().put("GUARDIAN_LOCAL_WORK", work.toString());
        Process process = builder.start();
        assertThat(process.waitFor(10, TimeUnit.MINUTES)).as("local-cluster.sh " + verb[0] + " finished").isTrue();
        assertThat(process.exitValue()).as("local-cluster.sh " + verb[0] + " exit status").isZero();
    }
}
