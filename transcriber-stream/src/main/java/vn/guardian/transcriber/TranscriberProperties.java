package vn.guardian.transcriber;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import vn.guardian.transcriber.recognition.RecognizerPool;
import vn.guardian.voskmodels.VoskModels;

/**
 * Settings under {@code guardian.transcriber}.
 *
 * @param models         language → model directory; {@code en} defaults to the model bundled in the jar
 * @param workers        consumer threads, each with its own consumer and transactional producer
 * @param groupId        the Kafka consumer group
 * @param instanceId     stable name of this replica, part of every worker's {@code group.instance.id} and
 *                       {@code transactional.id}, so unique per replica; null when unset, and then the replica uses
 *                       {@code <host>-<server.port>} when the port is fixed (non-zero: unique on a host, stable
 *                       across restarts), else {@code <host>-pid<pid>} ({@link vn.guardian.transcriber.replica.Replica#of})
 * @param maxRecognizers recognizers this replica may hold at once; a call beyond it goes to the DLQ
 * @param modelCacheDir  where the bundled model is extracted, since Vosk needs a directory
 * @param partialInterval        at most one partial result per call channel this often; 0 turns partials off
 * @param recognizerIdleTimeout  a call that sends nothing this long is closed and its recognizers freed
 * @param maxTransactionTime     decoding a worker does before it commits its Kafka transaction; bounds how long a
 *                               finished segment waits to become visible when the worker has a backlog
 * @param decodeThreads          threads running Vosk for all workers of the replica, each channel in order
 * @param recognizerRetireAfter  audio one native recognizer decodes before it is replaced at the next utterance
 *                               boundary of its call, or freed instead of kept warm after it: bounds the memory of a
 *                               recognizer, whose expanded decoding graph grows with the speech it hears
 * @param returnFreedMemory      under glibc's malloc, hand freed recognizers' memory back with {@code malloc_trim}:
 *                               less RSS, but each trim stalls decoding for up to ~0.5 s; off by default, and moot
 *                               under jemalloc (the image's allocator), which hands it back by itself
 */
@ConfigurationProperties("guardian.transcriber")
public record TranscriberProperties(Map<String, String> models, Integer workers, String groupId, String instanceId,
                                    Integer maxRecognizers, String modelCacheDir,
                                    Duration partialInterval, Duration recognizerIdleTimeout,
                                    Duration maxTransactionTime, Integer decodeThreads,
                                    Duration recognizerRetireAfter, Boolean returnFreedMemory) {

    public TranscriberProperties {
        Map<String, String> withDefault = new HashMap<>();
        withDefault.put("en", VoskModels.BUNDLED);
        if (models != null) {
            withDefault.putAll(models);
        }
        models = Map.copyOf(withDefault);
        workers = workers == null ? Runtime.getRuntime().availableProcessors() : workers;
        groupId = groupId == null || groupId.isBlank() ? "guardian-transcriber" : groupId;
        instanceId = instanceId == null || instanceId.isBlank() ? null : instanceId;
        maxRecognizers = maxRecognizers == null ? 16 : maxRecognizers;
        modelCacheDir = modelCacheDir == null || modelCacheDir.isBlank()
                ? System.getProperty("java.io.tmpdir") + "/guardian-models" : modelCacheDir;
        partialInterval = partialInterval == null ? Duration.ofSeconds(1) : partialInterval;
        recognizerIdleTimeout = recognizerIdleTimeout == null ? Duration.ofMinutes(5) : recognizerIdleTimeout;
        maxTransactionTime = maxTransactionTime == null ? Duration.ofSeconds(1) : maxTransactionTime;
        if (maxTransactionTime.isNegative() || maxTransactionTime.isZero()) {
            throw new IllegalArgumentException("guardian.transcriber.max-transaction-time=" + maxTransactionTime
                    + "; set a positive duration such as 1s");
        }
        if (recognizerIdleTimeout.isNegative() || recognizerIdleTimeout.isZero()) {
            throw new IllegalArgumentException("guardian.transcriber.recognizer-idle-timeout=" + recognizerIdleTimeout
                    + "; set a positive duration such as 5m");
        }
        recognizerRetireAfter = recognizerRetireAfter == null ? RecognizerPool.RETIRE_AFTER : recognizerRetireAfter;
        if (recognizerRetireAfter.isNegative() || recognizerRetireAfter.isZero()) {
            throw new IllegalArgumentException("guardian.transcriber.recognizer-retire-after=" + recognizerRetireAfter
                    + "; set a positive duration of audio such as " + RecognizerPool.RETIRE_AFTER.toSeconds() + "s");
        }
        returnFreedMemory = returnFreedMemory != null && returnFreedMemory;
        decodeThreads = decodeThreads == null ? Runtime.getRuntime().availableProcessors() : decodeThreads;
        if (decodeThreads < 1) {
            throw new IllegalArgumentException("guardian.transcriber.decode-threads=" + decodeThreads
                    + "; set it to 1 or more, usually the replica's cores");
        }
        if (workers < 1) {
            throw new IllegalArgumentException("guardian.transcriber.workers=" + workers + "; set it to 1 or more");
        }
    }
}
