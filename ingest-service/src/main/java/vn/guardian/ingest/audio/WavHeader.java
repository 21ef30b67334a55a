package vn.guardian.ingest.audio;

/**
 * A validated WAV header: what the audio is and where it lies in the file.
 *
 * @param format     encoding, rate and channels
 * @param dataOffset where the first sample starts in the file
 * @param dataBytes  the length the {@code data} chunk announces
 * @param riffEnd    the file length the RIFF header announces
 */
public record WavHeader(AudioFormat format, int dataOffset, long dataBytes, long riffEnd) {

    /** Whole frames the data chunk announces; a trailing partial frame is dropped. */
    public long frames() {
        return dataBytes / format.frameBytes();
    }
}
