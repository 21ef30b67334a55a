package vn.guardian.ingest.audio;

import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpStatus;
import vn.guardian.ingest.problem.ProblemException;

/**
 * Reads a RIFF/WAVE header: walks its chunks ({@code fmt }, skipping others such as {@code LIST}) up to the start
 * of the {@code data} chunk and validates the whole header before any audio is used, so an upload can be judged
 * from its first bytes. Accepts PCM 16-bit (plain or WAVE_FORMAT_EXTENSIBLE) and G.711 mu-law / A-law 8-bit
 * (format tags 7 / 6), 1 or 2 channels, 8000..48000 Hz. Chunks after the audio are not read.
 */
public final class WavParser {

    /** Header bytes (everything before the audio) an upload may send; real files carry a few hundred. */
    public static final int MAX_HEADER_BYTES = 64 * 1024;

    private static final int WAVE_FORMAT_PCM = 0x0001;
    private static final int WAVE_FORMAT_IEEE_FLOAT = 0x0003;
    private static final int WAVE_FORMAT_ALAW = 0x0006;
    private static final int WAVE_FORMAT_MULAW = 0x0007;
    private static final int WAVE_FORMAT_EXTENSIBLE = 0xFFFE;
    private static final String SUPPORTED = "supported: PCM 16-bit, mu-law 8-bit, A-law 8-bit; 1 or 2 channels; 8000..48000 Hz";
    private static final String CONVERT = "; convert with: sox in.wav -e signed-integer -b 16 out.wav";

    private WavParser() {
    }

    /** A whole file at once: its header, and its audio located in {@code wav}. */
    public static WavAudio parse(byte[] wav) {
        WavHeader header = header(wav, wav.length, wav.length);
        return new WavAudio(header.format(), wav, header.dataOffset(), (int) header.frames());
    }

    /**
     * Reads the header from the first {@code length} bytes of a body.
     *
     * @param bodyLength the whole body's length when known (Content-Length, or the body has ended), else -1
     * @return the header, or null when these bytes end before the audio starts and more may follow
     * @throws ProblemException when what is there already shows the file is not an acceptable WAV
     */
    public static WavHeader header(byte[] head, int length, long bodyLength) {
        boolean whole = bodyLength == length;
        if (length == 0 && whole) {
            throw badWav("empty-recording", "Empty recording", "The request body is empty.", "body", 0,
                    "send the whole WAV file as the request body");
        }
        if (!startsLikeRiff(head, length) || length >= 12 && !fourCc(head, 8).equals("WAVE")) {
            throw notWav(head, length);
        }
        if (length < 12) {
            if (whole) {
                throw truncated("RIFF header", length + " bytes", "The file ends inside the 12-byte RIFF header.");
            }
            return null;
        }
        long riffEnd = 8 + u32(head, 4);
        if (bodyLength >= 0 && riffEnd > bodyLength) {
            throw shorterThanDeclared(riffEnd, bodyLength);
        }
        int fmtAt = -1;
        int fmtSize = 0;
        long at = 12;
        while (at + 8 <= riffEnd) {
            if (at + 8 > length) {
                return null;
            }
            int chunkAt = (int) at;
            String id = fourCc(head, chunkAt);
            long size = u32(head, chunkAt + 4);
            if (at + 8 + size > riffEnd) {
                throw truncated("'" + id.trim() + "' chunk size", size, "The '" + id + "' chunk at byte " + at
                        + " announces " + size + " bytes but only " + (riffEnd - at - 8) + " follow.");
            }
            if (id.equals("data")) {
                AudioFormat format = format(head, fmtAt, fmtSize);
                // a trailing partial frame carries no whole sample for every channel: it is dropped
                if (size / format.frameBytes() == 0) {
                    throw badWav("empty-recording", "Empty recording", "The 'data' chunk holds no whole audio frame.",
                            "data chunk size", size, "send a recording with at least one sample");
                }
                return new WavHeader(format, chunkAt + 8, size, riffEnd);
            }
            if (id.equals("fmt ") && fmtAt < 0) {
                if (at + 8 + size > length) {
                    return null;
                }
                fmtAt = chunkAt + 8;
                fmtSize = (int) size;
            }
            // chunks are padded to an even size
            at += 8 + size + (size & 1);
        }
        format(head, fmtAt, fmtSize);
        throw badWav("missing-data-chunk", "WAV has no audio", "The file has no 'data' chunk.", "data chunk",
                null, "export the recording again; the file holds no audio");
    }

    /** The answer when a body ends before the end its RIFF header announced. */
    public static ProblemException shorterThanDeclared(long riffEnd, long bodyLength) {
        return truncated("RIFF chunk size", riffEnd - 8,
                "The RIFF header announces " + riffEnd + " bytes but the body has " + bodyLength + ".");
    }

    /** The answer when the audio has not started within {@link #MAX_HEADER_BYTES}. */
    public static ProblemException headerTooLarge() {
        return badWav("wav-header-too-large", "WAV header too large", "The audio does not start within the first "
                        + MAX_HEADER_BYTES + " bytes.", "header", MAX_HEADER_BYTES,
                "strip metadata chunks before the audio, e.g. sox in.wav out.wav");
    }

