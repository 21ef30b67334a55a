package vn.guardian.feeder;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Streams a WAV file to ingest-service as a live call: starts the call with the file's own format, sends its
 * audio as chunks at real-time pace (or faster), ends the call, and prints the callId and progress; with
 * {@code --follow}, also the call's verdicts as they are decided and its summary.
 *
 * <pre>java -jar feeder/target/feeder.jar --url http://localhost:8080 [--url http://localhost:8180] --api-key KEY [--language en]
 *     [--speed 1.0|max] [--chunk-ms 250] [--roles agent,customer] [--call-id ID] [--follow] FILE.wav</pre>
 */
public final class Feeder {

    static final String USAGE = """
            usage: java -jar feeder.jar --url URL --api-key KEY [options] FILE.wav
              --url URL        ingest-service base URL (default http://localhost:8080); repeat it for several
                               replicas: a connection error or 5xx sends the same request to the next one
              --api-key KEY    the tenant's API key (default: environment GUARDIAN_API_KEY)
              --language TAG   call language, e.g. vi or en (default en)
              --speed X        1.0 = real time, 2 = twice as fast, max = as fast as acknowledged (default 1.0)
              --chunk-ms N     audio per request in milliseconds (default 250)
              --roles A,B      channel roles (default mono, or agent,customer for stereo)
              --call-id ID     your own call id (makes the start idempotent)
              --retry-for S    give up on a request still refused (503/429) after S seconds (default 120)
              --follow         print the call's verdicts as they arrive and its summary once it closes;
                               exit 1 if the call failed or no verdict comes
              --follow-timeout S  with --follow: give up after S seconds without a verdict (default 60)
            """;

