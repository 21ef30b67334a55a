package vn.guardian.ingest.recording;

import vn.guardian.contracts.audio.ModelFormat;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import vn.guardian.contracts.audio.AudioChunk;
import vn.guardian.contracts.audio.AudioEvent;
import vn.guardian.contracts.audio.CallEnded;
import vn.guardian.contracts.audio.CallStarted;
import vn.guardian.ingest.audio.AudioFormat;
import vn.guardian.ingest.audio.CallNormalizer;
import vn.guardian.ingest.audio.WavHeader;
import vn.guardian.ingest.audio.WavParser;
import vn.guardian.ingest.calls.CallSyntax;
import vn.guardian.ingest.problem.ProblemException;
import vn.guardian.ingest.publish.AudioPublisher;

/**
 * One {@code POST /v1/recordings} body as it arrives: the WAV header is validated from the first bytes before
 * anything is published, then the audio goes through the live calls' {@link CallNormalizer} piece by piece. While
 * the body is at most the buffer threshold its audio is held, so a file whose header lies about its length
 * publishes nothing; past the threshold the call is published as it streams in, in batches that wait for Kafka's
 * acknowledgement, and a body that stops short ends the call as {@code truncated}. Blocking (it publishes); fed
 * by one thread at a time, in order.
 */
public final class RecordingUpload {

    /** The {@code CallEnded} reason of a streamed recording whose body stopped before its announced end. */
    public static final String TRUNCATED = "truncated";
    public static final String COMPLETED = "completed";

    /** Chunks per Kafka round trip while streaming: bounds memory and in-flight records. */
    static final int PUBLISH_BATCH = 32;
    /** Source bytes decoded at once: bounds the decoded arrays however large the held audio is. */
    private static final int SLICE_BYTES = 64 * 1024;

    private static final Logger log = LoggerFactory.getLogger(RecordingUpload.class);

    private final AudioPublisher publisher;
    private final String tenant;
    private final String language;
    private final String rolesHeader;
    private final long contentLength;
    private final long maxBytes;
    private final long bufferThreshold;
    private final int chunkSamples;
    private final String callId = UUID.randomUUID().toString();

    /** The body up to the start of the audio; null once the header is read. */
    private byte[] head = new byte[4096];
    private int headLength;
    private AudioFormat format;
    private List<String> roles;
    private CallNormalizer normalizer;
    /** The end of the file the RIFF header announces; -1 for headerless audio. */
    private long riffEnd = -1;
    /** Audio bytes still to come; bytes after the data chunk are not audio. */
    private long dataRemaining = Long.MAX_VALUE;
    private byte[] partialFrame = new byte[0];

    private long received;
    /** When the audio published last arrived: the filters' tail was completed by it. */
    private long lastAudioAt;
    private long acceptedAudioBytes;
    /** Audio held until the body is known to be whole or larger than the threshold; null once streaming. */
    private ByteArrayOutputStream held;
    private final List<AudioEvent> pending = new ArrayList<>();
    private boolean startQueued;
    private boolean published;
    private boolean ended;
    private int chunksPublished;

    RecordingUpload(AudioPublisher publisher, String tenant, String language, String rolesHeader, boolean audioBasic,
                    long contentLength, long maxBytes, long bufferThreshold, int chunkSamples) {
        this.publisher = publisher;
        this.tenant = tenant;
        this.language = language;
        this.rolesHeader = rolesHeader;
        this.contentLength = contentLength;
        this.maxBytes = maxBytes;
        this.bufferThreshold = bufferThreshold;
        this.chunkSamples = chunkSamples;
        if (contentLength > maxBytes) {
            throw tooLarge(contentLength, maxBytes);
        }
        // a body announced larger than the threshold streams from its first byte
        this.held = contentLength >= 0 && contentLength > bufferThreshold ? null : new ByteArrayOutputStream();
        if (audioBasic) {
            head = null;
            audioStarts(AudioFormat.AUDIO_BASIC);
        }
    }

    /** A body buffer's bytes, the buffer released: read on the event loop, so no pooled buffer waits in a queue. */
    public static byte[] bytes(DataBuffer buffer) {
        try {
            byte[] bytes = new byte[buffer.readableByteCount()];
            buffer.read(bytes);
            return bytes;
        } finally {
            DataBufferUtils.release(buffer);
        }
    }

