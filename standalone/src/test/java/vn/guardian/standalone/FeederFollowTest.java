package vn.guardian.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.guardian.feeder.Feeder;

/**
 * {@code feeder --follow} against the whole pipeline: it streams the sample call, prints its verdicts from the live
 * feed as they are decided, waits for the closed call verdict and prints the summary.
 */
class FeederFollowTest {

    @TempDir
    static Path dataDir;

    private static Pipeline pipeline;

    @BeforeAll
    static void startPipeline() throws Exception {
        pipeline = Pipeline.start(StandaloneSettings.ephemeral(dataDir));
    }

    @AfterAll
    static void stopPipeline() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void followingAnAbusiveCallPrintsItsVerdictAsItComesAndTheEscalatedSummaryAfterItCloses() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();

        int status = Feeder.run(new String[]{"--url", pipeline.ingestUrl(), "--api-key", "local-dev-key",
                        "--speed", "max", "--follow", "--follow-timeout", "90",
                        Path.of("..", "samples", "abusive-call.wav").toString()}, null,
                new PrintStream(printed, true, StandardCharsets.UTF_8),
                new PrintStream(errors, true, StandardCharsets.UTF_8));

        String output = printed.toString(StandardCharsets.UTF_8);
        assertThat(status).as("exit status; printed:%n%s%nerrors:%n%s", output, errors).isZero();
        Matcher callId = Pattern.compile("callId=(\\S+)").matcher(output);
        assertThat(callId.find()).as(output).isTrue();
        List<String> lines = output.lines().toList();
        int segment = indexOf(lines, "^  \\[ *\\d+\\.\\d - +\\d+\\.\\d s\\] mono \".*stupid idiot.*\"  .*INSULT \\d\\.\\d\\d.* -> (FLAG|ESCALATE)$");
        int closedCall = indexOf(lines, "^  call: ESCALATE, \\d+ segments, risk \\d\\.\\d\\d \\(closed: completed\\)$");
        int summary = indexOf(lines, "^call " + Pattern.quote(callId.group(1)) + " closed \\(completed\\): ESCALATE$");
        assertThat(segment).as("a segment line in%n%s", output).isNotNegative();
        assertThat(lines.get(segment)).contains("VIOLENCE_OR_THREAT");
        assertThat(closedCall).as("the closed call verdict in%n%s", output).isGreaterThan(segment);
        assertThat(summary).as("the summary in%n%s", output).isGreaterThan(closedCall);
        assertThat(lines.get(summary + 1)).startsWith("  escalation: ");
        assertThat(lines.get(summary + 2)).startsWith("  segments: ").contains("INSULT 1", "VIOLENCE_OR_THREAT 1");
    }

    private static int indexOf(List<String> lines, String regex) {
        Pattern pattern = Pattern.compile(regex);
        for (int i = 0; i < lines.size(); i++) {
            if (pattern.matcher(lines.get(i)).find()) {
                return i;
            }
        }
        return -1;
    }
}
