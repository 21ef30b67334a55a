package vn.guardian.ingest.audio;

import java.util.ArrayList;
import java.util.List;
import vn.guardian.contracts.audio.AudioChunk;

/**
 * One call's audio path from the feed's format to the model's: decode (PCM / G.711), split channels, resample
 * each channel with its own filter state, cut into chunks. Recordings push once and flush; live calls push every
 * client chunk, so chunk boundaries leave no trace in the audio. Not thread-safe; {@link #copy()} lets a caller
 * commit a step only once its chunks are safely published.
 */
public final class CallNormalizer {

    private final AudioFormat format;
    private final int modelRate;
    private final int chunkSamples;
    private final List<Resampler.Stream> resamplers;
    private final List<Chunker> chunkers;
    private long framesIn;

    public CallNormalizer(String callId, AudioFormat format, int modelRate, int chunkSamples) {
        this.format = format;
        this.modelRate = modelRate;
        this.chunkSamples = chunkSamples;
        Resampler resampler = Resamplers.of(format.sampleRate(), modelRate);
        this.resamplers = new ArrayList<>();
        this.chunkers = new ArrayList<>();
        for (int channel = 0; channel < format.channels(); channel++) {
            resamplers.add(resampler.stream());
            chunkers.add(new Chunker(callId, channel, modelRate, chunkSamples));
        }
    }

    private CallNormalizer(CallNormalizer other) {
        this.format = other.format;
        this.modelRate = other.modelRate;
        this.chunkSamples = other.chunkSamples;
        this.resamplers = new ArrayList<>(other.resamplers.stream().map(Resampler.Stream::copy).toList());
        this.chunkers = new ArrayList<>(other.chunkers.stream().map(Chunker::copy).toList());
        this.framesIn = other.framesIn;
    }

    public CallNormalizer copy() {
        return new CallNormalizer(this);
    }

    /**
     * Where a call's normalization stands, so another ingest replica can continue it: the chunks it then produces
     * are byte for byte, seq for seq, the ones this normalizer would have produced. Samples travel as PCM16LE.
     *
     * @param modelRate    the output rate
     * @param chunkSamples samples per chunk (the snapshot's, not the restoring replica's setting, wins)
     * @param framesIn     client frames received
     * @param channels     one entry per channel
     */
    public record Snapshot(int modelRate, int chunkSamples, long framesIn, List<ChannelSnapshot> channels) {
    }

    /**
     * @param filterHistory  input samples the resampling filter still needs
     * @param historyStart   input sample number of the first of them
     * @param inputSamples   input samples received on this channel
     * @param nextOutput     index of the next resampled sample
     * @param pending        resampled samples waiting for a whole chunk
     * @param nextChunkSeq   seq of the channel's next chunk
     * @param nextStartSample start sample of the channel's next chunk
     */
    public record ChannelSnapshot(byte[] filterHistory, long historyStart, long inputSamples, long nextOutput,
                                  byte[] pending, long nextChunkSeq, long nextStartSample) {
    }

    public Snapshot snapshot() {
        List<ChannelSnapshot> channels = new ArrayList<>();
        for (int channel = 0; channel < chunkers.size(); channel++) {
            Resampler.State filter = resamplers.get(channel).state();
            Chunker.State chunks = chunkers.get(channel).state();
            channels.add(new ChannelSnapshot(Pcm16.bytes(filter.history()), filter.historyStart(),
                    filter.inputSamples(), filter.nextOutput(), Pcm16.bytes(chunks.pending()), chunks.nextSeq(),
                    chunks.nextStartSample()));
        }
        return new Snapshot(modelRate, chunkSamples, framesIn, List.copyOf(channels));
    }

    /** The normalizer that {@code snapshot} was taken of, rebuilt for {@code callId} in {@code format}. */
    public static CallNormalizer restore(String callId, AudioFormat format, Snapshot snapshot) {
        if (snapshot.channels().size() != format.channels()) {
            throw new IllegalArgumentException("Call " + callId + ": a snapshot of " + snapshot.channels().size()
                    + " channel(s) cannot continue a " + format.channels() + "-channel call");
        }
        CallNormalizer restored = new CallNormalizer(callId, format, snapshot.modelRate(), snapshot.chunkSamples());
        Resampler resampler = Resamplers.of(format.sampleRate(), snapshot.modelRate());
        for (int channel = 0; channel < format.channels(); channel++) {
            ChannelSnapshot saved = snapshot.channels().get(channel);
            restored.resamplers.set(channel, resampler.restore(new Resampler.State(Pcm16.samples(saved.filterHistory()),
                    saved.historyStart(), saved.inputSamples(), saved.nextOutput())));
            restored.chunkers.set(channel, Chunker.restore(callId, channel, snapshot.modelRate(),
                    snapshot.chunkSamples(), new Chunker.State(Pcm16.samples(saved.pending()), saved.nextChunkSeq(),
                            saved.nextStartSample())));
        }
        restored.framesIn = snapshot.framesIn();
        return restored;
    }

    public AudioFormat format() {
        return format;
    }

    /** Audio time received so far, in milliseconds. */
    public long receivedMs() {
        return framesIn * 1000 / format.sampleRate();
    }

    /** Decodes {@code frames} whole frames at {@code offset} and returns the chunks they complete, in time order. */
    public List<AudioChunk> push(byte[] data, int offset, int frames, long ingestedAt) {
        short[][] channels = format.decode(data, offset, frames);
        framesIn += frames;
        List<List<AudioChunk>> perChannel = new ArrayList<>();
        for (int channel = 0; channel < channels.length; channel++) {
            perChannel.add(chunkers.get(channel).push(resamplers.get(channel).push(channels[channel]), ingestedAt));
        }
        return interleave(perChannel);
    }

    /** Ends the audio: the filters' tails and the last, shorter chunks. */
    public List<AudioChunk> flush(long ingestedAt) {
        List<List<AudioChunk>> perChannel = new ArrayList<>();
        for (int channel = 0; channel < chunkers.size(); channel++) {
            List<AudioChunk> chunks = new ArrayList<>(
                    chunkers.get(channel).push(resamplers.get(channel).flush(), ingestedAt));
            chunks.addAll(chunkers.get(channel).flush(ingestedAt));
            perChannel.add(chunks);
        }
        return interleave(perChannel);
    }

    /** Channel 0's chunk n, channel 1's chunk n, then n+1: consumers see both speakers advance together. */
    private static List<AudioChunk> interleave(List<List<AudioChunk>> perChannel) {
        int longest = perChannel.stream().mapToInt(List::size).max().orElse(0);
        List<AudioChunk> out = new ArrayList<>();
        for (int i = 0; i < longest; i++) {
            for (List<AudioChunk> channel : perChannel) {
                if (i < channel.size()) {
                    out.add(channel.get(i));
                }
            }
        }
        return out;
    }
}
