package vn.guardian.ingest.audio;

/**
 * ITU-T G.711 decoding: 8-bit mu-law (North America, Japan) and A-law (Europe, Vietnam's PSTN) codes to
 * 16-bit linear PCM, by the reference expansion tables (ITU-T G.191 STL {@code ulaw2linear} / {@code alaw2linear}).
 */
public final class G711 {

    private static final short[] MULAW = new short[256];
    private static final short[] ALAW = new short[256];

    static {
        for (int code = 0; code < 256; code++) {
            MULAW[code] = expandMulaw(code);
            ALAW[code] = expandAlaw(code);
        }
    }

    private G711() {
    }

    /** The linear sample of a mu-law code (0..255, or a byte). */
    public static short mulaw(int code) {
        return MULAW[code & 0xff];
    }

    /** The linear sample of an A-law code (0..255, or a byte). */
    public static short alaw(int code) {
        return ALAW[code & 0xff];
    }

    private static short expandMulaw(int code) {
        // codes are transmitted inverted; bias 0x84 (132) is added by the encoder and removed here
        int u = ~code & 0xff;
        int magnitude = (((u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4);
        return (short) ((u & 0x80) != 0 ? 0x84 - magnitude : magnitude - 0x84);
    }

    private static short expandAlaw(int code) {
        // even bits are inverted on the line
        int a = (code ^ 0x55) & 0xff;
        int magnitude = (a & 0x0f) << 4;
        int segment = (a & 0x70) >> 4;
        if (segment == 0) {
            magnitude += 8;
        } else {
            magnitude = (magnitude + 0x108) << (segment - 1);
        }
        return (short) ((a & 0x80) != 0 ? magnitude : -magnitude);
    }
}
