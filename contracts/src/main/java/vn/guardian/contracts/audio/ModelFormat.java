package vn.guardian.contracts.audio;

/** The audio the speech models take, the one definition: ingest normalizes to it, the transcriber requires it. */
public final class ModelFormat {

    /** Samples per second of every AudioChunk's PCM16LE mono (the Vosk small models are trained at 16 kHz). */
    public static final int SAMPLE_RATE = 16_000;

    private ModelFormat() {
    }
}
