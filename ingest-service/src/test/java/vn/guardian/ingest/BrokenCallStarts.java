package vn.guardian.ingest;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /v1/calls} bodies as feeds get them wrong, for fuzz tests: a valid start whose fields are dropped,
 * replaced by JSON of another type or an extreme value, or joined by unknown fields; sometimes its text cut short
 * or a byte flipped; and plain random bytes. Valid starts are in the mix.
 */
public final class BrokenCallStarts {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String[] FIELDS = {"callId", "language", "format", "channelRoles", "metadata",
            "format.encoding", "format.sampleRate", "format.channels"};
    private static final Object[] ODD_VALUES = {"", " ", "mulaw", "pcm_s16le", "vi", "xx-YY-zz", "agent",
            "a".repeat(300), "\u0000", "\uD83D\uDE00", "../../etc", "<script>", 0L, -1L, 1L, 2L, 3L, 7999L, 8000L,
            48000L, 48001L, Integer.MAX_VALUE + 1L, Long.MAX_VALUE, Long.MIN_VALUE,
            new BigInteger("123456789012345678901234567890"), 8000.0, 1.5, -0.0, 1e308, true, false, null};

    private BrokenCallStarts() {
    }

    /** A start body: valid (one in five), mutated JSON, JSON cut short or with a flipped byte, or random bytes. */
    public static byte[] any(Random random) {
        int kind = random.nextInt(10);
        if (kind < 2) {
            return json(valid(random));
        }
        Map<String, Object> start = valid(random);
        for (int mutations = 1 + random.nextInt(3); mutations > 0; mutations--) {
            mutate(start, random);
        }
        byte[] body = json(start);
        if (kind < 7 || body.length == 0) {
            return body;
        }
        if (kind < 9) {
            int at = random.nextInt(body.length);
            if (random.nextBoolean()) {
                return Arrays.copyOf(body, at);
            }
            body[at] ^= (byte) (1 + random.nextInt(255));
            return body;
        }
        byte[] noise = new byte[random.nextInt(300)];
        random.nextBytes(noise);
        return noise;
    }

    /** A start as the API documents it, in any accepted format. */
    public static Map<String, Object> valid(Random random) {
        int channels = 1 + random.nextInt(2);
        Map<String, Object> format = new LinkedHashMap<>();
        format.put("encoding", List.of("pcm_s16le", "mulaw", "alaw").get(random.nextInt(3)));
        format.put("sampleRate", List.of(8000, 16000, 44100, 48000).get(random.nextInt(4)));
        format.put("channels", channels);
        Map<String, Object> start = new LinkedHashMap<>();
        start.put("language", random.nextBoolean() ? "en" : "en-US");
        start.put("format", format);
        if (random.nextBoolean()) {
            start.put("channelRoles", channels == 1 ? List.of("mono") : List.of("agent", "customer"));
        }
        if (random.nextBoolean()) {
            start.put("metadata", Map.of("queue", "billing"));
        }
        return start;
    }

    @SuppressWarnings("unchecked")
    private static void mutate(Map<String, Object> start, Random random) {
        String path = FIELDS[random.nextInt(FIELDS.length)];
        Map<String, Object> parent = start;
        String name = path;
        if (path.startsWith("format.")) {
            if (!(start.get("format") instanceof Map<?, ?> format)) {
                return;
            }
            parent = (Map<String, Object>) format;
            name = path.substring("format.".length());
        }
        switch (random.nextInt(4)) {
            case 0 -> parent.remove(name);
            case 1 -> parent.put(string(random, 12), anyJson(random, 2));
            default -> parent.put(name, anyJson(random, 2));
        }
    }

    /** Any JSON value: strings (odd ones included), numbers at the edges, booleans, null, arrays, objects. */
    public static Object anyJson(Random random, int depth) {
        int kind = random.nextInt(depth > 0 ? 8 : 6);
        switch (kind) {
            case 0, 1, 2:
                return ODD_VALUES[random.nextInt(ODD_VALUES.length)];
            case 3:
                return string(random, 20);
            case 4:
                return random.nextLong();
            case 5:
                return random.nextDouble() * 100_000;
            case 6: {
                List<Object> array = new ArrayList<>();
                for (int i = random.nextInt(4); i > 0; i--) {
                    array.add(anyJson(random, depth - 1));
                }
                return array;
            }
            default: {
                Map<String, Object> object = new LinkedHashMap<>();
                for (int i = random.nextInt(4); i > 0; i--) {
                    object.put(string(random, 8), anyJson(random, depth - 1));
                }
                return object;
            }
        }
    }

    /** Up to {@code maxLength} characters, from ASCII to the astral planes. */
    public static String string(Random random, int maxLength) {
        StringBuilder text = new StringBuilder();
        for (int i = random.nextInt(maxLength + 1); i > 0; i--) {
            int bound = switch (random.nextInt(3)) {
                case 0 -> 0x80;
                case 1 -> 0x800;
                default -> 0x10FFFF;
            };
            int codePoint = random.nextInt(bound);
            if (codePoint < 0xD800 || codePoint > 0xDFFF) {
                text.appendCodePoint(codePoint);
            }
        }
        return text.toString();
    }

    public static byte[] json(Object value) {
        return JSON.writeValueAsString(value).getBytes(StandardCharsets.UTF_8);
    }

    /** A JSON object answer, such as a problem. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> read(byte[] json) {
        return JSON.readValue(json, Map.class);
    }
}