    /** Takes the next piece of the body; publishes the chunks it completes once streaming. */
    public void take(byte[] bytes) {
        received += bytes.length;
        if (received > maxBytes) {
            throw tooLarge(-1, maxBytes);
        }
        if (head == null) {
            audio(bytes, 0, bytes.length);
            return;
        }
        if (headLength >= WavParser.MAX_HEADER_BYTES) {
            throw WavParser.headerTooLarge();
        }
        if (headLength + bytes.length > head.length) {
            head = Arrays.copyOf(head, Math.max(2 * head.length, headLength + bytes.length));
        }
        System.arraycopy(bytes, 0, head, headLength, bytes.length);
        headLength += bytes.length;
        WavHeader header = WavParser.header(head, headLength, contentLength);
        if (header == null) {
            return;
        }
        if (header.riffEnd() > maxBytes) {
            throw tooLarge(header.riffEnd(), maxBytes);
        }
        riffEnd = header.riffEnd();
        dataRemaining = header.dataBytes();
        byte[] first = head;
        head = null;
        audioStarts(header.format());
        audio(first, header.dataOffset(), headLength - header.dataOffset());
    }

    /**
     * The body has ended: publishes what is left and {@code CallEnded}.
     *
     * @return the accepted call, once Kafka acknowledged every record
     */
    public Recording finish() {
        if (head != null) {
            // the body ended inside the header: the header check names what is missing
            WavHeader header = WavParser.header(head, headLength, headLength);
            throw new IllegalStateException("A whole header was not taken up: " + header);
        }
        if (riffEnd > received) {
            ProblemException shortBody = WavParser.shorterThanDeclared(riffEnd, received);
            if (held != null) {
                throw shortBody;
            }
            throw endTruncated(shortBody);
        }
        if (acceptedAudioBytes == 0) {
            throw new ProblemException(HttpStatus.BAD_REQUEST, "empty-recording", "Empty recording",
                    "The request body holds no audio.").field("body").value(received)
                    .fix("send the audio bytes as the request body");
        }
        if (held != null) {
            startStreaming();
        }
        pending.addAll(normalizer.flush(lastAudioAt));
        pending.add(new CallEnded(callId, tenant, COMPLETED, System.currentTimeMillis()));
        publishPending();
        ended = true;
        long durationMs = durationMs();
        try (MDC.MDCCloseable ignored = MDC.putCloseable("callId", callId)) {
            log.info("Accepted call {} for tenant {}: {} channel(s) {} at {} Hz, {} ms, {} chunks, {} body bytes",
                    callId, tenant, format.channels(), format.encoding().apiName(), format.sampleRate(), durationMs,
                    chunksPublished, received);
        }
        return new Recording(callId, format.channels(), durationMs, chunksPublished,
                Map.of("call", "/v1/calls/" + callId));
    }

    /**
     * The upload failed after part of it may have been published: ends the call as {@code truncated} (best
     * effort) and says so in the answer. Call it instead of {@link #take}/{@link #finish} once they failed.
     */
    public Throwable abandon(Throwable error) {
        if (!published || ended) {
            return error;
        }
        if (error instanceof ProblemException problem && problem.getStatusCode().is5xxServerError()) {
            // Kafka is not acknowledging: an end record would fail the same way
            ProblemException unavailable = new ProblemException(HttpStatus.SERVICE_UNAVAILABLE, problem.slug(),
                    "Recording only partly stored", "Kafka stopped acknowledging call " + callId + " after "
                    + chunksPublished + " of its chunks were stored; the call has no end record.", problem)
                    .with("callId", callId).with("chunks", chunksPublished);
            unavailable.fix("resend the whole recording after the Retry-After time; it becomes a new call");
            unavailable.getHeaders().addAll(problem.getHeaders());
            return unavailable;
        }
        try {
            ProblemException truncated = endTruncated(error);
            if (error instanceof ProblemException problem) {
                // keep the cause's own answer (e.g. 413), telling what was kept
                for (String kept : List.of("callId", "acceptedAudioBytes", "audioMs", "chunks")) {
                    problem.with(kept, truncated.getBody().getProperties().get(kept));
                }
                return problem;
            }
            return truncated;
        } catch (ProblemException unavailable) {
            log.warn("Could not end call {} after its upload failed ({}): {}", callId, error.getMessage(),
                    unavailable.getMessage());
            return error;
        }
    }

    private void audioStarts(AudioFormat audio) {
        format = audio;
        roles = channelRoles(rolesHeader, audio.channels());
        normalizer = new CallNormalizer(callId, audio, ModelFormat.SAMPLE_RATE, chunkSamples);
    }

    /** Whole frames of audio go on, a partial frame waits for the next piece. */
    private void audio(byte[] bytes, int offset, int length) {
        int take = (int) Math.min(length, dataRemaining);
        dataRemaining -= take;
        int frameBytes = format.frameBytes();
        byte[] joined = new byte[partialFrame.length + take];
        System.arraycopy(partialFrame, 0, joined, 0, partialFrame.length);
        System.arraycopy(bytes, offset, joined, partialFrame.length, take);
        int frames = joined.length / frameBytes;
        partialFrame = Arrays.copyOfRange(joined, frames * frameBytes, joined.length);
        acceptedAudioBytes += (long) frames * frameBytes;
        if (held != null) {
            held.write(joined, 0, frames * frameBytes);
            if (received > bufferThreshold) {
                startStreaming();
            }
        } else {
            lastAudioAt = System.currentTimeMillis();
            queueStart(lastAudioAt);
            push(joined, frames, lastAudioAt);
        }
    }

