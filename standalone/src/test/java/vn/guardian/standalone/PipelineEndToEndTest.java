package vn.guardian.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import vn.guardian.contracts.Topics;
import vn.guardian.contracts.audio.AudioChunk;
import vn.guardian.contracts.audio.AudioEvent;
import vn.guardian.contracts.audio.CallEnded;
import vn.guardian.contracts.audio.CallStarted;
import vn.guardian.contracts.audio.SourceFormat;
import vn.guardian.contracts.serde.EventSerdes;
import vn.guardian.contracts.verdict.Action;
import vn.guardian.contracts.verdict.Category;
import vn.guardian.contracts.verdict.CategoryScore;
import vn.guardian.contracts.verdict.SegmentVerdict;
import vn.guardian.contracts.serde.Json;
import vn.guardian.ingest.audio.WavAudio;
import vn.guardian.ingest.audio.WavParser;

/**
 * The product as a user meets it: the standalone pipeline (real KRaft broker, real PostgreSQL, real Vosk) takes
 * the sample calls over HTTP, and verdicts arrive in PostgreSQL, on guardian.verdicts and through the read API.
 */
class PipelineEndToEndTest {

    private static final Path SAMPLES = Path.of("..", "samples");
    private static final String API_KEY = "local-dev-key";
    private static final Duration VERDICT_WAIT = Duration.ofSeconds(90);
    /** Vosk word boundaries and the 10 ms energy frames may disagree by a little. */
    private static final long TOLERANCE_MS = 300;

    @TempDir
    static Path dataDir;

