package vn.guardian.ingest.recording;

import java.util.Arrays;
import java.util.List;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import vn.guardian.ingest.IngestProperties;
import vn.guardian.ingest.audio.AudioFormat;
import vn.guardian.ingest.audio.WavAudio;
import vn.guardian.ingest.calls.CallRules;
import vn.guardian.ingest.audio.WavParser;
import vn.guardian.ingest.problem.ProblemException;
import vn.guardian.ingest.tenant.ApiKeyFilter;

/** {@code POST /v1/recordings}: a whole WAV file (PCM 16-bit or G.711) or raw {@code audio/basic} in, a call on the audio topic out. */
@RestController
public class RecordingController {

    public static final String LANGUAGE_HEADER = "X-Call-Language";
    public static final String ROLES_HEADER = "X-Channel-Roles";
    /** Raw 8 kHz mu-law mono without a header (RFC 2046), as many PBXs record it. */
    public static final String AUDIO_BASIC = "audio/basic";

    private final RecordingIngest ingest;
    private final long maxBytes;

    public RecordingController(RecordingIngest ingest, IngestProperties properties) {
        this.ingest = ingest;
        this.maxBytes = properties.maxRecordingSize().toBytes();
    }

    @PostMapping(path = "/v1/recordings", consumes = {"audio/wav", "audio/x-wav", "audio/wave", AUDIO_BASIC})
    public Mono<ResponseEntity<Recording>> record(ServerWebExchange exchange,
                                                  @RequestHeader(name = LANGUAGE_HEADER, defaultValue = "en") String language,
                                                  @RequestHeader(name = ROLES_HEADER, required = false) String roles) {
        String tenant = ApiKeyFilter.tenant(exchange);
        if (!CallRules.LANGUAGE.matcher(language).matches()) {
            return Mono.error(new ProblemException(HttpStatus.BAD_REQUEST, "invalid-language", "Invalid call language",
                    "'" + language + "' is not a language tag.").field(LANGUAGE_HEADER).value(language)
                    .fix("send a BCP-47 tag such as vi, en or en-US, or omit the header for en"));
        }
        ServerHttpRequest request = exchange.getRequest();
        long declared = request.getHeaders().getContentLength();
        if (declared > maxBytes) {
            return Mono.error(tooLarge(declared));
        }
        return DataBufferUtils.join(request.getBody(), (int) maxBytes)
                .onErrorMap(DataBufferLimitException.class, e -> tooLarge(-1))
                .map(RecordingController::bytes)
                .defaultIfEmpty(new byte[0])
                .flatMap(body -> {
                    long acceptedAt = System.currentTimeMillis();
                    WavAudio wav = isAudioBasic(request) ? audioBasic(body) : WavParser.parse(body);
                    List<String> channelRoles = channelRoles(roles, wav.channels());
                    // resampling is CPU work and publishing blocks until Kafka acknowledges: off the event loop
                    return Mono.fromCallable(() -> ingest.ingest(tenant, language, channelRoles, wav, acceptedAt))
                            .subscribeOn(Schedulers.boundedElastic());
                })
                .map(recording -> ResponseEntity.status(HttpStatus.ACCEPTED).body(recording));
    }

    private static boolean isAudioBasic(ServerHttpRequest request) {
        MediaType type = request.getHeaders().getContentType();
        return type != null && AUDIO_BASIC.equals(type.getType() + "/" + type.getSubtype());
    }

    private static WavAudio audioBasic(byte[] body) {
        if (body.length == 0) {
            throw new ProblemException(HttpStatus.BAD_REQUEST, "empty-recording", "Empty recording",
                    "The request body is empty.").field("body").value(0)
                    .fix("send the mu-law bytes as the request body");
        }
        return new WavAudio(AudioFormat.AUDIO_BASIC, body, 0, body.length);
    }

    private static byte[] bytes(DataBuffer buffer) {
        try {
            byte[] bytes = new byte[buffer.readableByteCount()];
            buffer.read(bytes);
            return bytes;
        } finally {
            DataBufferUtils.release(buffer);
        }
    }

    static List<String> channelRoles(String header, int channels) {
        if (header == null || header.isBlank()) {
            return CallRules.defaultRoles(channels);
        }
        List<String> roles = Arrays.stream(header.split(",")).map(String::trim).toList();
        if (roles.size() != channels || !roles.stream().allMatch(role -> CallRules.ROLE.matcher(role).matches())) {
            throw new ProblemException(HttpStatus.BAD_REQUEST, "invalid-channel-roles", "Invalid channel roles",
                    "The recording has " + channels + " channel(s) but " + ROLES_HEADER + " names " + roles.size()
                            + " role(s), or a role is not a lowercase word.")
                    .field(ROLES_HEADER).value(header)
                    .fix("name one lowercase role per channel, comma-separated, e.g. agent,customer");
        }
        return roles;
    }

    private ProblemException tooLarge(long declared) {
        return new ProblemException(HttpStatus.PAYLOAD_TOO_LARGE, "recording-too-large", "Recording too large",
                "The recording " + (declared > 0 ? "is " + declared + " bytes; " : "exceeds ") + "the limit is "
                        + maxBytes + " bytes.")
                .field("body").value(declared > 0 ? declared : null)
                .fix("split the recording into parts of at most " + maxBytes + " bytes, or raise "
                        + "guardian.ingest.max-recording-size");
    }
}
