package vn.guardian.feeder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The feeder's own logic: reading WAVs, its command line, and resending a refused chunk with the same seq. */
class FeederTest {

    @TempDir
    Path dir;

    @Test
    void readsPcmAndG711WavsInTheirOwnEncoding() {
        WavFile pcm = WavFile.parse(wav(1, 2, 8000, 16, new byte[16]), "pcm.wav");
        WavFile mulaw = WavFile.parse(wav(7, 1, 8000, 8, new byte[8000]), "mulaw.wav");
        WavFile alaw = WavFile.parse(wav(6, 2, 8000, 8, new byte[9]), "alaw.wav");

        assertThat(pcm).extracting(WavFile::encoding, WavFile::channels, WavFile::frameBytes).containsExactly("pcm_s16le", 2, 4);
        assertThat(mulaw.encoding()).isEqualTo("mulaw");
        assertThat(mulaw.durationMs()).isEqualTo(1000);
        // a trailing partial frame is not sent
        assertThat(alaw.data()).hasSize(8);
        assertThatThrownBy(() -> WavFile.parse(wav(3, 1, 8000, 32, new byte[8]), "float.wav"))
                .hasMessageContaining("not supported").hasMessageContaining("sox");
        assertThatThrownBy(() -> WavFile.parse("hello".getBytes(StandardCharsets.US_ASCII), "x.txt"))
                .hasMessageContaining("not a WAV");
    }

    @Test
    void commandLineNeedsAKeyAndAFileAndTakesSpeedMax() {
        Feeder.Options options = Feeder.Options.parse(new String[]{"--url", "http://ingest:9000", "--speed", "max",
                "--chunk-ms", "100", "--roles", "agent, customer", "call.wav"}, "env-key");

        assertThat(options.apiKey()).isEqualTo("env-key");
        assertThat(options.speed()).isZero();
        assertThat(options.chunkMs()).isEqualTo(100);
        assertThat(options.roles()).containsExactly("agent", "customer");
        assertThatThrownBy(() -> Feeder.Options.parse(new String[]{"call.wav"}, null)).hasMessageContaining("--api-key");
        assertThatThrownBy(() -> Feeder.Options.parse(new String[]{"--api-key", "k"}, null)).hasMessageContaining("WAV file");
        assertThatThrownBy(() -> Feeder.Options.parse(new String[]{"--api-key", "k", "--speed", "-1", "a.wav"}, null))
                .hasMessageContaining("--speed");
    }

    @Test
    void followIsAFlagWithItsOwnTimeout() {
        Feeder.Options plain = Feeder.Options.parse(new String[]{"--api-key", "k", "call.wav"}, null);
        Feeder.Options following = Feeder.Options.parse(new String[]{"--api-key", "k", "--follow", "--follow-timeout",
                "5", "call.wav"}, null);

        assertThat(plain.follow()).isFalse();
        assertThat(plain.followTimeout()).hasSeconds(60);
        assertThat(following.follow()).isTrue();
        assertThat(following.followTimeout()).hasSeconds(5);
        assertThatThrownBy(() -> Feeder.Options.parse(new String[]{"--api-key", "k", "--follow-timeout", "0", "a.wav"},
                null)).hasMessageContaining("--follow-timeout");
    }

    @Test
    void aSegmentVerdictPrintsAsTimeRoleTextScoresAndAction() {
        Map<?, ?> verdict = (Map<?, ?>) JsonText.parse("""
                {"segmentId":"s1","callId":"c1","tenant":"local","channel":1,"channelRole":"customer",
                 "startMs":1200,"endMs":3450,"text":"you stupid idiot \\u0111\\u1ed3","language":"en",
                 "categories":[{"category":"INSULT","score":0.83,"spans":[{"start":4,"end":16,"term":"stupid idiot"}],
                 "source":"LEXICON"},{"category":"PROFANITY","score":0.5,"spans":[],"source":"MODEL"}],
                 "severity":"MEDIUM","action":"FLAG","lexiconVersion":"en@1","closingChunkIngestedAt":1,
                 "decidedAt":2,"review":null,"flagged":true}""");
        Map<?, ?> call = (Map<?, ?>) JsonText.parse("{\"callId\":\"c1\",\"segments\":2,\"riskScore\":0.451,"
                + "\"action\":\"ESCALATE\",\"open\":false,\"closeReason\":\"completed\",\"countsByCategory\":{}}");

        assertThat(CallFollower.segmentLine(verdict)).isEqualTo(
                "  [   1.2 -    3.5 s] customer \"you stupid idiot đồ\"  INSULT 0.83, PROFANITY 0.50 -> FLAG");
        assertThat(CallFollower.callLine(call)).isEqualTo("  call: ESCALATE, 2 segments, risk 0.45 (closed: completed)");
        assertThatThrownBy(() -> JsonText.parse("{\"a\":}")).hasMessageContaining("not JSON");
    }

