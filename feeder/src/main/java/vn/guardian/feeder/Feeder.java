package vn.guardian.feeder;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Streams a WAV file to ingest-service as a live call: starts the call with the file's own format, sends its
 * audio as chunks at real-time pace (or faster), ends the call, and prints the callId and progress.
 *
 * <pre>java -jar feeder/target/feeder.jar --url http://localhost:8080 --api-key KEY [--language en]
 *     [--speed 1.0|max] [--chunk-ms 250] [--roles agent,customer] [--call-id ID] FILE.wav</pre>
 */
public final class Feeder {

    static final String USAGE = """
            usage: java -jar feeder.jar --url URL --api-key KEY [options] FILE.wav
              --url URL        ingest-service base URL (default http://localhost:8080)
              --api-key KEY    the tenant's API key (default: environment GUARDIAN_API_KEY)
              --language TAG   call language, e.g. vi or en (default en)
              --speed X        1.0 = real time, 2 = twice as fast, max = as fast as acknowledged (default 1.0)
              --chunk-ms N     audio per request in milliseconds (default 250)
              --roles A,B      channel roles (default mono, or agent,customer for stereo)
              --call-id ID     your own call id (makes the start idempotent)
              --retry-for S    give up on a request still refused (503/429) after S seconds (default 120)
            """;

    /** Parsed command line. {@code speed} 0 means as fast as possible. */
    record Options(URI url, String apiKey, String language, double speed, int chunkMs, List<String> roles,
                   String callId, Duration retryFor, Path file) {

        static Options parse(String[] args, String envApiKey) {
            String url = "http://localhost:8080";
            String apiKey = envApiKey;
            String language = "en";
            double speed = 1.0;
            int chunkMs = 250;
            List<String> roles = List.of();
            String callId = null;
            long retryFor = 120;
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
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(arg + " needs a value");
                }
                String value = args[++i];
                switch (arg) {
                    case "--url":
                        url = value;
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
            return new Options(URI.create(url), apiKey, language, speed, chunkMs, roles, callId,
                    Duration.ofSeconds(retryFor), file);
        }
    }

    /** What a finished run did. */
    record Result(String callId, long chunks, long audioMs, long elapsedMs, int retries) {
    }

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args, System.getenv("GUARDIAN_API_KEY"));
        } catch (IllegalArgumentException e) {
            System.err.println("feeder: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        try {
            run(options, System.out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.exit(1);
        } catch (Exception e) {
            System.err.println("feeder: " + e.getMessage());
            System.exit(1);
        }
    }

    static Result run(Options options, PrintStream out) throws Exception {
        if (!Files.isReadable(options.file())) {
            throw new IllegalArgumentException("cannot read " + options.file());
        }
        WavFile wav = WavFile.read(options.file());
        IngestClient client = new IngestClient(options.url(), options.apiKey(), options.retryFor(),
                message -> out.println("  " + message));
        String callId = client.start(startJson(options, wav));
        out.printf("callId=%s  %s %d Hz x%d, %.1f s, speed %s%n", callId, wav.encoding(), wav.sampleRate(),
                wav.channels(), wav.durationMs() / 1000.0, options.speed() == 0 ? "max" : options.speed() + "x");

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
                out.printf("  %5.1f s of %.1f s sent (%d/%d chunks), %.2fx real time%n", sentS,
                        wav.durationMs() / 1000.0, seq + 1, total, sentS / ((now - started) / 1e9));
            }
        }
        String ended = client.end(callId);
        long elapsedMs = (System.nanoTime() - started) / 1_000_000;
        out.printf("ended %s after %.1f s: %s%n", callId, elapsedMs / 1000.0, ended);
        return new Result(callId, total, wav.durationMs(), elapsedMs, client.retries());
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
