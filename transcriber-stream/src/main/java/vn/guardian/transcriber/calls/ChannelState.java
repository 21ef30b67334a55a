package vn.guardian.transcriber.calls;

import vn.guardian.transcriber.recognition.ChannelRecognizer;

/** One channel of a live call: its recognizer, the next chunk it expects, and where its open utterance began. */
final class ChannelState implements AutoCloseable {

    final ChannelRecognizer recognizer;
    /** seq of the next chunk to feed. */
    long nextSeq;
    /** After a recovery: chunks below this seq were already transcribed before the takeover and are skipped. */
    final long resumeSeq;
    /** Kafka offset and seq of the first chunk of the open utterance; -1 while none is open. */
    long utteranceStartOffset = -1;
    long utteranceStartSeq = -1;
    /** Throttling of partial results: when the last one went out, and what it said. */
    long lastPartialNanos;
    String lastPartialText = "";

    ChannelState(ChannelRecognizer recognizer, long resumeSeq) {
        this.recognizer = recognizer;
        this.nextSeq = resumeSeq;
        this.resumeSeq = resumeSeq;
    }

    /** Where a replacement replica resumes this channel: its open utterance's first chunk, else the next chunk. */
    long resumeSeqForCommit() {
        return utteranceStartSeq >= 0 ? utteranceStartSeq : nextSeq;
    }

    @Override
    public void close() {
        recognizer.close();
    }
}