    /** Queues {@code CallStarted} and the held audio; from now on chunks are published as they complete. */
    private void startStreaming() {
        lastAudioAt = System.currentTimeMillis();
        byte[] audio = held.toByteArray();
        held = null;
        queueStart(lastAudioAt);
        push(audio, audio.length / format.frameBytes(), lastAudioAt);
    }

    /** Normalizes in slices and publishes every full batch: memory stays bounded however much audio comes at once. */
    private void push(byte[] data, int frames, long ingestedAt) {
        int frameBytes = format.frameBytes();
        int sliceFrames = Math.max(1, SLICE_BYTES / frameBytes);
        for (int from = 0; from < frames; from += sliceFrames) {
            pending.addAll(normalizer.push(data, from * frameBytes, Math.min(sliceFrames, frames - from), ingestedAt));
            if (pending.size() >= PUBLISH_BATCH) {
                publishPending();
            }
        }
    }

    private void publishPending() {
        if (pending.isEmpty()) {
            return;
        }
        publisher.publish(callId, new ArrayList<>(pending), "the whole recording (a retry gets a new call id)");
        published = true;
        chunksPublished += (int) pending.stream().filter(AudioChunk.class::isInstance).count();
        pending.clear();
    }

    private void queueStart(long at) {
        if (!startQueued) {
            startQueued = true;
            pending.add(0, new CallStarted(callId, tenant, language, format.sourceFormat(), roles,
                    ModelFormat.SAMPLE_RATE, Map.of(), at));
        }
    }

    /** Publishes the audio that arrived and {@code CallEnded truncated}; the answer says what was kept. */
    private ProblemException endTruncated(Throwable cause) {
        long now = System.currentTimeMillis();
        queueStart(now);
        pending.addAll(normalizer.flush(lastAudioAt));
        pending.add(new CallEnded(callId, tenant, TRUNCATED, now));
        publishPending();
        ended = true;
        long audioMs = durationMs();
        try (MDC.MDCCloseable ignored = MDC.putCloseable("callId", callId)) {
            log.warn("Ended call {} of tenant {} as truncated after {} body bytes, {} ms of audio: {}", callId, tenant,
                    received, audioMs, cause.getMessage());
        }
        String why = cause instanceof ProblemException problem ? problem.getBody().getDetail() : cause.toString();
        return new ProblemException(HttpStatus.BAD_REQUEST, "recording-truncated", "Recording ended early",
                why + " The " + acceptedAudioBytes + " bytes of audio that arrived (" + audioMs + " ms) were published "
                        + "as call " + callId + ", ended as '" + TRUNCATED + "'.", cause)
                .field("body").value(received)
                .with("callId", callId).with("acceptedAudioBytes", acceptedAudioBytes).with("audioMs", audioMs)
                .with("chunks", chunksPublished)
                .fix("send the complete file as a new recording; call " + callId + " keeps the first " + audioMs
                        + " ms");
    }

    private long durationMs() {
        return acceptedAudioBytes / format.frameBytes() * 1000 / format.sampleRate();
    }

    static List<String> channelRoles(String header, int channels) {
        if (header == null || header.isBlank()) {
            return CallSyntax.defaultRoles(channels);
        }
        List<String> roles = Arrays.stream(header.split(",")).map(String::trim).toList();
        if (roles.size() != channels || !roles.stream().allMatch(role -> CallSyntax.ROLE.matcher(role).matches())) {
            throw new ProblemException(HttpStatus.BAD_REQUEST, "invalid-channel-roles", "Invalid channel roles",
                    "The recording has " + channels + " channel(s) but " + RecordingController.ROLES_HEADER + " names "
                            + roles.size() + " role(s), or a role is not a lowercase word.")
                    .field(RecordingController.ROLES_HEADER).value(header)
                    .fix("name one lowercase role per channel, comma-separated, e.g. agent,customer");
        }
        return roles;
    }

    static ProblemException tooLarge(long declared, long maxBytes) {
        return new ProblemException(HttpStatus.PAYLOAD_TOO_LARGE, "recording-too-large", "Recording too large",
                "The recording " + (declared > 0 ? "is " + declared + " bytes; " : "exceeds ") + "the limit is "
                        + maxBytes + " bytes.")
                .field("body").value(declared > 0 ? declared : null)
                .fix("split the recording into parts of at most " + maxBytes + " bytes, or raise "
                        + "guardian.ingest.max-recording-size");
    }
}
