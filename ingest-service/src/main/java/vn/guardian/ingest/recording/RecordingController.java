package vn.guardian.ingest.recording;

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
import vn.guardian.ingest.calls.CallSyntax;
import vn.guardian.ingest.problem.ProblemException;
import vn.guardian.ingest.tenant.ApiKeyFilter;
import vn.guardian.ingest.transcribers.ServedLanguages;

/**
 * {@code POST /v1/recordings}: a WAV file (PCM 16-bit or G.711) or raw {@code audio/basic} in, a call on the audio
 * topic out, streamed through {@link RecordingUpload} without holding large bodies in memory.
 */
@RestController
public class RecordingController {

    public static final String LANGUAGE_HEADER = "X-Call-Language";
    public static final String ROLES_HEADER = "X-Channel-Roles";
    /** Raw 8 kHz mu-law mono without a header (RFC 2046), as many PBXs record it. */
    public static final String AUDIO_BASIC = "audio/basic";

    /** Body buffers read ahead of the one being processed. */
    private static final int BODY_READ_AHEAD = 2;

    private final RecordingIngest ingest;
    private final ServedLanguages languages;

    public RecordingController(RecordingIngest ingest, ServedLanguages languages) {
        this.ingest = ingest;
        this.languages = languages;
    }

    @PostMapping(path = "/v1/recordings", consumes = {"audio/wav", "audio/x-wav", "audio/wave", AUDIO_BASIC})
    public Mono<ResponseEntity<Recording>> record(ServerWebExchange exchange,
                                                  @RequestHeader(name = LANGUAGE_HEADER, defaultValue = "en") String language,
                                                  @RequestHeader(name = ROLES_HEADER, required = false) String roles) {
        String tenant = ApiKeyFilter.tenant(exchange);
        if (!CallSyntax.LANGUAGE.matcher(language).matches()) {
            return Mono.error(new ProblemException(HttpStatus.BAD_REQUEST, "invalid-language", "Invalid call language",
                    "'" + language + "' is not a language tag.").field(LANGUAGE_HEADER).value(language)
                    .fix("send a BCP-47 tag such as vi, en or en-US, or omit the header for en"));
        }
        ServerHttpRequest request = exchange.getRequest();
        RecordingUpload upload;
        try {
            // refused before anything is published: no transcriber would ever transcribe it
            languages.require(language, LANGUAGE_HEADER);
            upload = ingest.upload(tenant, language, roles, isAudioBasic(request), request.getHeaders().getContentLength());
        } catch (ProblemException refused) {
            return Mono.error(refused);
        }
        // decoding is CPU work and publishing blocks until Kafka acknowledges: off the event loop, reading at
        // most a few body buffers ahead so a slow Kafka slows the sender through TCP instead of filling memory
        return request.getBody()
                .map(RecordingUpload::bytes)
                .publishOn(Schedulers.boundedElastic(), BODY_READ_AHEAD)
                .doOnNext(upload::take)
                .then(Mono.fromCallable(upload::finish).subscribeOn(Schedulers.boundedElastic()))
                .onErrorResume(error -> Mono.fromCallable(() -> upload.abandon(error))
                        .subscribeOn(Schedulers.boundedElastic()).flatMap(failure -> Mono.<Recording>error(failure)))
                .map(recording -> ResponseEntity.status(HttpStatus.ACCEPTED).body(recording));
    }

    private static boolean isAudioBasic(ServerHttpRequest request) {
        MediaType type = request.getHeaders().getContentType();
        return type != null && AUDIO_BASIC.equals(type.getType() + "/" + type.getSubtype());
    }
}
