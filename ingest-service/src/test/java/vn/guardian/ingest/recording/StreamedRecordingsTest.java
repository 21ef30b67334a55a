package vn.guardian.ingest.recording;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import vn.guardian.contracts.audio.AudioChunk;
import vn.guardian.contracts.audio.AudioEvent;
import vn.guardian.contracts.audio.CallEnded;
import vn.guardian.contracts.audio.CallStarted;
import vn.guardian.ingest.AudioTopic;
import vn.guardian.ingest.RunningIngest;
import vn.guardian.ingest.Wavs;

/**
 * Recordings larger than the buffer threshold (256 KB here) stream through: published while the body is still
 * arriving, and a body that stops short of its header keeps what arrived under a call ended as truncated.
 */
class StreamedRecordingsTest {

    private static final MediaType WAV = MediaType.parseMediaType("audio/wav");
    private static final int RATE = 16_000;
    /** 96 s of 16 kHz mono PCM: 3 MB, twelve times the threshold. */
    private static final int SECONDS = 96;

    private static RunningIngest ingest;
    private static WebTestClient http;

    @BeforeAll
    static void start() throws Exception {
        ingest = RunningIngest.withKafka(Map.of(
                "guardian.ingest.recordings.buffer-threshold", "256KB"));
        http = ingest.client();
    }

    @AfterAll
    static void stop() throws Exception {
        if (ingest != null) {
            ingest.close();
        }
    }

    @Test
    void largeRecordingIsPublishedWhileItsBodyIsStillArriving() {
        short[] tone = Wavs.sine(440, RATE, RATE * SECONDS, 6000);
        byte[] wav = Wavs.pcm16(RATE, tone);
        long before = topic().recordCount();
        int firstPart = 1024 * 1024;
        // the rest is sent only once records are on the topic: a service holding the whole body would never answer
        Flux<DataBuffer> body = Flux.concat(pieces(wav, 0, firstPart),
                Mono.fromRunnable(() -> awaitRecordsBeyond(before)).subscribeOn(Schedulers.boundedElastic())
                        .thenMany(pieces(wav, firstPart, wav.length)));

        Map<?, ?> answer = http.post().uri("/v1/recordings").header("X-Api-Key", RunningIngest.API_KEY)
                .contentType(WAV).body(body, DataBuffer.class)
                .exchange().expectStatus().isAccepted().expectBody(Map.class).returnResult().getResponseBody();

        int chunks = SECONDS * 4;
        assertThat(answer.get("chunks")).isEqualTo(chunks);
        assertThat(((Number) answer.get("durationMs")).longValue()).isEqualTo(SECONDS * 1000L);
        List<AudioChunk> audio = gaplessCall((String) answer.get("callId"), chunks, "completed");
        // 16 kHz in, 16 kHz out: the audio passes untouched, every byte in order
        assertThat(pcm(audio)).isEqualTo(Wavs.samplesToBytes(tone));
        assertThat(audio.get(0).ingestedAt()).as("first chunk published before the last bytes arrived")
                .isLessThan(audio.get(audio.size() - 1).ingestedAt());
    }

    @Test
    void largeUploadCutShortKeepsWhatArrivedAndEndsTheCallAsTruncated() {
        byte[] wav = Wavs.pcm16(RATE, Wavs.sine(300, RATE, RATE * SECONDS, 6000));
        int sent = 1_500_000;

        Map<?, ?> problem = http.post().uri("/v1/recordings").header("X-Api-Key", RunningIngest.API_KEY)
                .contentType(WAV).body(pieces(wav, 0, sent), DataBuffer.class)
                .exchange().expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody(Map.class).returnResult().getResponseBody();

        assertThat(problem.get("type")).isEqualTo("https://guardian.vn/problems/recording-truncated");
        long acceptedBytes = sent - 44;
        assertThat(((Number) problem.get("acceptedAudioBytes")).longValue()).isEqualTo(acceptedBytes);
        assertThat((String) problem.get("detail")).contains("announces " + wav.length).contains("has " + sent);
        String callId = (String) problem.get("callId");
        int chunks = (int) ((acceptedBytes / 2 + 3999) / 4000);
        assertThat(problem.get("chunks")).isEqualTo(chunks);
        List<AudioChunk> audio = gaplessCall(callId, chunks, "truncated");
        assertThat(pcm(audio)).isEqualTo(Arrays.copyOfRange(wav, 44, sent));
    }

