package vn.guardian.ingest.live;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import vn.guardian.ingest.audio.AudioFormat;
import vn.guardian.ingest.calls.CallSyntax;
import vn.guardian.ingest.problem.ProblemException;

/**
 * What a feed declares when it starts a live call ({@code POST /v1/calls}), read field by field so every
 * mistake is answered with the field's JSON path, the value sent and what is allowed.
 *
 * @param callId       the client's own call id, or null for a generated one
 * @param language     BCP-47 tag, {@code en} when absent
 * @param format       how the chunks that follow are coded
 * @param channelRoles one role per channel
 * @param metadata     free-form string tags
 */
public record CallSpec(String callId, String language, AudioFormat format, List<String> channelRoles,
                       Map<String, String> metadata) {

    private static final Set<String> FIELDS = Set.of("callId", "language", "format", "channelRoles", "metadata");
    private static final Set<String> FORMAT_FIELDS = Set.of("encoding", "sampleRate", "channels");
    private static final int MAX_METADATA_ENTRIES = 32;
    private static final int MAX_METADATA_KEY = 64;
    private static final int MAX_METADATA_VALUE = 256;

    /** The same call, started again: everything but the generated id must match. */
    boolean sameAs(CallSpec other) {
        return language.equals(other.language) && format.equals(other.format)
                && channelRoles.equals(other.channelRoles) && metadata.equals(other.metadata);
    }

    public static CallSpec parse(byte[] body, JsonMapper json) {
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JacksonException e) {
            TokenStreamLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new ProblemException(HttpStatus.BAD_REQUEST, "malformed-json", "Malformed JSON",
                    "The body is not valid JSON" + where + ": " + e.getOriginalMessage())
                    .field("body").value(at == null ? null : where.trim())
                    .fix("send a JSON object such as {\"language\":\"vi\",\"format\":{\"encoding\":\"mulaw\","
                            + "\"sampleRate\":8000,\"channels\":2}}");
        }
        if (root == null || root.isMissingNode() || !root.isObject()) {
            throw invalid("body", root == null || root.isMissingNode() ? "(empty)" : root.getNodeType().name().toLowerCase(),
                    "The body must be a JSON object.", "a JSON object with format and optionally language, "
                            + "channelRoles, callId, metadata");
        }
        rejectUnknown(root, FIELDS, "");
        String callId = null;
        if (present(root, "callId")) {
            callId = CallSyntax.requireCallId(string(root, "callId", "callId"), "callId");
        }
        String language = present(root, "language") ? string(root, "language", "language") : "en";
        if (!CallSyntax.LANGUAGE.matcher(language).matches()) {
            throw invalid("language", language, "'" + language + "' is not a language tag.",
                    "a BCP-47 tag such as vi, en or en-US");
        }
        AudioFormat format = format(root.get("format"));
        List<String> roles = roles(root, format.channels());
        Map<String, String> metadata = metadata(root);
        return new CallSpec(callId, language, format, roles, metadata);
    }

    private static AudioFormat format(JsonNode format) {
        if (format == null || format.isNull()) {
            throw invalid("format", null, "The call's audio format is missing.",
                    "{\"encoding\": one of " + AudioFormat.Encoding.allowed() + ", \"sampleRate\": 8000..48000, "
                            + "\"channels\": 1 or 2}");
        }
        if (!format.isObject()) {
            throw invalid("format", format.toString(), "format must be a JSON object.",
                    "{\"encoding\":\"pcm_s16le\",\"sampleRate\":16000,\"channels\":1}");
        }
        rejectUnknown(format, FORMAT_FIELDS, "format.");
        String encodingName = string(format, "encoding", "format.encoding");
        AudioFormat.Encoding encoding = AudioFormat.Encoding.byApiName(encodingName).orElseThrow(() ->
                invalid("format.encoding", encodingName, "Encoding '" + encodingName + "' is not supported.",
                        "one of " + AudioFormat.Encoding.allowed()));
        int rate = integer(format, "format.sampleRate", "sampleRate", AudioFormat.MIN_SAMPLE_RATE,
                AudioFormat.MAX_SAMPLE_RATE, "Hz");
        int channels = integer(format, "format.channels", "channels", 1, AudioFormat.MAX_CHANNELS, "channels");
        return new AudioFormat(encoding, rate, channels);
    }

    private static List<String> roles(JsonNode root, int channels) {
        if (!present(root, "channelRoles")) {
            return CallSyntax.defaultRoles(channels);
        }
        JsonNode node = root.get("channelRoles");
        if (!node.isArray() || node.size() != channels) {
            throw invalid("channelRoles", node.toString(), "channelRoles must be an array with one role per channel ("
                    + channels + ").", channels == 1 ? "[\"mono\"] or omit it" : "[\"agent\",\"customer\"] or omit it");
        }
        List<String> roles = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode role = node.get(i);
            if (!role.isString() || !CallSyntax.ROLE.matcher(role.stringValue()).matches()) {
                throw invalid("channelRoles[" + i + "]", role.toString(), "A channel role is a lowercase word.",
                        "a lowercase word of up to 32 letters, digits, '_' or '-', e.g. agent");
            }
            roles.add(role.stringValue());
        }
        return List.copyOf(roles);
    }

    private static Map<String, String> metadata(JsonNode root) {
        if (!present(root, "metadata")) {
            return Map.of();
        }
        JsonNode node = root.get("metadata");
        if (!node.isObject() || node.size() > MAX_METADATA_ENTRIES) {
            throw invalid("metadata", abbreviate(node.toString()), "metadata must be an object of at most "
                    + MAX_METADATA_ENTRIES + " string values.", "{\"agentId\":\"a-17\",\"queue\":\"billing\"}");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            JsonNode value = entry.getValue();
            if (entry.getKey().length() > MAX_METADATA_KEY || !value.isString()
                    || value.stringValue().length() > MAX_METADATA_VALUE) {
                throw invalid("metadata." + abbreviate(entry.getKey()), abbreviate(value.toString()),
                        "Metadata values are strings of up to " + MAX_METADATA_VALUE + " characters, keys up to "
                                + MAX_METADATA_KEY + ".", "a short string, e.g. \"a-17\"");
            }
            metadata.put(entry.getKey(), value.stringValue());
        }
        return Map.copyOf(metadata);
    }

    private static void rejectUnknown(JsonNode object, Set<String> allowed, String prefix) {
        for (String name : object.propertyNames()) {
            if (!allowed.contains(name)) {
                throw new ProblemException(HttpStatus.BAD_REQUEST, "unknown-field", "Unknown field",
                        "The body has a field '" + prefix + abbreviate(name) + "' that this API does not know.")
                        .field(prefix + abbreviate(name)).value(abbreviate(object.get(name).toString()))
                        .fix("remove it; allowed fields" + (prefix.isEmpty() ? "" : " of " + prefix.substring(0,
                                prefix.length() - 1)) + ": " + String.join(", ", allowed.stream().sorted().toList()));
            }
        }
    }

    private static boolean present(JsonNode object, String name) {
        return object.has(name) && !object.get(name).isNull();
    }

    private static String string(JsonNode object, String name, String path) {
        JsonNode node = object.get(name);
        if (node == null || node.isNull()) {
            throw invalid(path, null, path + " is missing.", "a string");
        }
        if (!node.isString()) {
            throw invalid(path, abbreviate(node.toString()), path + " must be a string, not " + kind(node) + ".",
                    "a JSON string");
        }
        return node.stringValue();
    }

    private static int integer(JsonNode object, String path, String name, int min, int max, String unit) {
        JsonNode node = object.get(name);
        String allowed = "an integer " + min + ".." + max + " (" + unit + ")";
        if (node == null || node.isNull()) {
            throw invalid(path, null, path + " is missing.", allowed);
        }
        if (!node.isIntegralNumber()) {
            throw invalid(path, abbreviate(node.toString()), path + " must be an integer, not " + kind(node) + ".",
                    allowed);
        }
        if (!node.canConvertToLong() || node.longValue() < min || node.longValue() > max) {
            throw invalid(path, node.canConvertToLong() ? (Object) node.longValue() : node.toString(),
                    path + " " + node + " is out of range.", allowed);
        }
        return node.intValue();
    }

    private static String kind(JsonNode node) {
        return node.getNodeType().name().toLowerCase();
    }

    private static String abbreviate(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }

    private static ProblemException invalid(String field, Object value, String detail, String allowed) {
        return new ProblemException(HttpStatus.BAD_REQUEST, "invalid-field", "Invalid field", detail)
                .field(field).value(value).fix("send " + allowed);
    }
}
