package vn.guardian.transcriber.calls;

import vn.guardian.contracts.audio.ModelFormat;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.vosk.Model;
import vn.guardian.contracts.audio.AudioChunk;
import vn.guardian.contracts.audio.CallEnded;
import vn.guardian.contracts.audio.CallStarted;
import vn.guardian.contracts.transcript.PartialTranscript;
import vn.guardian.contracts.transcript.TranscriptSegment;
import vn.guardian.transcriber.calls.Outcome.Rejection;
import vn.guardian.transcriber.recognition.ChannelRecognizer;
import vn.guardian.voskmodels.VoskModels;
import vn.guardian.transcriber.recognition.RecognizerPool;

/**
 * The live calls of one audio-topic partition, owned by the worker the partition is assigned to.
 * Owns every recognizer of those calls; {@link #close()} frees them all without emitting anything.
 *
 * <p>Crash safety: {@link #commitOffset} is the offset of the first chunk of the oldest open utterance, and
 * {@link #commitMetadata} names, for every call whose CallStarted lies before it, that record's offset, the seq
 * each channel resumes at and the call's tally so far (segments, audio time, DLQ records), plus the position the
 * owner had handled. A replica taking the partition over re-reads those CallStarted records ({@link #recover}),
 * skips chunks that were transcribed before the takeover, and publishes no DLQ record or CallClosed again for
 * records below that position ({@link #replayed}): the previous owner's transaction already did.
 *
 * <p>Call lifecycle: {@link #onCallEnded} flushes the call's last utterances and returns its CallClosed, which the
 * worker publishes after them in the same transaction, so a call closes after its last segment by construction.
 */
public final class PartitionCalls implements AutoCloseable {

    private static final String METADATA_VERSION = "v2|";
    private static final String METADATA_V1 = "v1|";
    /** Kafka's default offset.metadata.max.bytes is 4096; stay clear of it. */
    private static final int METADATA_LIMIT = 4000;

    /** Refused and closed calls remembered (later chunks get the same reason); bounded, since some never end. */
    private static final int REMEMBERED_REJECTIONS = 10_000;

    private final VoskModels models;
    private final RecognizerPool recognizers;
    private final long partialIntervalNanos;
    private final Map<String, OpenCall> calls = new HashMap<>();
    /** Calls that no longer decode (refused, idle-expired, failed) but have not ended: what their chunks get. */
    private final Map<String, RefusedCall> rejectedCalls = bounded();
    /** Calls whose CallClosed went out: a repeated CallEnded closes nothing twice. */
    private final Set<String> closedCalls = Collections.newSetFromMap(bounded());
    /** Records below this offset were handled, and their DLQ records and CallClosed published, by the previous owner. */
    private long replayedUntil = -1;

