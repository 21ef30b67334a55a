package vn.guardian.ingest.audio;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import vn.guardian.contracts.audio.AudioChunk;
import vn.guardian.contracts.audio.ModelFormat;
import vn.guardian.contracts.serde.JsonSerde;
import vn.guardian.ingest.Wavs;

/**
 * A live call moving to another ingest replica continues from a snapshot of its normalizer, sent through JSON:
 * the rest of the call must come out exactly as if one normalizer had seen all of it.
 */
class NormalizerSnapshotTest {

    private static final int CHUNK_SAMPLES = 4000;
    private static final JsonSerde<CallNormalizer.Snapshot> SERDE = new JsonSerde<>(CallNormalizer.Snapshot.class);

    @Test
    void pcm16At16kMonoContinuesByteForByteAfterARestore() {
        byte[] audio = Wavs.samplesToBytes(noisySine(440, 16000, 23_456, 1));
        assertRestoredAtEveryCutMatchesUninterrupted(new AudioFormat(AudioFormat.Encoding.PCM_S16LE, 16000, 1), audio);
    }

    @Test
    void muLawStereoAt8kContinuesByteForByteAfterARestore() {
        byte[] audio = Wavs.mulawBytes(noisySine(440, 8000, 13_001, 2), noisySine(1000, 8000, 13_001, 3));
        assertRestoredAtEveryCutMatchesUninterrupted(new AudioFormat(AudioFormat.Encoding.MULAW, 8000, 2), audio);
    }

    @Test
    void aLawStereoAt8kContinuesByteForByteAfterARestore() {
        // every byte is an A-law code: random codes are a loud, broadband signal that exercises the whole filter
        byte[] audio = new byte[2 * 12_347];
        new Random(4).nextBytes(audio);
        assertRestoredAtEveryCutMatchesUninterrupted(new AudioFormat(AudioFormat.Encoding.ALAW, 8000, 2), audio);
    }

    @Test
    void aRestoredNormalizerKeepsTheSnapshotsChunkSizeOverItsOwnSetting() {
        AudioFormat format = new AudioFormat(AudioFormat.Encoding.PCM_S16LE, 16000, 1);
        CallNormalizer original = new CallNormalizer("call-1", format, ModelFormat.SAMPLE_RATE, 1000);
        original.push(Wavs.samplesToBytes(noisySine(300, 16000, 500, 5)), 0, 500, 1L);

        CallNormalizer restored = CallNormalizer.restore("call-1", format, roundTrip(original.snapshot()));

        assertThat(restored.push(Wavs.samplesToBytes(noisySine(300, 16000, 700, 6)), 0, 700, 2L))
                .extracting(AudioChunk::samples).containsExactly(1000);
        assertThat(restored.receivedMs()).isEqualTo(75);
    }

    /** Cuts the call into uneven client chunks and moves it to a "new replica" after each of several of them. */
    private static void assertRestoredAtEveryCutMatchesUninterrupted(AudioFormat format, byte[] audio) {
        List<byte[]> clientChunks = split(audio, format.frameBytes(), new int[]{1111, 3000, 17, 4321, 2500, 800});
        List<AudioChunk> uninterrupted = run(format, clientChunks, -1);
        assertThat(uninterrupted).hasSizeGreaterThan(4 * format.channels());
        for (int cut = 0; cut < clientChunks.size(); cut++) {
            List<AudioChunk> resumed = run(format, clientChunks, cut);
            assertThat(resumed).as("moved after client chunk %d", cut).hasSameSizeAs(uninterrupted);
            for (int i = 0; i < uninterrupted.size(); i++) {
                AudioChunk expected = uninterrupted.get(i);
                AudioChunk actual = resumed.get(i);
                assertThat(actual.channel()).as("chunk %d channel", i).isEqualTo(expected.channel());
                assertThat(actual.seq()).as("chunk %d seq", i).isEqualTo(expected.seq());
                assertThat(actual.startSample()).as("chunk %d start", i).isEqualTo(expected.startSample());
                assertThat(actual.pcm()).as("chunk %d (channel %d seq %d) PCM after a move at %d", i,
                        expected.channel(), expected.seq(), cut).isEqualTo(expected.pcm());
            }
        }
    }

    /** Every chunk of the call; after client chunk {@code moveAfter} the normalizer is snapshotted and rebuilt. */
    private static List<AudioChunk> run(AudioFormat format, List<byte[]> clientChunks, int moveAfter) {
        CallNormalizer normalizer = new CallNormalizer("call-1", format, ModelFormat.SAMPLE_RATE, CHUNK_SAMPLES);
        List<AudioChunk> out = new ArrayList<>();
        for (int i = 0; i < clientChunks.size(); i++) {
            byte[] chunk = clientChunks.get(i);
            out.addAll(normalizer.push(chunk, 0, chunk.length / format.frameBytes(), i));
            if (i == moveAfter) {
                normalizer = CallNormalizer.restore("call-1", format, roundTrip(normalizer.snapshot()));
            }
        }
        out.addAll(normalizer.flush(99));
        return out;
    }

    private static CallNormalizer.Snapshot roundTrip(CallNormalizer.Snapshot snapshot) {
        return SERDE.deserialize("guardian.live-calls", SERDE.serialize("guardian.live-calls", snapshot));
    }

    private static List<byte[]> split(byte[] audio, int frameBytes, int[] framesPerChunk) {
        List<byte[]> chunks = new ArrayList<>();
        int at = 0;
        for (int i = 0; at < audio.length; i++) {
            int length = Math.min(audio.length - at, framesPerChunk[i % framesPerChunk.length] * frameBytes);
            chunks.add(java.util.Arrays.copyOfRange(audio, at, at + length));
            at += length;
        }
        return chunks;
    }

    private static short[] noisySine(double hz, int rate, int samples, long seed) {
        short[] tone = Wavs.sine(hz, rate, samples, 9000);
        Random noise = new Random(seed);
        for (int i = 0; i < tone.length; i++) {
            tone[i] = (short) (tone[i] + noise.nextInt(2001) - 1000);
        }
        return tone;
    }
}
