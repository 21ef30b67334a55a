package vn.guardian.standalone;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where speech is in a PCM16 WAV file, found from its energy: the ground truth that verdict times are checked against. */
record SpokenRegion(long startMs, long endMs) {

    private static final int FRAME_MS = 10;

    /** The first and last 10 ms frame of {@code channel} whose RMS rises above 2 % of full scale. */
    static SpokenRegion of(Path wav, int channel) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(wav)).order(ByteOrder.LITTLE_ENDIAN);
        int channels = bytes.getShort(22);
        int rate = bytes.getInt(24);
        int dataStart = 44;
        int frames = (bytes.limit() - dataStart) / (2 * channels);
        int samplesPerFrame = rate * FRAME_MS / 1000;
        long first = -1;
        long last = -1;
        for (int frame = 0; frame * samplesPerFrame < frames; frame++) {
            double sum = 0;
            int count = 0;
            for (int i = frame * samplesPerFrame; i < Math.min(frames, (frame + 1) * samplesPerFrame); i++) {
                double sample = bytes.getShort(dataStart + 2 * (i * channels + channel)) / 32768.0;
                sum += sample * sample;
                count++;
            }
            if (Math.sqrt(sum / count) > 0.02) {
                if (first < 0) {
                    first = (long) frame * FRAME_MS;
                }
                last = (long) (frame + 1) * FRAME_MS;
            }
        }
        return new SpokenRegion(first, last);
    }
}
