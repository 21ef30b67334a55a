package vn.guardian.ingest.audio;

import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpStatus;
import vn.guardian.ingest.problem.ProblemException;

/**
 * Reads a RIFF/WAVE file: walks its chunks ({@code fmt }, {@code data}, skipping others such as {@code LIST}) and
 * validates the whole header before any audio is used. Accepts PCM 16-bit (plain or WAVE_FORMAT_EXTENSIBLE) and
 * G.711 mu-law / A-law 8-bit (format tags 7 / 6), 1 or 2 channels, 8000..48000 Hz.
 */
public final class WavParser {

    private static final int WAVE_FORMAT_PCM = 0x0001;
    private static final int WAVE_FORMAT_IEEE_FLOAT = 0x0003;
    private static final int WAVE_FORMAT_ALAW = 0x0006;
    private static final int WAVE_FORMAT_MULAW = 0x0007;
    private static final int WAVE_FORMAT_EXTENSIBLE = 0xFFFE;
    private static final String SUPPORTED = "supported: PCM 16-bit, mu-law 8-bit, A-law 8-bit; 1 or 2 channels; 8000..48000 Hz";
    private static final String CONVERT = "; convert with: sox in.wav -e signed-integer -b 16 out.wav";

    private WavParser() {
    }

    public static WavAudio parse(byte[] wav) {
        if (wav.length == 0) {
            throw badWav("empty-recording", "Empty recording", "The request body is empty.", "body", 0,
                    "send the whole WAV file as the request body");
        }
        if (wav.length < 12) {
            if (startsLikeRiff(wav)) {
                throw truncated("RIFF header", wav.length + " bytes", "The file ends inside the 12-byte RIFF header.");
            }
            throw notWav(wav);
        }
        if (!fourCc(wav, 0).equals("RIFF") || !fourCc(wav, 8).equals("WAVE")) {
            throw notWav(wav);
        }
        long riffEnd = 8 + u32(wav, 4);
        if (riffEnd > wav.length) {
            throw truncated("RIFF chunk size", u32(wav, 4),
                    "The RIFF header announces " + riffEnd + " bytes but the body has " + wav.length + ".");
        }
        int end = (int) riffEnd;
        int fmtAt = -1;
        int fmtSize = 0;
        int dataAt = -1;
        int dataSize = 0;
        int at = 12;
        while (at + 8 <= end) {
            String id = fourCc(wav, at);
            long size = u32(wav, at + 4);
            if (at + 8 + size > end) {
                throw truncated("'" + id.trim() + "' chunk size", size, "The '" + id + "' chunk at byte " + at
                        + " announces " + size + " bytes but only " + (end - at - 8) + " follow.");
            }
            if (id.equals("fmt ") && fmtAt < 0) {
                fmtAt = at + 8;
                fmtSize = (int) size;
            } else if (id.equals("data") && dataAt < 0) {
                dataAt = at + 8;
                dataSize = (int) size;
            }
            // chunks are padded to an even size
            at += 8 + (int) size + (int) (size & 1);
        }
        if (fmtAt < 0) {
            throw badWav("missing-fmt-chunk", "WAV has no format chunk", "The file has no 'fmt ' chunk, so its "
                    + "encoding is unknown.", "fmt chunk", null, "export the recording again as a standard WAV file");
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
        if (dataAt < 0) {
            throw badWav("missing-data-chunk", "WAV has no audio", "The file has no 'data' chunk.", "data chunk",
                    null, "export the recording again; the file holds no audio");
        }
        // a trailing partial frame carries no whole sample for every channel: it is dropped
        int frames = dataSize / blockAlign;
        if (frames == 0) {
            throw badWav("empty-recording", "Empty recording", "The 'data' chunk holds no whole audio frame.",
                    "data chunk size", dataSize, "send a recording with at least one sample");
        }
        return new WavAudio(format, wav, dataAt, frames);
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

    private static boolean startsLikeRiff(byte[] wav) {
        byte[] riff = "RIFF".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < Math.min(4, wav.length); i++) {
            if (wav[i] != riff[i]) {
                return false;
            }
        }
        return true;
    }

    private static ProblemException notWav(byte[] wav) {
        String start = new String(wav, 0, Math.min(4, wav.length), StandardCharsets.ISO_8859_1)
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