    private static <V> Map<String, V> bounded() {
        return new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > REMEMBERED_REJECTIONS;
            }
        };
    }

    private record RefusedCall(Rejection rejection, CallTally tally) {
    }

    private static final class OpenCall {
        final CallStarted started;
        final long startedOffset;
        final List<ChannelState> channels;
        final CallTally tally;
        /** For the idle timeout: when a record of this call was last handled, and the latest chunk's ingest time. */
        long lastActivityNanos = System.nanoTime();
        long lastIngestedAt;

        OpenCall(CallStarted started, long startedOffset, List<ChannelState> channels, CallTally tally) {
            this.started = started;
            this.startedOffset = startedOffset;
            this.channels = channels;
            this.tally = tally;
        }

        /** The tally with each channel's segment count; call once no lane of the call is decoding. */
        CallTally tally() {
            for (int i = 0; i < channels.size(); i++) {
                tally.segments[i] = channels.get(i).segments;
            }
            return tally;
        }
    }

    /**
     * A call to rebuild after a takeover: where its CallStarted is, the seq each channel resumes at, and what the call
     * had published so far (segments per channel, audio time, DLQ records by reason).
     */
    public record RecoveryPoint(long startedOffset, long[] resumeSeqs, long[] segments, long audioMs,
                                Map<String, Long> deadLettered) {
    }

    /** The commit metadata of a partition: the offset its previous owner had handled up to, and its open calls. */
    public record Recovery(long position, List<RecoveryPoint> calls) {
    }

    /**
     * @param partialInterval at most one partial result per call channel per interval; zero turns partials off
     */
    public PartitionCalls(VoskModels models, RecognizerPool recognizers, Duration partialInterval) {
        this.models = models;
        this.recognizers = recognizers;
        this.partialIntervalNanos = partialInterval.toNanos();
    }

    public Outcome onCallStarted(CallStarted started, long offset) {
        if (calls.containsKey(started.callId())) {
            return Outcome.rejected(Rejection.DUPLICATE_CALL, "call " + started.callId()
                    + " is already open; a call id must be unique");
        }
        int channelCount = started.channelRoles().size();
        if (channelCount > recognizers.max()) {
            Rejection rejection = new Rejection(Rejection.OVER_CAPACITY, "call " + started.callId() + " needs "
                    + channelCount + " recognizers but guardian.transcriber.max-recognizers is " + recognizers.max()
                    + "; raise it");
            refuse(started, rejection);
            return Outcome.rejected(rejection);
        }
        Rejection rejection = open(started, offset, null, -1);
        if (rejection == NO_ROOM) {
            return Outcome.WAIT_FOR_CAPACITY; // the worker pauses the partition until recognizers free up
        }
        if (rejection != null) {
            refuse(started, rejection);
            return Outcome.rejected(rejection);
        }
        return Outcome.NOTHING;
    }

    private void refuse(CallStarted started, Rejection rejection) {
        rejectedCalls.put(started.callId(), new RefusedCall(rejection,
                new CallTally(started.callId(), started.tenant(), started.channelRoles().size(), -1)));
    }

    /**
     * After a takeover, before any record is handled: records below {@code position} were handled by the previous
     * owner, whose committed transactions hold their DLQ records and CallClosed events.
     */
    public void replayUntil(long position) {
        replayedUntil = position;
    }

    /** Whether the record at {@code offset} was handled, and its DLQ record or CallClosed published, before a takeover. */
    public boolean replayed(long offset) {
        return offset < replayedUntil;
    }

    /** Rebuilds a call that a previous owner of the partition had open, from the commit metadata. */
    public void recover(CallStarted started, RecoveryPoint point) {
        if (!calls.containsKey(started.callId())) {
            Rejection rejection = open(started, point.startedOffset(), point, replayedUntil);
            if (rejection == NO_ROOM) {
                // a takeover has no record to wait on: this call's chunks go to the DLQ
                rejection = new Rejection(Rejection.OVER_CAPACITY, "call " + started.callId() + " needs "
                        + started.channelRoles().size() + " recognizers but this replica holds " + recognizers.active()
                        + " at a takeover; raise guardian.transcriber.max-recognizers or add replicas");
            }
            if (rejection != null) {
                refuse(started, rejection);
            }
        }
    }

    /** Counts a record of {@code callId} that went to the DLQ, for the call's CallClosed. */
    public void deadLettered(String callId, String reason, long offset) {
        OpenCall call = callId == null ? null : calls.get(callId);
        if (call != null) {
            call.tally.deadLettered(reason, offset);
            return;
        }
        RefusedCall refused = callId == null ? null : rejectedCalls.get(callId);
        if (refused != null) {
            refused.tally().deadLettered(reason, offset);
        }
    }

    /** {@link #open}'s answer when the replica has no recognizers free right now. */
    private static final Rejection NO_ROOM = new Rejection(Rejection.OVER_CAPACITY, "no recognizers free");

    private Rejection open(CallStarted started, long offset, RecoveryPoint restored, long countedFrom) {
        Optional<Model> model = models.forLanguage(started.language());
        if (model.isEmpty()) {
            return new Rejection(Rejection.NO_MODEL, "call " + started.callId() + " is in language '"
                    + started.language() + "' but models exist only for " + models.languages()
                    + "; configure guardian.transcriber.models." + started.language());
        }
        int channelCount = started.channelRoles().size();
        if (!recognizers.tryAcquire(channelCount)) {
            return NO_ROOM;
        }
        List<ChannelState> channels = new ArrayList<>(channelCount);
        try {
            for (int channel = 0; channel < channelCount; channel++) {
                ChannelRecognizer recognizer = recognizers.open(model.get(), ModelFormat.SAMPLE_RATE,
                        new ChannelRecognizer.Identity(started.callId(), started.tenant(), channel,
                                started.channelRoles().get(channel), started.language()));
                channels.add(new ChannelState(recognizer,
                        restored != null && channel < restored.resumeSeqs().length ? restored.resumeSeqs()[channel] : 0,
                        restored != null && channel < restored.segments().length ? restored.segments()[channel] : 0));
            }
        } catch (IOException | RuntimeException e) {
            channels.forEach(ChannelState::close);
            recognizers.release(channelCount);
            throw new IllegalStateException("Vosk could not create a recognizer for call " + started.callId(), e);
        }
        CallTally tally = new CallTally(started.callId(), started.tenant(), channelCount, countedFrom);
        if (restored != null) {
            tally.heard(restored.audioMs());
            tally.deadLettered.putAll(restored.deadLettered());
        }
        calls.put(started.callId(), new OpenCall(started, offset, channels, tally));
        return null;
    }

    /** Feeds a chunk on this thread and settles: {@link #onChunk(AudioChunk, long, Executor)} without a pool. */
    public Outcome onChunk(AudioChunk chunk, long offset) {
        Outcome outcome = onChunk(chunk, offset, Runnable::run).join();
        published(chunk, outcome);
        settle();
        return outcome;
    }

    /**
     * Checks a chunk against its call here, on the partition's worker thread, and decodes it on {@code decoders}
     * once the channel's previous chunk is decoded: channels decode in parallel, each in order. The future never
     * fails. Call {@link #settle} after every returned future is done and before any other method.
     */
    public CompletableFuture<Outcome> onChunk(AudioChunk chunk, long offset, Executor decoders) {
        OpenCall call = calls.get(chunk.callId());
        if (call == null) {
            RefusedCall rejected = rejectedCalls.get(chunk.callId());
            return done(rejected != null ? Outcome.rejected(rejected.rejection())
                    : Outcome.rejected(Rejection.UNKNOWN_CALL, "no CallStarted seen for call " + chunk.callId()
                    + " before its chunk seq " + chunk.seq() + " on channel " + chunk.channel()));
        }
        if (chunk.channel() < 0 || chunk.channel() >= call.channels.size()) {
            return done(Outcome.rejected(Rejection.UNKNOWN_CHANNEL, "call " + chunk.callId() + " has "
                    + call.channels.size() + " channels (" + call.started.channelRoles() + "), chunk names channel "
                    + chunk.channel()));
        }
        if (chunk.sampleRate() != ModelFormat.SAMPLE_RATE) {
            return done(Outcome.rejected(Rejection.SAMPLE_RATE, "chunk of call " + chunk.callId() + " is at "
                    + chunk.sampleRate() + " Hz; the models need " + ModelFormat.SAMPLE_RATE + " Hz PCM16 mono"));
        }
        ChannelState channel = call.channels.get(chunk.channel());
        call.tally.heard((chunk.startSample() + chunk.samples()) * 1000 / chunk.sampleRate());
        if (chunk.seq() < channel.resumeSeq) {
            return done(Outcome.NOTHING); // transcribed before a takeover; replayed only because another channel was open
        }
        if (chunk.seq() < channel.nextSeq) {
            // e.g. ingest resending a chunk after a 503 that Kafka had in fact stored: never feed audio twice
            return done(Outcome.rejected(Rejection.SEQ_REPEATED, "call " + chunk.callId() + " channel "
                    + chunk.channel() + " already had seq " + chunk.seq() + " (next expected " + channel.nextSeq
                    + "); the repeated or backwards chunk was not transcribed again"));
        }
        if (chunk.seq() != channel.nextSeq) {
            return done(Outcome.rejected(Rejection.SEQ_GAP, "call " + chunk.callId() + " channel " + chunk.channel()
                    + " expected seq " + channel.nextSeq + " but got " + chunk.seq()));
        }
        channel.nextSeq++;
        call.lastActivityNanos = System.nanoTime();
        call.lastIngestedAt = chunk.ingestedAt();
        CompletableFuture<Outcome> decoded = channel.lane.handleAsync(
                (previous, error) -> decode(channel, chunk, offset), decoders);
        channel.lane = decoded;
        return decoded;
    }

    private static CompletableFuture<Outcome> done(Outcome outcome) {
        return CompletableFuture.completedFuture(outcome);
    }

    /** Runs on a decoder thread, one chunk of a channel at a time. */
    private Outcome decode(ChannelState channel, AudioChunk chunk, long offset) {
        if (channel.failure != null) {
            return Outcome.rejected(channel.failure);
        }
        if (!channel.recognizer.utteranceOpen()) {
            channel.utteranceStartOffset = offset;
            channel.utteranceStartSeq = chunk.seq();
        }
        long start = System.nanoTime();
        Optional<TranscriptSegment> segment;
        try {
            segment = channel.recognizer.accept(chunk);
        } catch (RuntimeException e) {
            // this call's recognizer is unusable; settle() frees the call so the others keep flowing
            channel.failure = new Rejection(Rejection.RECOGNIZER_FAILED, "Vosk failed on call " + chunk.callId()
                    + " channel " + chunk.channel() + " seq " + chunk.seq() + " (" + e + "); the call was closed and"
                    + " its later chunks go to the DLQ too; replay it from the DLQ once the cause is fixed");
            return Outcome.rejected(channel.failure);
        }
        long decodeNanos = System.nanoTime() - start;
        if (!channel.recognizer.utteranceOpen()) {
            channel.utteranceStartOffset = -1;
            channel.utteranceStartSeq = -1;
        }
        if (segment.isPresent()) {
            channel.segments++;
            return new Outcome(List.of(segment.get()), List.of(), null, decodeNanos, false, null,
                    channel.progress(chunk.seq()));
        }
        return new Outcome(List.of(), partial(channel, chunk.ingestedAt()), null, decodeNanos, false, null,
                channel.progress(chunk.seq()));
    }

    /**
     * The worker published {@code outcome}, what decoding {@code chunk} produced: later commits may promise a
     * takeover that channel's progress. Chunks decoded but not yet published stay above the commit.
     */
    public void published(AudioChunk chunk, Outcome outcome) {
        OpenCall call = outcome.progress() == null ? null : calls.get(chunk.callId());
        if (call != null) {
            call.channels.get(chunk.channel()).published = outcome.progress();
        }
    }

    /** Closes the calls whose recognizer failed while decoding; their later chunks go to the DLQ with the reason. */
    public void settle() {
        for (Iterator<OpenCall> it = calls.values().iterator(); it.hasNext(); ) {
            OpenCall call = it.next();
            for (ChannelState channel : call.channels) {
                if (channel.failure != null) {
                    it.remove();
                    release(call);
                    rejectedCalls.put(call.started.callId(), new RefusedCall(channel.failure, call.tally()));
                    break;
                }
            }
        }
    }

    /** The channel's hypothesis, at most once per partial interval and only when it changed. */
    private List<PartialTranscript> partial(ChannelState channel, long ingestedAt) {
        long now = System.nanoTime();
        if (partialIntervalNanos <= 0 || now - channel.lastPartialNanos < partialIntervalNanos) {
            return List.of();
        }
        Optional<PartialTranscript> partial = channel.recognizer.partial(ingestedAt);
        if (partial.isEmpty() || partial.get().text().equals(channel.lastPartialText)) {
            return List.of();
        }
        channel.lastPartialNanos = now;
        channel.lastPartialText = partial.get().text();
        return List.of(partial.get());
    }

    /**
     * Closes the calls that sent nothing for {@code idleTimeout}, so a feed that never ends a call cannot hold
     * recognizers forever. Their open utterances are flushed as segments; their later chunks go to the DLQ. Calls in
     * {@code unpublished}, with chunks the worker has not published yet, are left alone whatever their age.
     */
    public Outcome expireIdle(long nowNanos, Duration idleTimeout, Set<String> unpublished) {
        List<TranscriptSegment> segments = new ArrayList<>();
        for (Iterator<OpenCall> it = calls.values().iterator(); it.hasNext(); ) {
            OpenCall call = it.next();
            if (nowNanos - call.lastActivityNanos < idleTimeout.toNanos()
                    || unpublished.contains(call.started.callId())) {
                continue;
            }
            it.remove();
            try {
                finish(call, call.lastIngestedAt, segments);
            } finally {
                release(call);
            }
            rejectedCalls.put(call.started.callId(), new RefusedCall(new Rejection(Rejection.IDLE_EXPIRED, "call "
                    + call.started.callId() + " sent nothing for " + idleTimeout + " and was closed; raise "
                    + "guardian.transcriber.recognizer-idle-timeout if feeds pause that long"), call.tally()));
        }
        return Outcome.segments(segments);
    }

    /** Flushes every channel's open utterance into {@code segments}, counting them. */
    private static void finish(OpenCall call, long ingestedAt, List<TranscriptSegment> segments) {
        for (ChannelState channel : call.channels) {
            Optional<TranscriptSegment> last = channel.recognizer.finish(ingestedAt);
            if (last.isPresent()) {
                segments.add(last.get());
                channel.segments++;
            }
        }
    }

    /**
     * The call's last utterances and its CallClosed, to be published in this order in one transaction. A call that
     * was refused or expired closes with what it had; a repeated CallEnded closes nothing.
     */
    public Outcome onCallEnded(CallEnded ended) {
        OpenCall call = calls.remove(ended.callId());
        RefusedCall refused = rejectedCalls.remove(ended.callId());
        List<TranscriptSegment> segments = new ArrayList<>();
        CallTally tally;
        if (call != null) {
            try {
                finish(call, ended.endedAt(), segments);
            } finally {
                release(call);
            }
            tally = call.tally();
        } else if (refused != null) {
            tally = refused.tally();
        } else if (closedCalls.contains(ended.callId())) {
            return Outcome.NOTHING;
        } else {
            // ended before this replica saw it open (e.g. its CallStarted could not be re-read): close it empty
            tally = new CallTally(ended.callId(), ended.tenant(), 0, -1);
        }
        closedCalls.add(ended.callId());
        return new Outcome(segments, List.of(), null, 0, false, tally.closed(ended, System.currentTimeMillis()), null);
    }

    /**
     * The offset to commit once everything before {@code nextOffset} is published: the oldest open utterance's
     * start, as of the chunks published so far.
     */
    public long commitOffset(long nextOffset) {
        long commit = nextOffset;
        for (OpenCall call : calls.values()) {
            for (ChannelState channel : call.channels) {
                if (channel.published.utteranceStartOffset() >= 0) {
                    commit = Math.min(commit, channel.published.utteranceStartOffset());
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

    /**
     * The commit metadata that goes with {@link #commitOffset}: what a takeover needs to rebuild open calls, and
     * {@code position}, the offset after the last record handled, below which nothing is published twice.
     */
    public String commitMetadata(long commitOffset, long position) {
        return metadata(commitOffset, position);
    }

    private String metadata(long commitOffset) {
        return metadata(commitOffset, commitOffset);
    }

    /** {@code v2|position|startedOffset:resumeSeqs:segments:audioMs:reason=n,...;...} */
    private String metadata(long commitOffset, long position) {
        StringBuilder text = new StringBuilder(METADATA_VERSION).append(position).append('|');
        for (OpenCall call : calls.values()) {
            if (call.startedOffset >= commitOffset) {
                continue; // the takeover re-reads this CallStarted anyway
            }
            text.append(call.startedOffset).append(':');
            for (int i = 0; i < call.channels.size(); i++) {
                text.append(i == 0 ? "" : ",").append(call.channels.get(i).published.resumeSeq());
            }
            text.append(':');
            for (int i = 0; i < call.channels.size(); i++) {
                text.append(i == 0 ? "" : ",").append(call.channels.get(i).published.segments());
            }
            text.append(':').append(call.tally.audioMs).append(':');
            String separator = "";
            for (Map.Entry<String, Long> dead : call.tally.deadLettered.entrySet()) {
                text.append(separator).append(dead.getKey()).append('=').append(dead.getValue());
                separator = ",";
            }
            text.append(';');
        }
        return text.toString();
    }

    /** Parses {@link #commitMetadata} (and the older v1 form); unknown or empty metadata means nothing to recover. */
    public static Recovery parseMetadata(String metadata) {
        List<RecoveryPoint> points = new ArrayList<>();
        if (metadata == null) {
            return new Recovery(-1, points);
        }
        long position = -1;
        String body;
        if (metadata.startsWith(METADATA_VERSION)) {
            String rest = metadata.substring(METADATA_VERSION.length());
            int bar = rest.indexOf('|');
            position = Long.parseLong(rest.substring(0, bar));
            body = rest.substring(bar + 1);
        } else if (metadata.startsWith(METADATA_V1)) {
            body = metadata.substring(METADATA_V1.length()); // before CallClosed: no tallies, no position
        } else {
            return new Recovery(-1, points);
        }
        for (String call : body.split(";")) {
            if (call.isEmpty()) {
                continue;
            }
            String[] parts = call.split(":", -1);
            long[] resume = numbers(parts[1]);
            long[] segments = parts.length > 2 ? numbers(parts[2]) : new long[resume.length];
            long audioMs = parts.length > 3 ? Long.parseLong(parts[3]) : 0;
            Map<String, Long> dead = new java.util.TreeMap<>();
            if (parts.length > 4 && !parts[4].isEmpty()) {
                for (String pair : parts[4].split(",")) {
                    String[] reasonCount = pair.split("=", 2);
                    dead.put(reasonCount[0], Long.parseLong(reasonCount[1]));
                }
            }
            points.add(new RecoveryPoint(Long.parseLong(parts[0]), resume, segments, audioMs, dead));
        }
        return new Recovery(position, points);
    }

    private static long[] numbers(String list) {
        String[] items = list.isEmpty() ? new String[0] : list.split(",");
        long[] values = new long[items.length];
        for (int i = 0; i < items.length; i++) {
            values[i] = Long.parseLong(items[i]);
        }
        return values;
    }

    /** The recognizer of one open call channel; tests break it to stand in for a native failure. */
    ChannelRecognizer recognizer(String callId, int channel) {
        return calls.get(callId).channels.get(channel).recognizer;
    }

    /** Calls currently open. */
    public int openCalls() {
        return calls.size();
    }

    private void release(OpenCall call) {
        call.channels.forEach(ChannelState::close);
        recognizers.release(call.channels.size());
    }

    /** Frees every recognizer without emitting: the partition moved away, or the worker stops. */
    @Override
    public void close() {
        for (Iterator<OpenCall> it = calls.values().iterator(); it.hasNext(); ) {
            release(it.next());
            it.remove();
        }
        rejectedCalls.clear();
        closedCalls.clear();
    }
}
