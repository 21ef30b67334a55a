package vn.guardian.benchmark.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** The machine-readable result: the report tree as indented JSON, with not-a-number figures written as null. */
public final class ReportJson {

    private static final JsonMapper MAPPER = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private ReportJson() {
    }

    public static String write(Object report) {
        return MAPPER.writeValueAsString(withoutNaN(MAPPER.valueToTree(report)));
    }

    public static void write(Object report, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, write(report) + "\n");
    }

    /** Back to plain maps and lists, for tests and readers of the file. */
    public static JsonNode read(String json) {
        return MAPPER.readTree(json);
    }

    private static Object withoutNaN(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                out.put(field.getKey(), withoutNaN(field.getValue()));
            }
            return out;
        }
        if (node.isArray()) {
            List<Object> out = new java.util.ArrayList<>();
            node.forEach(element -> out.add(withoutNaN(element)));
            return out;
        }
        if (node.isNumber()) {
            double value = node.doubleValue();
            if (Double.isNaN(value) || Double.isInfinite(value)) {
                return null;
            }
            return node.numberValue();
        }
        if (node.isString() && ("NaN".equals(node.stringValue()) || node.stringValue().endsWith("Infinity"))) {
            return null;
        }
        return node.isNull() ? null : node.isBoolean() ? node.booleanValue() : node.asString();
    }
}
