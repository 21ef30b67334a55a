package vn.guardian.transcriber.recognition;

import vn.guardian.voskmodels.VoskModels;
import vn.guardian.contracts.audio.ModelFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import vn.guardian.contracts.audio.AudioChunk;
import vn.guardian.transcriber.Speech;
import vn.guardian.transcriber.TestModels;

/**
 * Prints what the bundled model and each live call channel cost in resident memory (VmRSS: Java heap plus Vosk's
 * native memory). A measurement, not a test: the figures go in the README. Usage (see README): {@code
 * java -cp ... vn.guardian.transcriber.recognition.MemoryFootprint [recognizers [call.wav]]}, where the WAV
 * (16 kHz mono PCM16) is then fed whole through every recognizer, as one long call.
 */
public final class MemoryFootprint {

    private MemoryFootprint() {
    }

    public static void main(String[] args) throws IOException {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        long start = report("JVM started", 0, 0);
        VoskModels models = TestModels.get();
        long loaded = report("model 'en' loaded", start, 1);
        RecognizerPool pool = new RecognizerPool(count);
        List<ChannelRecognizer> recognizers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            recognizers.add(pool.open(models.forLanguage("en").orElseThrow(), ModelFormat.SAMPLE_RATE,
                    new ChannelRecognizer.Identity("call-" + i, "acme", 0, "agent", "en")));
        }
        long opened = report(count + " recognizers opened", loaded, count);
        List<AudioChunk> speech = Speech.chunks(Speech.NEED_HELP, "call", 0, 0);
        for (ChannelRecognizer recognizer : recognizers) {
            // mid-utterance: the decoder holds the lattice of 3 s of speech, the costly moment of a live call
            speech.subList(0, 12).forEach(recognizer::accept);
        }
        report(count + " recognizers each 3 s into an utterance", loaded, count);
        if (args.length > 1) {
            List<AudioChunk> call = Speech.chunks(Speech.dataOf(Files.readAllBytes(Path.of(args[1])), args[1]),
                    "call", 0, 0);
            for (ChannelRecognizer recognizer : recognizers) {
                call.forEach(recognizer::accept);
                recognizer.finish(0);
            }
            report(count + " recognizers after a whole " + args[1], loaded, count);
        }
        recognizers.forEach(ChannelRecognizer::close);
        report(count + " recognizers kept warm after their calls", loaded, count);
        pool.close();
        report("warm recognizers freed", opened, 0);
        models.close();
    }

    /** Prints RSS and heap, and the growth since {@code since} per {@code per} items; returns RSS in kB. */
    private static long report(String moment, long since, int per) throws IOException {
        System.gc();
        long rss = vmRssKb();
        Runtime runtime = Runtime.getRuntime();
        long heapMb = (runtime.totalMemory() - runtime.freeMemory()) >> 20;
        String growth = since == 0 || per == 0 ? ""
                : String.format("  (+%d MB over the step before the items, %.1f MB per item)", (rss - since) >> 10,
                (rss - since) / 1024.0 / per);
        System.out.printf("%-45s VmRSS %5d MB, heap used %4d MB%s%n", moment, rss >> 10, heapMb, growth);
        return rss;
    }

    private static long vmRssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IOException("no VmRSS in /proc/self/status (Linux only)");
    }
}
