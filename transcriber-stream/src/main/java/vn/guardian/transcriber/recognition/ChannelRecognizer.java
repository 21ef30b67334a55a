package vn.guardian.transcriber.recognition;


import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.vosk.Model;
import org.vosk.Recognizer;
import tools.jackson.databind.JsonNode;
import vn.guardian.contracts.audio.AudioChunk;
import vn.guardian.contracts.serde.Json;
import vn.guardian.contracts.transcript.PartialTranscript;
import vn.guardian.contracts.transcript.SegmentIds;
import vn.guardian.contracts.transcript.TranscriptSegment;
import vn.guardian.contracts.transcript.Word;

/**
 * The Vosk recognizer of one call channel and the bookkeeping that turns its results into transcript segments.
 * Made by {@link RecognizerPool#open}; {@link #close()} hands the native recognizer back to the pool (or frees it
 * after a failure) and must be called exactly once.
 */
public final class ChannelRecognizer implements AutoCloseable {

    /** Bytes of silence fed before handing back a recognizer that has no final result: see {@link #close()}. */
    private static final byte[] FINALIZING_SILENCE = new byte[320];

    private final RecognizerPool pool;
    private final Model model;
    /** Replaced by a new one at an utterance boundary once it is due for retirement (its graph cache has grown). */
    private Recognizer recognizer;
    private final Identity identity;
    private final int sampleRate;
    /**
     * Samples the native recognizer decoded before this channel's first: Vosk counts word times from its very first.
     * Negative after a replacement: the channel's samples decoded before the new recognizer's first.
     */
    private long samplesBefore;
    /** Samples it decoded in all, this channel's included. */
    private long samplesFed;
    /** Audio time (ms) of this channel's first sample fed. */
    private long offsetMs = -1;
    /** startSample of the first chunk fed after the last final result; -1 while no utterance is open. */
    private long utteranceStartSample = -1;
    /** The recognizer that replaces this one once it is due: made off the decode thread, swapped in when ready. */
    private CompletableFuture<Recognizer> successor;
    /** The chunk that closed the utterance at which the successor was ready; the swap happens at the next chunk. */
    private AudioChunk retiringAfter;
    private boolean closed;
    private boolean finalized;
    private boolean failed;

    /** What a segment says about where it came from; all from the call's CallStarted. */
    public record Identity(String callId, String tenant, int channel, String channelRole, String language) {
    }

    ChannelRecognizer(RecognizerPool pool, Model model, Recognizer recognizer, long samplesBefore, int sampleRate,
                      Identity identity) {
        this.pool = pool;
        this.model = model;
        this.recognizer = recognizer;
        this.samplesBefore = samplesBefore;
        this.samplesFed = samplesBefore;
        this.identity = identity;
        this.sampleRate = sampleRate;
    }

    /** Feeds one chunk; returns the segment it closed, if Vosk saw the utterance end and heard words. */
    public Optional<TranscriptSegment> accept(AudioChunk chunk) {
        if (closed) {
            // a freed native recognizer must never be touched: that would crash the whole JVM
            throw new IllegalStateException("recognizer of call " + identity.callId() + " channel "
                    + identity.channel() + " is closed");
        }
        if (offsetMs < 0) {
            offsetMs = chunk.startSample() * 1000 / sampleRate;
        }
        if (retiringAfter != null) {
            // here, not when the utterance closed: its verdict must not wait for a new recognizer to be made
            replaceRecognizer(retiringAfter);
            retiringAfter = null;
        }
        if (utteranceStartSample < 0) {
            utteranceStartSample = chunk.startSample();
        }
        finalized = false;
        boolean endOfUtterance;
        try {
            endOfUtterance = recognizer.acceptWaveForm(chunk.pcm(), chunk.pcm().length);
        } catch (RuntimeException e) {
            failed = true;
            throw e;
        }
        samplesFed += chunk.pcm().length / 2;
        if (successor == null && pool.dueForRetirement(samplesFed, sampleRate)) {
            successor = pool.successor(model, sampleRate);
        }
        if (!endOfUtterance) {
            return Optional.empty();
        }
        Optional<TranscriptSegment> segment = segment(recognizer.getResult(), chunk.ingestedAt());
        if (successor != null && successor.isDone()) {
            retiringAfter = chunk; // else at a later utterance boundary: this thread never waits for it
        }
        return segment;
    }

