package vn.guardian.transcriber;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import vn.guardian.contracts.audio.AudioChunk;

/** The committed speech fixtures (made by src/test/resources/make-fixtures.sh), as PCM and as 250 ms chunks. */
public final class Speech {

    /** "hello my name is john and i need help with my bill", 16 kHz mono. */
    public static final String NEED_HELP = "fixtures/need-help.wav";
    /** "good morning how are you today", a second of silence, "please tell me your account number". */
    public static final String TWO_UTTERANCES = "fixtures/two-utterances.wav";
    public static final int SAMPLE_RATE = 16000;
    /** 250 ms at 16 kHz, as ingest sends them. */
    public static final int CHUNK_SAMPLES = 4000;

    private Speech() {
    }

    /** The PCM16LE samples of a fixture WAV (its {@code data} chunk). */
    public static byte[] pcm(String fixture) {
        try (InputStream in = Speech.class.getClassLoader().getResourceAsStream(fixture)) {
            if (in == null) {
                throw new IllegalStateException("Missing fixture " + fixture + "; run src/test/resources/make-fixtures.sh");
            }
            return dataOf(in.readAllBytes(), fixture);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code data} chunk of a PCM16LE WAV file's bytes. */
    public static byte[] dataOf(byte[] wav, String name) {
        ByteBuffer buffer = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        int pos = 12; // after RIFF....WAVE
        while (pos + 8 <= wav.length) {
            String id = new String(wav, pos, 4, java.nio.charset.StandardCharsets.US_ASCII);
            int size = buffer.getInt(pos + 4);
            if (id.equals("data")) {
                return Arrays.copyOfRange(wav, pos + 8, Math.min(wav.length, pos + 8 + size));
            }
            pos += 8 + size + (size & 1);
        }
        throw new IllegalStateException(name + " has no data chunk");
    }

    /** Audio length of a fixture in ms. */
    public static long durationMs(String fixture) {
        return pcm(fixture).length / 2 * 1000L / SAMPLE_RATE;
    }

    /** A fixture cut into 250 ms chunks of one call channel, seq from 0, audio starting at {@code firstSample}. */
    public static List<AudioChunk> chunks(String fixture, String callId, int channel, long firstSample) {
        return chunks(pcm(fixture), callId, channel, firstSample);
    }

    /** PCM16LE samples cut into 250 ms chunks of one call channel, seq from 0, audio starting at {@code firstSample}. */
    public static List<AudioChunk> chunks(byte[] pcm, String callId, int channel, long firstSample) {
        List<AudioChunk> chunks = new ArrayList<>();
        int bytes = CHUNK_SAMPLES * 2;
        for (int offset = 0, seq = 0; offset < pcm.length; offset += bytes, seq++) {
            byte[] piece = Arrays.copyOfRange(pcm, offset, Math.min(pcm.length, offset + bytes));
            chunks.add(new AudioChunk(callId, channel, seq, firstSample + offset / 2, SAMPLE_RATE,
                    System.currentTimeMillis(), piece));
        }
        return chunks;
    }
}
