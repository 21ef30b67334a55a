package vn.guardian.transcriber.calls;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.vosk.Model;
import vn.guardian.contracts.audio.AudioChunk;
import vn.guardian.contracts.audio.CallEnded;
import vn.guardian.contracts.audio.CallStarted;
import vn.guardian.contracts.transcript.TranscriptSegment;
import vn.guardian.transcriber.calls.Outcome.Rejection;
import vn.guardian.transcriber.recognition.ChannelRecognizer;
import vn.guardian.transcriber.recognition.Models;

/**
 * The live calls of one audio-topic partition, owned by the worker the partition is assigned to.
 * Owns every recognizer of those calls; {@link #close()} frees them all without emitting anything.
 *
 * <p>Crash safety: {@link #commitOffset} is the offset of the first chunk of the oldest open utterance, and
 * {@link #commitMetadata} names, for every call whose CallStarted lies before it, that record's offset and the
 * seq each channel resumes at. A replica taking the partition over re-reads those CallStarted records
 * ({@link #recover}) and skips chunks that were transcribed before the takeover.
 */
public final class PartitionCalls implements AutoCloseable {

    private static final String METADATA_VERSION = "v1|";
    /** Kafka's default offset.metadata.max.bytes is 4096; stay clear of it. */
    private static final int METADATA_LIMIT = 4000;

    private final Models models;
    private final RecognizerBudget budget;
    private final Map<String, OpenCall> calls = new HashMap<>();
    private final Map<String, Rejection> rejectedCalls = new HashMap<>();

    private static final class OpenCall {
        final CallStarted started;
        final long startedOffset;
        final List<ChannelState> channels;

        OpenCall(CallStarted started, long startedOffset, List<ChannelState> channels) {
            this.started = started;
            this.startedOffset = startedOffset;
            this.channels = channels;
        }
    }

    /** A call to rebuild after a takeover: where its CallStarted is, and the seq each channel resumes at. */
    public record RecoveryPoint(long startedOffset, long[] resumeSeqs) {
    }

    public PartitionCalls(Models models, RecognizerBudget budget) {
        this.models = models;
        this.budget = budget;
    }

    public Outcome onCallStarted(CallStarted started, long offset) {
        if (calls.containsKey(started.callId())) {
            return Outcome.rejected(Rejection.DUPLICATE_CALL, "call " + started.callId()
                    + " is already open; a call id must be unique");
        }
        long[] fromStart = new long[started.channelRoles().size()];
        Rejection rejection = open(started, offset, fromStart);
        if (rejection != null) {
            rejectedCalls.put(started.callId(), rejection);
            return new Outcome(List.of(), rejection, false);
        }
        return Outcome.NOTHING;
    }

    /** Rebuilds a call that a previous owner of the partition had open, from the commit metadata. */
    public void recover(CallStarted started, RecoveryPoint point) {
        if (!calls.containsKey(started.callId())) {
            Rejection rejection = open(started, point.startedOffset(), point.resumeSeqs());
            if (rejection != null) {
                rejectedCalls.put(started.callId(), rejection);
            }
        }
    }

    private Rejection open(CallStarted started, long offset, long[] resumeSeqs) {
        Optional<Model> model = models.forLanguage(started.language());
        if (model.isEmpty()) {
            return new Rejection(Rejection.NO_MODEL, "call " + started.callId() + " is in language '"
                    + started.language() + "' but models exist only for " + models.languages()
                    + "; configure guardian.transcriber.models." + started.language());
        }
        int channelCount = started.channelRoles().size();
        if (!budget.tryAcquire(channelCount)) {
            return new Rejection(Rejection.OVER_CAPACITY, "call " + started.callId() + " needs " + channelCount
                    + " recognizers but this replica holds " + budget.active()
                    + "; raise guardian.transcriber.max-recognizers or add replicas");
        }
        List<ChannelState> channels = new ArrayList<>(channelCount);
        try {
            for (int channel = 0; channel < channelCount; channel++) {
                ChannelRecognizer recognizer = new ChannelRecognizer(model.get(), models.sampleRate(),
                        new ChannelRecognizer.Identity(started.callId(), started.tenant(), channel,
                                started.channelRoles().get(channel), started.language()));
                channels.add(new ChannelState(recognizer,
                        channel < resumeSeqs.length ? resumeSeqs[channel] : 0));
            }
        } catch (IOException | RuntimeException e) {
            channels.forEach(ChannelState::close);
            budget.release(channelCount);
            throw new IllegalStateException("Vosk could not create a recognizer for call " + started.callId(), e);
        }
        calls.put(started.callId(), new OpenCall(started, offset, channels));
        return null;
    }

