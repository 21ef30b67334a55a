package vn.guardian.ingest.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.json.JsonMapper;
import vn.guardian.ingest.BrokenCallStarts;
import vn.guardian.ingest.audio.AudioFormat;
import vn.guardian.ingest.problem.ProblemException;
import vn.guardian.testsupport.Fuzzing;

/** The live call start on random and mutated JSON: a consistent spec, or a 400 naming the field and the fix. */
class CallSpecFuzzTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    static Stream<Fuzzing.Try> tries() {
        return Fuzzing.tries(300);
    }

    @ParameterizedTest
    @MethodSource("tries")
    void aStartIsReadIntoAConsistentSpecOrRefusedNamingTheField(Fuzzing.Try example) {
        byte[] body = BrokenCallStarts.any(example.random());
        CallSpec spec;
        try {
            spec = CallSpec.parse(body, JSON);
        } catch (ProblemException refused) {
            assertThat(refused.getStatusCode().value()).isEqualTo(400);
            assertThat(refused.getBody().getTitle()).isNotBlank();
            assertThat(refused.getBody().getDetail()).isNotBlank();
            // the field may be "" when the body's unknown member is named ""
            assertThat(refused.getBody().getProperties()).containsKeys("field", "fix");
            return;
        }
        assertThat(spec.format().sampleRate()).isBetween(AudioFormat.MIN_SAMPLE_RATE, AudioFormat.MAX_SAMPLE_RATE);
        assertThat(spec.format().channels()).isBetween(1, AudioFormat.MAX_CHANNELS);
        assertThat(spec.channelRoles()).hasSize(spec.format().channels());
        assertThat(spec.language()).isNotBlank();
    }
}