    private static Pipeline pipeline;
    private static final HttpClient http = HttpClient.newHttpClient();

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
    void anInsultAndAThreatAreFlaggedWithTheirCategoriesAtTheSpokenTime() throws Exception {
        Path wav = SAMPLES.resolve("abusive-call.wav");
        String callId = submit(wav);

        List<JsonNode> segments = segmentsOf(callId, 1);
        JsonNode abusive = segments.stream()
                .filter(segment -> !"ALLOW".equals(segment.get("action").asString()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no FLAG or ESCALATE segment in " + segments));

        assertThat(abusive.get("action").asString()).isIn("FLAG", "ESCALATE");
        assertThat(categoriesOf(abusive)).contains("INSULT", "VIOLENCE_OR_THREAT");
        SpokenRegion spoken = SpokenRegion.of(wav, 0);
        assertThat(abusive.get("startMs").asLong()).isBetween(spoken.startMs() - TOLERANCE_MS, spoken.endMs());
        assertThat(abusive.get("endMs").asLong())
                .isGreaterThan(abusive.get("startMs").asLong())
                .isBetween(spoken.startMs(), spoken.endMs() + TOLERANCE_MS);

        SegmentVerdict onTopic = verdictOnTopic(callId, abusive.get("segmentId").asString());
        assertThat(onTopic.action()).isIn(Action.FLAG, Action.ESCALATE);
        assertThat(onTopic.categories()).extracting(CategoryScore::category)
                .contains(Category.INSULT, Category.VIOLENCE_OR_THREAT);
        assertThat(onTopic.categories()).allSatisfy(score -> assertThat(score.score()).isBetween(0.0, 1.0));
        assertThat(abusive.get("categories").get(0).get("source").asString())
                .as("the API says which judge scored the category").isIn("LEXICON", "MODEL", "LEXICON_AND_MODEL");

        try (Connection db = DriverManager.getConnection(pipeline.jdbcUrl(), "postgres", "postgres");
             Statement statement = db.createStatement();
             ResultSet row = statement.executeQuery("SELECT action, categories::text FROM segment_verdicts"
                     + " WHERE segment_id = '" + onTopic.segmentId() + "'")) {
            assertThat(row.next()).as("verdict row in PostgreSQL").isTrue();
            assertThat(row.getString("action")).isEqualTo(onTopic.action().name());
            assertThat(row.getString(2)).contains("INSULT", "VIOLENCE_OR_THREAT");
        }
    }

    @Test
    void threeInsultsEscalateTheCallThroughTheApiThoughNoSegmentEscalatesAlone() throws Exception {
        String callId = submit(SAMPLES.resolve("three-insults-call.wav"));

        JsonNode call = closedCall(callId);
        List<JsonNode> segments = new ArrayList<>();
        call.get("segments").forEach(segments::add);
        JsonNode summary = call.get("summary");

        assertThat(segments).as("segments of %s", call).hasSize(3)
                .allSatisfy(segment -> assertThat(segment.get("action").asString()).isEqualTo("FLAG"));
        assertThat(summary.get("action").asString()).as("summary %s", summary).isEqualTo("ESCALATE");
        assertThat(summary.get("escalation").get("rule").asString()).isEqualTo("repeat");
        List<String> fired = new ArrayList<>();
        summary.get("escalation").get("segmentIds").forEach(id -> fired.add(id.asString()));
        assertThat(fired).containsExactlyElementsOf(segments.stream().map(s -> s.get("segmentId").asString()).toList());
        assertThat(summary.get("segments").asLong()).isEqualTo(3);
        assertThat(summary.get("countsByCategory").get("INSULT").asLong()).isEqualTo(3);
        assertThat(summary.get("closeReason").asString()).isEqualTo("completed");
    }

    @Test
    void aCleanCallIsOnlyAllowed() throws Exception {
        String callId = submit(SAMPLES.resolve("clean-call.wav"));

        List<JsonNode> segments = segmentsOf(callId, 1);

        assertThat(segments).isNotEmpty();
        assertThat(segments).allSatisfy(segment -> assertThat(segment.get("action").asString()).isEqualTo("ALLOW"));
        assertThat(String.join(" ", segments.stream().map(s -> s.get("text").asString()).toList()))
                .contains("thank you for calling");
    }

    @Test
    void eachStereoChannelKeepsItsOwnSpeaker() throws Exception {
        String callId = submit(SAMPLES.resolve("stereo-8k-call.wav"));

        assertAgentAndCustomerOnTheirChannels(segmentsOf(callId, 2));
    }

    private static void assertAgentAndCustomerOnTheirChannels(List<JsonNode> segments) {
        String agent = textOfChannel(segments, 0);
        String customer = textOfChannel(segments, 1);
        assertThat(agent).contains("morning").contains("order").doesNotContain("cancel");
        assertThat(customer).contains("cancel").contains("account").doesNotContain("morning");
        assertThat(segments).filteredOn(s -> s.get("channel").asInt() == 0)
                .allSatisfy(s -> assertThat(s.get("channelRole").asString()).isEqualTo("agent"));
        assertThat(segments).filteredOn(s -> s.get("channel").asInt() == 1)
                .allSatisfy(s -> assertThat(s.get("channelRole").asString()).isEqualTo("customer"));
    }

    @Test
    void aMuLawStereoRecordingKeepsEachSpeakerOnItsChannel() throws Exception {
        String callId = submit(SAMPLES.resolve("stereo-8k-mulaw-call.wav"));

        assertAgentAndCustomerOnTheirChannels(segmentsOf(callId, 2));
    }

    @Test
    void aLiveMuLawStereoCallStreamedInChunksKeepsEachSpeakerOnItsChannel() throws Exception {
        WavAudio wav = WavParser.parse(Files.readAllBytes(SAMPLES.resolve("stereo-8k-mulaw-call.wav")));
        byte[] mulaw = Arrays.copyOfRange(wav.bytes(), wav.dataOffset(),
                wav.dataOffset() + wav.frames() * wav.format().frameBytes());
        String callId = "e2e-live-mulaw-" + UUID.randomUUID();
        HttpResponse<String> started = send(HttpRequest.newBuilder(URI.create(pipeline.ingestUrl() + "/v1/calls"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"callId":"%s","language":"en","format":{"encoding":"mulaw","sampleRate":8000,"channels":2},
                         "channelRoles":["agent","customer"]}""".formatted(callId))));
        assertThat(started.statusCode()).as(started.body()).isEqualTo(201);

        int chunkBytes = 8000 * 2 / 4; // 250 ms of 8-bit stereo at 8 kHz
        for (int offset = 0, seq = 0; offset < mulaw.length; offset += chunkBytes, seq++) {
            byte[] chunk = Arrays.copyOfRange(mulaw, offset, Math.min(mulaw.length, offset + chunkBytes));
            HttpResponse<String> ack = send(HttpRequest.newBuilder(
                            URI.create(pipeline.ingestUrl() + "/v1/calls/" + callId + "/chunks/" + seq))
                    .header("Content-Type", "application/octet-stream")
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(chunk)));
            assertThat(ack.statusCode()).as(ack.body()).isEqualTo(200);
        }
        HttpResponse<String> ended = send(HttpRequest.newBuilder(URI.create(pipeline.ingestUrl() + "/v1/calls/" + callId + "/end"))
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(ended.statusCode()).as(ended.body()).isEqualTo(200);

        assertAgentAndCustomerOnTheirChannels(segmentsOf(callId, 2));
    }

    @Test
    void aCallNoTranscriberCanTakeIsFailedAndTheApiSaysWhy() throws Exception {
        // what ingest accepts during a cold start, before any transcriber reported its languages
        String callId = "cold-start-" + UUID.randomUUID();
        try (KafkaProducer<String, AudioEvent> audio = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.kafkaBootstrapServers()),
                new StringSerializer(), EventSerdes.audio())) {
            long now = System.currentTimeMillis();
            audio.send(new ProducerRecord<>(Topics.AUDIO, callId, new CallStarted(callId, "local", "xx",
                    new SourceFormat("pcm_s16le", 16_000, 1), List.of("mono"), 16_000, Map.of(), now))).get();
            audio.send(new ProducerRecord<>(Topics.AUDIO, callId, new AudioChunk(callId, 0, 0, 0, 16_000, now,
                    new byte[8000]))).get();
            audio.send(new ProducerRecord<>(Topics.AUDIO, callId, new CallEnded(callId, "local", "completed",
                    now + 250))).get();
        }

        JsonNode call = callWhere(callId, c -> "failed".equals(c.get("status").asString())
                && c.get("deadLetters").get("total").asLong() >= 2);

        assertThat(call.get("failure").asString()).startsWith("no-model:")
                .contains("'xx'", "configure guardian.transcriber.models.xx");
        assertThat(call.get("language").asString()).isEqualTo("xx");
        assertThat(call.get("deadLetters").get("byReason").get("no-model").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(call.get("segments").size()).isZero();
    }

    @Test
    void aCallWithoutSpeechIsFoundClosedWithNothingToModerate() throws Exception {
        String callId = submit(silence(Duration.ofSeconds(3)));

        JsonNode call = callWhere(callId, c -> "closed".equals(c.get("status").asString())
                && c.get("summary") != null && !c.get("summary").isNull());

        assertThat(call.get("segments").size()).isZero();
        assertThat(call.get("chunks").asLong()).isEqualTo(12);
        assertThat(call.get("endReason").asString()).isEqualTo("completed");
        assertThat(call.get("summary").get("action").asString()).isEqualTo("ALLOW");
        HttpResponse<String> found = send(HttpRequest.newBuilder(URI.create(pipeline.ingestUrl()
                + "/v1/calls?status=closed&limit=200")).GET());
        assertThat(found.body()).contains(callId);
    }

    @Test
    void aRequestWithoutTheApiKeyIsRefused() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(pipeline.ingestUrl() + "/v1/recordings"))
                .header("Content-Type", "audio/wav")
                .POST(HttpRequest.BodyPublishers.ofFile(SAMPLES.resolve("clean-call.wav")))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
    }

    private static String submit(Path wav) throws Exception {
        return submit(Files.readAllBytes(wav));
    }

    private static String submit(byte[] wav) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(pipeline.ingestUrl() + "/v1/recordings"))
                .header("Content-Type", "audio/wav")
                .header("X-Api-Key", API_KEY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(wav))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return Json.MAPPER.readTree(response.body()).get("callId").asString();
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.header("X-Api-Key", API_KEY).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Polls the read API until {@code channels} channels have segments and the set stops growing. */
    private static List<JsonNode> segmentsOf(String callId, int channels) throws Exception {
        long deadline = System.nanoTime() + VERDICT_WAIT.toNanos();
        List<JsonNode> segments = List.of();
        int stableRounds = 0;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(pipeline.ingestUrl() + "/v1/calls/" + callId))
                    .header("X-Api-Key", API_KEY).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                List<JsonNode> now = new ArrayList<>();
                Json.MAPPER.readTree(response.body()).get("segments").forEach(now::add);
                long channelsSeen = now.stream().map(s -> s.get("channel").asInt()).distinct().count();
                stableRounds = now.size() == segments.size() && channelsSeen >= channels ? stableRounds + 1 : 0;
                segments = now;
                if (stableRounds >= 3) {
                    return segments;
                }
            } else {
                assertThat(response.statusCode()).as(response.body()).isEqualTo(404);
            }
            Thread.sleep(500);
        }
        throw new AssertionError("call " + callId + " did not get segments on " + channels
                + " channel(s) within " + VERDICT_WAIT + "; last seen: " + segments);
    }

    /** Polls the read API until the call's summary says it closed (the transcriber's CallClosed reached the table). */
    private static JsonNode closedCall(String callId) throws Exception {
        long deadline = System.nanoTime() + VERDICT_WAIT.toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(pipeline.ingestUrl() + "/v1/calls/" + callId))
                    .header("X-Api-Key", API_KEY).GET().build(), HttpResponse.BodyHandlers.ofString());
            last = response.body();
            if (response.statusCode() == 200) {
                JsonNode call = Json.MAPPER.readTree(response.body());
                JsonNode summary = call.get("summary");
                if (summary != null && !summary.isNull() && !summary.get("open").asBoolean()) {
                    return call;
                }
            }
            Thread.sleep(500);
        }
        throw new AssertionError("call " + callId + " did not close within " + VERDICT_WAIT + "; last answer: " + last);
    }

    /** Polls the read API until the call satisfies {@code condition}. */
    private static JsonNode callWhere(String callId, java.util.function.Predicate<JsonNode> condition)
            throws Exception {
        long deadline = System.nanoTime() + VERDICT_WAIT.toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = send(HttpRequest.newBuilder(
                    URI.create(pipeline.ingestUrl() + "/v1/calls/" + callId)).GET());
            last = response.body();
            if (response.statusCode() == 200 && condition.test(Json.MAPPER.readTree(last))) {
                return Json.MAPPER.readTree(last);
            }
            Thread.sleep(300);
        }
        throw new AssertionError("call " + callId + " never got there within " + VERDICT_WAIT + "; last answer: " + last);
    }

    /** A 16 kHz mono PCM WAV of digital silence. */
    private static byte[] silence(Duration length) {
        int dataBytes = (int) (length.toMillis() * 16_000 / 1000) * 2;
        java.nio.ByteBuffer wav = java.nio.ByteBuffer.allocate(44 + dataBytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        wav.put("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(36 + dataBytes)
                .put("WAVEfmt ".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(16)
                .putShort((short) 1).putShort((short) 1).putInt(16_000).putInt(32_000).putShort((short) 2)
                .putShort((short) 16).put("data".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(dataBytes);
        return wav.array();
    }

    private static List<String> categoriesOf(JsonNode segment) {
        List<String> names = new ArrayList<>();
        segment.get("categories").forEach(category -> names.add(category.get("category").asString()));
        return names;
    }

    private static String textOfChannel(List<JsonNode> segments, int channel) {
        return String.join(" ", segments.stream()
                .filter(segment -> segment.get("channel").asInt() == channel)
                .map(segment -> segment.get("text").asString())
                .toList());
    }

    private static SegmentVerdict verdictOnTopic(String callId, String segmentId) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "e2e-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, SegmentVerdict> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                EventSerdes.segmentVerdict())) {
            consumer.subscribe(List.of(Topics.VERDICTS));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, SegmentVerdict> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.value().segmentId().equals(segmentId)) {
                        assertThat(record.key()).isEqualTo(callId);
                        return record.value();
                    }
                }
            }
        }
        throw new AssertionError("verdict " + segmentId + " of call " + callId + " never reached " + Topics.VERDICTS);
    }
}