    public Outcome onChunk(AudioChunk chunk, long offset) {
        OpenCall call = calls.get(chunk.callId());
        if (call == null) {
            Rejection rejected = rejectedCalls.get(chunk.callId());
            return rejected != null ? new Outcome(List.of(), rejected, false)
                    : Outcome.rejected(Rejection.UNKNOWN_CALL, "no CallStarted seen for call " + chunk.callId()
                    + " before its chunk seq " + chunk.seq() + " on channel " + chunk.channel());
        }
        if (chunk.channel() < 0 || chunk.channel() >= call.channels.size()) {
            return Outcome.rejected(Rejection.UNKNOWN_CHANNEL, "call " + chunk.callId() + " has "
                    + call.channels.size() + " channels (" + call.started.channelRoles() + "), chunk names channel "
                    + chunk.channel());
        }
        if (chunk.sampleRate() != models.sampleRate()) {
            return Outcome.rejected(Rejection.SAMPLE_RATE, "chunk of call " + chunk.callId() + " is at "
                    + chunk.sampleRate() + " Hz; the models need " + models.sampleRate() + " Hz PCM16 mono");
        }
        ChannelState channel = call.channels.get(chunk.channel());
        if (chunk.seq() < channel.resumeSeq) {
            return Outcome.NOTHING; // transcribed before a takeover; replayed only because another channel was open
        }
        if (chunk.seq() != channel.nextSeq) {
            return Outcome.rejected(Rejection.SEQ_GAP, "call " + chunk.callId() + " channel " + chunk.channel()
                    + " expected seq " + channel.nextSeq + " but got " + chunk.seq());
        }
        if (!channel.recognizer.utteranceOpen()) {
            channel.utteranceStartOffset = offset;
            channel.utteranceStartSeq = chunk.seq();
        }
        channel.nextSeq++;
        Optional<TranscriptSegment> segment = channel.recognizer.accept(chunk);
        if (!channel.recognizer.utteranceOpen()) {
            channel.utteranceStartOffset = -1;
            channel.utteranceStartSeq = -1;
        }
        return new Outcome(segment.map(List::of).orElse(List.of()), null, true);
    }

    public Outcome onCallEnded(CallEnded ended) {
        rejectedCalls.remove(ended.callId());
        OpenCall call = calls.remove(ended.callId());
        if (call == null) {
            return Outcome.NOTHING; // a rejected call, or one ended before this replica saw it: nothing to flush
        }
        List<TranscriptSegment> segments = new ArrayList<>();
        try {
            for (ChannelState channel : call.channels) {
                channel.recognizer.finish(ended.endedAt()).ifPresent(segments::add);
            }
        } finally {
            release(call);
        }
        return new Outcome(segments, null, false);
    }

    /** The offset to commit after handling everything before {@code nextOffset}: the oldest open utterance's start. */
    public long commitOffset(long nextOffset) {
        long commit = nextOffset;
        for (OpenCall call : calls.values()) {
            for (ChannelState channel : call.channels) {
                if (channel.utteranceStartOffset >= 0) {
                    commit = Math.min(commit, channel.utteranceStartOffset);
                }
            }
        }
        if (metadata(commit).length() > METADATA_LIMIT) {
            // too many open calls to describe: replay them whole from their CallStarted instead
            for (OpenCall call : calls.values()) {
                commit = Math.min(commit, call.startedOffset);
            }
        }
        return commit;
    }

    /** The commit metadata that goes with {@link #commitOffset}: what a takeover needs to rebuild open calls. */
    public String commitMetadata(long commitOffset) {
        return metadata(commitOffset);
    }

    private String metadata(long commitOffset) {
        StringBuilder text = new StringBuilder(METADATA_VERSION);
        for (OpenCall call : calls.values()) {
            if (call.startedOffset >= commitOffset) {
                continue; // the takeover re-reads this CallStarted anyway
            }
            text.append(call.startedOffset).append(':');
            for (int i = 0; i < call.channels.size(); i++) {
                text.append(i == 0 ? "" : ",").append(call.channels.get(i).resumeSeqForCommit());
            }
            text.append(';');
        }
        return text.toString();
    }

    /** Parses {@link #commitMetadata}; unknown or empty metadata means nothing to recover. */
    public static List<RecoveryPoint> parseMetadata(String metadata) {
        List<RecoveryPoint> points = new ArrayList<>();
        if (metadata == null || !metadata.startsWith(METADATA_VERSION)) {
            return points;
        }
        for (String call : metadata.substring(METADATA_VERSION.length()).split(";")) {
            if (call.isEmpty()) {
                continue;
            }
            String[] parts = call.split(":", 2);
            String[] seqs = parts[1].isEmpty() ? new String[0] : parts[1].split(",");
            long[] resume = new long[seqs.length];
            for (int i = 0; i < seqs.length; i++) {
                resume[i] = Long.parseLong(seqs[i]);
            }
            points.add(new RecoveryPoint(Long.parseLong(parts[0]), resume));
        }
        return points;
    }

    /** Calls currently open. */
    public int openCalls() {
        return calls.size();
    }

    private void release(OpenCall call) {
        call.channels.forEach(ChannelState::close);
        budget.release(call.channels.size());
    }

    /** Frees every recognizer without emitting: the partition moved away, or the worker stops. */
    @Override
    public void close() {
        for (Iterator<OpenCall> it = calls.values().iterator(); it.hasNext(); ) {
            release(it.next());
            it.remove();
        }
        rejectedCalls.clear();
    }
}
