package vn.guardian.transcriber.calls;

import java.util.concurrent.CompletableFuture;
import vn.guardian.transcriber.recognition.ChannelRecognizer;

/**
 * One channel of a live call: its recognizer, the next chunk it expects, and where its open utterance began.
 * The utterance and partial fields are written by the decoder thread of the channel's lane and read by the worker
 * only after that lane's futures are done; {@link #published} is the worker's copy of them for commits, which may
 * come while the lane still decodes.
 */
final class ChannelState implements AutoCloseable {

    final ChannelRecognizer recognizer;
    /** seq of the next chunk to feed. */
    long nextSeq;
    /** After a recovery: chunks below this seq were already transcribed before the takeover and are skipped. */
    final long resumeSeq;
    /** Kafka offset and seq of the first chunk of the open utterance; -1 while none is open. */
    long utteranceStartOffset = -1;
    long utteranceStartSeq = -1;
    /** The decode of this channel's latest chunk: the next one runs after it. Read and set by the worker only. */
    CompletableFuture<Outcome> lane = CompletableFuture.completedFuture(Outcome.NOTHING);
    /** Set on a decoder thread when Vosk failed; the call is closed at the next settle. */
    Outcome.Rejection failure;
    /** Segments this channel published; counted on the lane's decoder thread, like the utterance fields. */
    long segments;
    /** The channel as of its last published chunk: what a commit describes. Read and set by the worker only. */
    Outcome.Progress published;
    /** Throttling of partial results: when the last one went out, and what it said. */
    long lastPartialNanos;
    String lastPartialText = "";

    ChannelState(ChannelRecognizer recognizer, long resumeSeq, long segments) {
        this.recognizer = recognizer;
        this.nextSeq = resumeSeq;
        this.resumeSeq = resumeSeq;
        this.segments = segments;
        this.published = new Outcome.Progress(resumeSeq, -1, -1, segments);
    }

    /** Where the channel stands after the chunk just decoded; runs on the lane's decoder thread. */
    Outcome.Progress progress(long chunkSeq) {
        return new Outcome.Progress(chunkSeq + 1, utteranceStartOffset, utteranceStartSeq, segments);
    }

    @Override
    public void close() {
        recognizer.close();
    }
}