    @Test
    void smallUploadCutShortWithoutContentLengthPublishesNothing() {
        byte[] wav = Wavs.pcm16(RATE, Wavs.sine(300, RATE, RATE * 4, 6000));
        assertTruncatedWithoutPublishing(() -> http.post().uri("/v1/recordings")
                .header("X-Api-Key", RunningIngest.API_KEY).contentType(WAV)
                .body(pieces(wav, 0, 100_000), DataBuffer.class).exchange());
    }

    @Test
    void largeUploadWhoseContentLengthIsShorterThanItsHeaderIsRefusedBeforePublishing() {
        byte[] wav = Wavs.pcm16(RATE, Wavs.sine(300, RATE, RATE * SECONDS, 6000));
        assertTruncatedWithoutPublishing(() -> http.post().uri("/v1/recordings")
                .header("X-Api-Key", RunningIngest.API_KEY).contentType(WAV)
                .bodyValue(Arrays.copyOf(wav, 300_000)).exchange());
    }

    private static void assertTruncatedWithoutPublishing(Supplier<WebTestClient.ResponseSpec> request) {
        // counted before the request is sent: the request itself must not publish
        long before = topic().recordCount();
        request.get().expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.type").isEqualTo("https://guardian.vn/problems/truncated-wav")
                .jsonPath("$.field").isEqualTo("RIFF chunk size")
                .jsonPath("$.callId").doesNotExist();
        assertThat(topic().recordCount()).isEqualTo(before);
    }

    /** The call on the topic: CallStarted, {@code chunks} gapless chunks, CallEnded with {@code endReason}. */
    private static List<AudioChunk> gaplessCall(String callId, int chunks, String endReason) {
        List<AudioEvent> events = topic().events(callId, chunks + 2);
        assertThat(events).hasSize(chunks + 2);
        assertThat(events.get(0)).isInstanceOf(CallStarted.class);
        assertThat(events.get(events.size() - 1)).isInstanceOfSatisfying(CallEnded.class,
                ended -> assertThat(ended.reason()).isEqualTo(endReason));
        List<AudioChunk> audio = events.subList(1, events.size() - 1).stream().map(AudioChunk.class::cast).toList();
        assertGapless(audio);
        return audio;
    }

    private static void assertGapless(List<AudioChunk> audio) {
        long startSample = 0;
        for (int i = 0; i < audio.size(); i++) {
            AudioChunk chunk = audio.get(i);
            assertThat(chunk.channel()).isZero();
            assertThat(chunk.seq()).as("seq of chunk %d", i).isEqualTo(i);
            assertThat(chunk.startSample()).as("startSample of chunk %d", i).isEqualTo(startSample);
            startSample += chunk.samples();
        }
    }

    private static byte[] pcm(List<AudioChunk> audio) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        audio.forEach(chunk -> out.writeBytes(chunk.pcm()));
        return out.toByteArray();
    }

    /** The body in 64 KB pieces, sent without Content-Length (chunked). */
    private static Flux<DataBuffer> pieces(byte[] data, int from, int to) {
        int piece = 64 * 1024;
        return Flux.range(0, (to - from + piece - 1) / piece).map(i -> DefaultDataBufferFactory.sharedInstance
                .wrap(Arrays.copyOfRange(data, from + i * piece, Math.min(to, from + (i + 1) * piece))));
    }

    private static void awaitRecordsBeyond(long count) {
        long deadline = System.currentTimeMillis() + 20_000;
        while (topic().recordCount() <= count) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("nothing was published while the upload was open");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static AudioTopic topic() {
        return new AudioTopic(ingest.kafkaBootstrapServers());
    }
}