    /** Parsed command line. {@code speed} 0 means as fast as possible. */
    record Options(List<URI> urls, String apiKey, String language, double speed, int chunkMs, List<String> roles,
                   String callId, Duration retryFor, boolean follow, Duration followTimeout, Path file) {

        static Options parse(String[] args, String envApiKey) {
            List<URI> urls = new ArrayList<>();
            String apiKey = envApiKey;
            String language = "en";
            double speed = 1.0;
            int chunkMs = 250;
            List<String> roles = List.of();
            String callId = null;
            long retryFor = 120;
            boolean follow = false;
            long followTimeout = 60;
            Path file = null;
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (!arg.startsWith("--")) {
                    if (file != null) {
                        throw new IllegalArgumentException("one WAV file only, got " + file + " and " + arg);
                    }
                    file = Path.of(arg);
                    continue;
                }
                if (arg.equals("--follow")) {
                    follow = true;
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(arg + " needs a value");
                }
                String value = args[++i];
                switch (arg) {
                    case "--url":
                        URI url = URI.create(value);
                        if (url.getScheme() == null || url.getHost() == null) {
                            throw new IllegalArgumentException("--url must be an absolute URL like http://localhost:8080, got " + value);
                        }
                        urls.add(url);
                        break;
                    case "--api-key":
                        apiKey = value;
                        break;
                    case "--language":
                        language = value;
                        break;
                    case "--speed":
                        speed = value.equals("max") ? 0 : Double.parseDouble(value);
                        if (speed < 0 || Double.isNaN(speed) || (speed == 0 && !value.equals("max"))) {
                            throw new IllegalArgumentException("--speed must be a positive number or max, got " + value);
                        }
                        break;
                    case "--chunk-ms":
                        chunkMs = Integer.parseInt(value);
                        if (chunkMs < 10 || chunkMs > 5000) {
                            throw new IllegalArgumentException("--chunk-ms must be 10..5000, got " + value);
                        }
                        break;
                    case "--roles":
                        roles = Arrays.stream(value.split(",")).map(String::trim).toList();
                        break;
                    case "--call-id":
                        callId = value;
                        break;
                    case "--retry-for":
                        retryFor = Long.parseLong(value);
                        break;
                    case "--follow-timeout":
                        followTimeout = Long.parseLong(value);
                        if (followTimeout < 1) {
                            throw new IllegalArgumentException("--follow-timeout must be at least 1 second, got " + value);
                        }
                        break;
                    default:
                        throw new IllegalArgumentException("unknown option " + arg);
                }
            }
            if (apiKey == null || apiKey.isBlank()) {
                throw new IllegalArgumentException("--api-key is required (or set GUARDIAN_API_KEY)");
            }
            if (file == null) {
                throw new IllegalArgumentException("name the WAV file to stream");
            }
            if (urls.isEmpty()) {
                urls.add(URI.create("http://localhost:8080"));
            }
            return new Options(List.copyOf(urls), apiKey, language, speed, chunkMs, roles, callId,
                    Duration.ofSeconds(retryFor), follow, Duration.ofSeconds(followTimeout), file);
        }
    }

    /**
     * What a finished run did.
     *
     * @param callVerdict with {@code --follow}: the closed call verdict (JSON members); else null
     */
    record Result(String callId, long chunks, long audioMs, long elapsedMs, int retries, int failovers,
                  Map<?, ?> callVerdict) {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv("GUARDIAN_API_KEY"), System.out, System.err));
    }

    /**
     * The command as {@code main} runs it, without exiting the JVM.
     *
     * @return the exit status: 0 done, 1 a request refused or failed, the call failed or no verdict came
     *         ({@code --follow}), 2 a bad command line
     */
    public static int run(String[] args, String envApiKey, PrintStream out, PrintStream err) {
        Options options;
        try {
            options = Options.parse(args, envApiKey);
        } catch (IllegalArgumentException e) {
            err.println("feeder: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        try {
            run(options, out);
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } catch (Exception e) {
            err.println("feeder: " + e.getMessage());
            return 1;
        }
    }

    static Result run(Options options, PrintStream out) throws Exception {
        if (!Files.isReadable(options.file())) {
            throw new IllegalArgumentException("cannot read " + options.file());
        }
        WavFile wav = WavFile.read(options.file());
        IngestClient client = new IngestClient(options.urls(), options.apiKey(), options.retryFor(),
                message -> out.println("  " + message));
        String callId = client.start(startJson(options, wav));
        out.printf("callId=%s  %s %d Hz x%d, %.1f s, speed %s%n", callId, wav.encoding(), wav.sampleRate(),
                wav.channels(), wav.durationMs() / 1000.0, options.speed() == 0 ? "max" : options.speed() + "x");
        // before the first chunk: no verdict of the call can come earlier, so none is missed
        try (CallFollower follower = options.follow() ? follow(client, callId, out) : null) {
            return send(options, wav, client, callId, out, follower);
        }
    }

    /** Opens the call's verdict stream; if that is refused, ends the call rather than leave it to time out idle. */
    private static CallFollower follow(IngestClient client, String callId, PrintStream out)
            throws IOException, InterruptedException {
        try {
            return CallFollower.open(client, callId, out);
        } catch (IOException e) {
            client.end(callId);
            throw new IOException("could not follow call " + callId + " (ended it): " + e.getMessage(), e);
        }
    }

    private static Result send(Options options, WavFile wav, IngestClient client, String callId, PrintStream out,
                               CallFollower follower) throws Exception {

        int frameBytes = wav.frameBytes();
        int chunkBytes = Math.max(1, (int) ((long) wav.sampleRate() * options.chunkMs() / 1000)) * frameBytes;
        long total = (wav.data().length + chunkBytes - 1) / chunkBytes;
        long started = System.nanoTime();
        long lastReport = started;
        for (long seq = 0; seq < total; seq++) {
            int from = (int) (seq * chunkBytes);
            byte[] audio = Arrays.copyOfRange(wav.data(), from, Math.min(wav.data().length, from + chunkBytes));
            if (options.speed() > 0) {
                // chunk n leaves when n chunks of audio have played at the chosen speed
                long dueNanos = started + (long) (seq * options.chunkMs() * 1_000_000L / options.speed());
                long wait = dueNanos - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
            client.chunk(callId, seq, audio);
            long now = System.nanoTime();
            if (now - lastReport >= 1_000_000_000L || seq == total - 1) {
                lastReport = now;
                double sentS = Math.min(wav.durationMs(), (seq + 1) * (long) chunkBytes / frameBytes * 1000L
                        / wav.sampleRate()) / 1000.0;
                synchronized (out) { // verdicts print from the follower's thread
                    out.printf("  %5.1f s of %.1f s sent (%d/%d chunks), %.2fx real time%n", sentS,
                            wav.durationMs() / 1000.0, seq + 1, total, sentS / ((now - started) / 1e9));
                }
            }
        }
        String ended = client.end(callId);
        long elapsedMs = (System.nanoTime() - started) / 1_000_000;
        synchronized (out) {
            out.printf("ended %s after %.1f s: %s%n", callId, elapsedMs / 1000.0, ended);
        }
        Map<?, ?> callVerdict = follower == null ? null : follower.awaitSummary(options.followTimeout());
        return new Result(callId, total, wav.durationMs(), elapsedMs, client.retries(), client.failovers(), callVerdict);
    }

    static String startJson(Options options, WavFile wav) {
        List<String> fields = new ArrayList<>();
        if (options.callId() != null) {
            fields.add("\"callId\":" + quote(options.callId()));
        }
        fields.add("\"language\":" + quote(options.language()));
        fields.add("\"format\":{\"encoding\":" + quote(wav.encoding()) + ",\"sampleRate\":" + wav.sampleRate()
                + ",\"channels\":" + wav.channels() + "}");
        if (!options.roles().isEmpty()) {
            fields.add("\"channelRoles\":[" + String.join(",", options.roles().stream().map(Feeder::quote).toList()) + "]");
        }
        fields.add("\"metadata\":{\"source\":\"feeder\",\"file\":" + quote(abbreviate(options.file().getFileName().toString())) + "}");
        return "{" + String.join(",", fields) + "}";
    }

    /** Metadata values are at most 256 characters. */
    private static String abbreviate(String text) {
        return text.length() > 200 ? text.substring(0, 200) : text;
    }

    private static String quote(String text) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                quoted.append('\\').append(c);
            } else if (c < 0x20) {
                quoted.append(String.format("\\u%04x", (int) c));
            } else {
                quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }
}