    private static AudioFormat format(byte[] wav, int fmtAt, int fmtSize) {
        if (fmtAt < 0) {
            throw badWav("missing-fmt-chunk", "WAV has no format chunk", "The file has no 'fmt ' chunk before its "
                    + "audio, so its encoding is unknown.", "fmt chunk", null,
                    "export the recording again as a standard WAV file");
        }
        if (fmtSize < 16) {
            throw truncated("'fmt' chunk size", fmtSize, "The 'fmt ' chunk has " + fmtSize
                    + " bytes; a WAV format chunk has at least 16.");
        }
        int formatTag = u16(wav, fmtAt);
        int channels = u16(wav, fmtAt + 2);
        long sampleRate = u32(wav, fmtAt + 4);
        int blockAlign = u16(wav, fmtAt + 12);
        int bits = u16(wav, fmtAt + 14);
        if (formatTag == WAVE_FORMAT_EXTENSIBLE) {
            if (fmtSize < 40) {
                throw truncated("'fmt' chunk size", fmtSize, "WAVE_FORMAT_EXTENSIBLE needs a 40-byte 'fmt ' chunk, "
                        + "this one has " + fmtSize + ".");
            }
            // the sub-format GUID starts with the plain format tag
            formatTag = u16(wav, fmtAt + 24);
        }
        AudioFormat.Encoding encoding = encodingOf(formatTag, bits);
        if (encoding == null) {
            throw unsupported("unsupported-encoding", "Unsupported audio encoding", "encoding",
                    encodingName(formatTag, bits), "The recording is " + encodingName(formatTag, bits) + "; " + SUPPORTED
                            + ".", SUPPORTED + CONVERT);
        }
        if (channels != 1 && channels != 2) {
            throw unsupported("unsupported-channels", "Unsupported channel count", "channels", channels,
                    "The recording has " + channels + " channels; " + SUPPORTED + ".",
                    "send mono, or stereo with one speaker per channel; e.g. sox in.wav -c 1 out.wav");
        }
        if (sampleRate < AudioFormat.MIN_SAMPLE_RATE || sampleRate > AudioFormat.MAX_SAMPLE_RATE) {
            throw unsupported("unsupported-sample-rate", "Unsupported sample rate", "sampleRate", sampleRate,
                    "The recording is sampled at " + sampleRate + " Hz; " + SUPPORTED + ".",
                    "resample to a rate in 8000..48000 Hz, e.g. sox in.wav -r 16000 out.wav");
        }
        AudioFormat format = new AudioFormat(encoding, (int) sampleRate, channels);
        if (blockAlign != format.frameBytes()) {
            throw badWav("inconsistent-wav-header", "Inconsistent WAV header", "The block align is " + blockAlign
                    + " bytes but " + channels + " channels of " + bits + "-bit samples need " + format.frameBytes() + ".",
                    "blockAlign", blockAlign, "export the recording again; the file's header is damaged");
        }
        return format;
    }

    private static AudioFormat.Encoding encodingOf(int formatTag, int bits) {
        if (formatTag == WAVE_FORMAT_PCM && bits == 16) {
            return AudioFormat.Encoding.PCM_S16LE;
        }
        if (formatTag == WAVE_FORMAT_MULAW && bits == 8) {
            return AudioFormat.Encoding.MULAW;
        }
        if (formatTag == WAVE_FORMAT_ALAW && bits == 8) {
            return AudioFormat.Encoding.ALAW;
        }
        return null;
    }

    private static String encodingName(int formatTag, int bits) {
        switch (formatTag) {
            case WAVE_FORMAT_PCM:
                return "PCM " + bits + "-bit";
            case WAVE_FORMAT_IEEE_FLOAT:
                return "IEEE float " + bits + "-bit";
            case WAVE_FORMAT_ALAW:
                return "A-law " + bits + "-bit";
            case WAVE_FORMAT_MULAW:
                return "mu-law " + bits + "-bit";
            default:
                return String.format("format tag 0x%04X, %d-bit", formatTag, bits);
        }
    }

    private static boolean startsLikeRiff(byte[] wav, int length) {
        byte[] riff = "RIFF".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < Math.min(4, length); i++) {
            if (wav[i] != riff[i]) {
                return false;
            }
        }
        return true;
    }

    private static ProblemException notWav(byte[] wav, int length) {
        String start = new String(wav, 0, Math.min(4, length), StandardCharsets.ISO_8859_1)
                .replaceAll("[^\\x20-\\x7e]", "?");
        return new ProblemException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "not-wav", "Not a WAV file",
                "The body does not start with a RIFF/WAVE header (starts with '" + start + "').")
                .field("body").value(start).fix("send a WAV file (RIFF/WAVE, PCM 16-bit)");
    }

    private static ProblemException truncated(String field, Object value, String detail) {
        return badWav("truncated-wav", "Truncated or inconsistent WAV", detail, field, value,
                "send the complete file; if it is complete, export it again: its header does not match its length");
    }

    private static ProblemException badWav(String slug, String title, String detail, String field, Object value,
                                           String fix) {
        return new ProblemException(HttpStatus.BAD_REQUEST, slug, title, detail).field(field).value(value).fix(fix);
    }

    private static ProblemException unsupported(String slug, String title, String field, Object value, String detail,
                                                String fix) {
        return new ProblemException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, slug, title, detail).field(field).value(value)
                .fix(fix);
    }

    private static String fourCc(byte[] wav, int at) {
        return new String(wav, at, 4, StandardCharsets.ISO_8859_1);
    }

    private static int u16(byte[] wav, int at) {
        return (wav[at] & 0xff) | (wav[at + 1] & 0xff) << 8;
    }

    private static long u32(byte[] wav, int at) {
        return (wav[at] & 0xffL) | (wav[at + 1] & 0xffL) << 8 | (wav[at + 2] & 0xffL) << 16 | (wav[at + 3] & 0xffL) << 24;
    }
}
