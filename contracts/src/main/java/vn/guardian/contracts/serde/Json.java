package vn.guardian.contracts.serde;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** The one JSON mapper for events: tolerant of fields added by newer producers. */
public final class Json {

    public static final JsonMapper MAPPER = JsonMapper.builder()
            // a newer producer may add fields; older consumers must keep working
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private Json() {
    }
}