    @Test
    void aChunkRefusedWith503IsResentWithTheSameSeqAfterRetryAfter() throws Exception {
        List<String> requests = new CopyOnWriteArrayList<>();
        AtomicInteger refusals = new AtomicInteger(1);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getPath();
            requests.add(exchange.getRequestMethod() + " " + path + " " + body.length + " "
                    + exchange.getRequestHeaders().getFirst("X-Api-Key"));
            int status = 200;
            String answer = "{}";
            if (path.equals("/v1/calls")) {
                status = 201;
                answer = "{\"callId\":\"c-1\",\"streamUrl\":\"ws://x\"}";
            } else if (path.endsWith("/chunks/1") && refusals.getAndDecrement() > 0) {
                status = 503;
                exchange.getResponseHeaders().set("Retry-After", "1");
            }
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        try {
            Path file = dir.resolve("call.wav");
            Files.write(file, wav(1, 1, 8000, 16, new byte[2 * 8000 * 3 / 4]));
            ByteArrayOutputStream printed = new ByteArrayOutputStream();

            Feeder.Result result = Feeder.run(Feeder.Options.parse(new String[]{"--url",
                    "http://127.0.0.1:" + server.getAddress().getPort(), "--api-key", "k1", "--speed", "max",
                    file.toString()}, null), new PrintStream(printed, true, StandardCharsets.UTF_8));

            assertThat(result.callId()).isEqualTo("c-1");
            assertThat(result.chunks()).isEqualTo(3);
            assertThat(result.retries()).isEqualTo(1);
            assertThat(requests).containsExactly("POST /v1/calls " + requests.get(0).split(" ")[2] + " k1",
                    "PUT /v1/calls/c-1/chunks/0 4000 k1", "PUT /v1/calls/c-1/chunks/1 4000 k1",
                    "PUT /v1/calls/c-1/chunks/1 4000 k1", "PUT /v1/calls/c-1/chunks/2 4000 k1",
                    "POST /v1/calls/c-1/end 0 k1");
            assertThat(printed.toString(StandardCharsets.UTF_8)).contains("callId=c-1").contains("3/3 chunks")
                    .contains("503, retrying the same request in 1 s");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aReplicaThatDiesMidCallIsReplacedByTheNextUrlWhichGetsTheSameSeq() throws Exception {
        List<String> requests = new CopyOnWriteArrayList<>();
        HttpServer first = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        HttpServer second = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        for (HttpServer server : List.of(first, second)) {
            String name = server == first ? "first" : "second";
            server.createContext("/", exchange -> {
                String path = exchange.getRequestURI().getPath();
                exchange.getRequestBody().readAllBytes();
                requests.add(name + " " + exchange.getRequestMethod() + " " + path);
                boolean start = path.equals("/v1/calls");
                // the first replica fails on chunk 1 as a replica that lost Kafka does; then it is gone for good
                int status = start ? 201 : name.equals("first") && path.endsWith("/chunks/1") ? 500 : 200;
                byte[] bytes = (start ? "{\"callId\":\"c-1\"}" : "{}").getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(status, bytes.length);
                exchange.getResponseBody().write(bytes);
                exchange.close();
            });
            server.start();
        }
        try {
            Path file = dir.resolve("call.wav");
            Files.write(file, wav(1, 1, 8000, 16, new byte[2 * 8000 * 3 / 4]));
            ByteArrayOutputStream printed = new ByteArrayOutputStream();

            Feeder.Result result = Feeder.run(Feeder.Options.parse(new String[]{
                    "--url", "http://127.0.0.1:" + first.getAddress().getPort(),
                    "--url", "http://127.0.0.1:" + second.getAddress().getPort(),
                    "--api-key", "k1", "--speed", "max", file.toString()}, null),
                    new PrintStream(printed, true, StandardCharsets.UTF_8));

            assertThat(result.chunks()).isEqualTo(3);
            assertThat(result.failovers()).isEqualTo(1);
            assertThat(requests).containsExactly("first POST /v1/calls", "first PUT /v1/calls/c-1/chunks/0",
                    "first PUT /v1/calls/c-1/chunks/1", "second PUT /v1/calls/c-1/chunks/1",
                    "second PUT /v1/calls/c-1/chunks/2", "second POST /v1/calls/c-1/end");
            assertThat(printed.toString(StandardCharsets.UTF_8)).contains("chunk 1: http://127.0.0.1:"
                    + first.getAddress().getPort() + " answered 500, sending the same request to http://127.0.0.1:"
                    + second.getAddress().getPort());
        } finally {
            first.stop(0);
            second.stop(0);
        }
    }

    @Test
    void aUrlThatIsNotAbsoluteIsRefusedWithAnExample() {
        assertThatThrownBy(() -> Feeder.Options.parse(new String[]{"--url", "localhost:8080", "--api-key", "k",
                "a.wav"}, null)).hasMessageContaining("--url must be an absolute URL like http://localhost:8080");
    }

    /** A WAV with the given format tag and data. */
    static byte[] wav(int formatTag, int channels, int rate, int bits, byte[] data) {
        ByteBuffer out = ByteBuffer.allocate(44 + data.length + (data.length & 1)).order(ByteOrder.LITTLE_ENDIAN);
        out.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + data.length + (data.length & 1))
                .put("WAVE".getBytes(StandardCharsets.US_ASCII))
                .put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) formatTag)
                .putShort((short) channels).putInt(rate).putInt(rate * channels * bits / 8)
                .putShort((short) (channels * bits / 8)).putShort((short) bits)
                .put("data".getBytes(StandardCharsets.US_ASCII)).putInt(data.length).put(data);
        return out.array();
    }
}