    /**
     * Swaps in the successor at this utterance boundary and feeds it the chunk that closed the utterance
     * again: the old one may not have decoded that chunk's last frames yet, and they must not be lost. That chunk
     * ends in the silence that closed the utterance, so the new recognizer hears no words twice.
     */
    private void replaceRecognizer(AudioChunk closing) {
        long channelSamples = samplesFed - samplesBefore;
        int closingSamples = closing.pcm().length / 2;
        Recognizer next;
        try {
            next = successor.join();
        } catch (CompletionException e) {
            failed = true;
            throw new IllegalStateException("could not replace the recognizer of call " + identity.callId()
                    + " channel " + identity.channel() + ": " + e.getCause(), e.getCause());
        } finally {
            successor = null;
        }
        pool.retire(recognizer);
        recognizer = next;
        samplesBefore = -(channelSamples - closingSamples);
        samplesFed = 0;
        if (recognizer.acceptWaveForm(closing.pcm(), closing.pcm().length)) {
            recognizer.getResult(); // silence only: nothing to publish, and the next utterance starts afresh
        }
        samplesFed += closingSamples;
    }

    /** The current hypothesis for the open utterance, if it has words; call after {@link #accept} returned empty. */
    public Optional<PartialTranscript> partial(long ingestedAt) {
        if (closed || utteranceStartSample < 0) {
            return Optional.empty();
        }
        String text = Json.MAPPER.readTree(recognizer.getPartialResult()).path("partial").asString("").trim();
        if (text.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new PartialTranscript(
                SegmentIds.of(identity.callId(), identity.channel(), utteranceStartSample), identity.callId(),
                identity.tenant(), identity.channel(), identity.channelRole(), utteranceStartSample * 1000 / sampleRate,
                text, identity.language(), ingestedAt, System.currentTimeMillis()));
    }

    /** Flushes the recognizer at the end of the call; returns the last segment, if it heard words. */
    public Optional<TranscriptSegment> finish(long closingChunkIngestedAt) {
        if (closed || utteranceStartSample < 0) {
            return Optional.empty();
        }
        finalized = true;
        return segment(recognizer.getFinalResult(), closingChunkIngestedAt);
    }

    /** Whether audio was fed since the last final result, i.e. an utterance may still be open. */
    public boolean utteranceOpen() {
        return utteranceStartSample >= 0;
    }

    private Optional<TranscriptSegment> segment(String json, long closingChunkIngestedAt) {
        long startSample = utteranceStartSample;
        utteranceStartSample = -1;
        JsonNode result = Json.MAPPER.readTree(json);
        String text = result.path("text").asString("").trim();
        List<Word> words = new ArrayList<>();
        for (JsonNode word : result.path("result")) {
            words.add(new Word(word.path("word").asString(""),
                    offsetMs + channelMs(word.path("start").asDouble()),
                    offsetMs + channelMs(word.path("end").asDouble()),
                    Math.max(0.0, Math.min(1.0, word.path("conf").asDouble()))));
        }
        if (text.isEmpty() || words.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new TranscriptSegment(SegmentIds.of(identity.callId(), identity.channel(), startSample),
                identity.callId(), identity.tenant(), identity.channel(), identity.channelRole(),
                words.get(0).startMs(), words.get(words.size() - 1).endMs(), text, words, identity.language(),
                closingChunkIngestedAt, System.currentTimeMillis()));
    }

    /** A Vosk time (seconds since the native recognizer's first sample) as ms since this channel's first sample. */
    private long channelMs(double voskSeconds) {
        return Math.round(voskSeconds * 1000 - samplesBefore * 1000.0 / sampleRate);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (successor != null) {
            successor.thenAccept(pool::free); // not swapped in before the call ended
        }
        if (failed) {
            pool.free(recognizer);
            return;
        }
        try {
            if (!finalized && samplesFed > samplesBefore) {
                // only a final result makes Vosk start the next audio afresh: no speaker adaptation crosses calls
                recognizer.acceptWaveForm(FINALIZING_SILENCE, FINALIZING_SILENCE.length);
                samplesFed += FINALIZING_SILENCE.length / 2;
                recognizer.getFinalResult();
            }
        } catch (RuntimeException e) {
            pool.free(recognizer);
            return;
        }
        pool.giveBack(model, recognizer, samplesFed, sampleRate);
    }
}
