package vn.guardian.ingest.audio;

/**
 * Band-limited sample-rate conversion by a rational factor: a polyphase windowed-sinc (Kaiser) low-pass filter
 * whose cutoff sits below the lower of the two Nyquist frequencies, so downsampling does not alias and
 * upsampling does not image. Equal rates pass through untouched.
 */
public final class Resampler {

    /** Zero crossings of the sinc on each side of the centre, at the cutoff: longer = sharper transition. */
    private static final int ZERO_CROSSINGS = 24;
    /** Cutoff as a fraction of the lower Nyquist frequency: leaves room for the transition band. */
    private static final double ROLLOFF = 0.9;
    /** Kaiser window shape: about 80 dB stop-band attenuation. */
    private static final double KAISER_BETA = 8.0;
    /**
     * Filter rows at most: every usual rate pair needs fewer (44100 -> 16000 needs 160) and gets its exact phase;
     * an odd declared rate (47999 Hz needs 16000 rows, 10 MB and a second to build) takes the nearest earlier of
     * these, off by at most 1/1024 of an input sample.
     */
    static final int MAX_PHASES = 1024;
    /**
     * Weights are integers in units of 2^-14: a row's taps then sum in an int, which the JIT vectorizes (2.3x faster
     * than float taps summed in a double), at a rounding error of at most a few of the 16-bit output's units.
     */
    private static final int WEIGHT_BITS = 14;

    private final int inRate;
    private final int outRate;
    private final int up;
    private final int down;
    private final int halfTaps;
    /** One output sample is down / up input samples on: this many whole ones and stepFraction / up of one. */
    private final long stepWhole;
    private final long stepFraction;
    /** row r (output lands r/rows of an input sample after tap 0) -> 2*halfTaps weights; rows = min(up, MAX_PHASES). */
    private final int[][] phases;

    public Resampler(int inRate, int outRate) {
        if (inRate <= 0 || outRate <= 0) {
            throw new IllegalArgumentException("Sample rates must be positive, got " + inRate + " -> " + outRate);
        }
        this.inRate = inRate;
        this.outRate = outRate;
        int gcd = gcd(inRate, outRate);
        this.up = outRate / gcd;
        this.down = inRate / gcd;
        this.stepWhole = down / up;
        this.stepFraction = down % up;
        if (inRate == outRate) {
            this.halfTaps = 0;
            this.phases = null;
            return;
        }
        // cutoff in cycles per input sample
        double cutoff = ROLLOFF * 0.5 * Math.min(inRate, outRate) / inRate;
        this.halfTaps = (int) Math.ceil(ZERO_CROSSINGS / (2 * cutoff));
        this.phases = new int[Math.min(up, MAX_PHASES)][2 * halfTaps];
        double windowNorm = bessel0(KAISER_BETA);
        for (int p = 0; p < phases.length; p++) {
            double frac = (double) p / phases.length;
            double sum = 0;
            double[] weights = new double[2 * halfTaps];
            for (int k = 0; k < 2 * halfTaps; k++) {
                // distance from the output instant to input sample (k - halfTaps + 1)
                double x = (k - halfTaps + 1) - frac;
                double r = x / halfTaps;
                double window = Math.abs(r) >= 1 ? 0 : bessel0(KAISER_BETA * Math.sqrt(1 - r * r)) / windowNorm;
                double sinc = x == 0 ? 1 : Math.sin(2 * Math.PI * cutoff * x) / (Math.PI * x * 2 * cutoff);
                weights[k] = sinc * window;
                sum += weights[k];
            }
            // unity gain at DC in every phase: no amplitude ripple between output samples
            int unity = 1 << WEIGHT_BITS;
            int total = 0;
            long magnitude = 0;
            for (int k = 0; k < weights.length; k++) {
                phases[p][k] = (int) Math.round(weights[k] / sum * unity);
                total += phases[p][k];
                magnitude += Math.abs(phases[p][k]);
            }
            phases[p][halfTaps - 1 + (frac < 0.5 ? 0 : 1)] += unity - total;
            // a full-scale input must not overflow the int sum (these filters reach about 2.2 x unity)
            if (magnitude * (Short.MAX_VALUE + 1) > Integer.MAX_VALUE) {
                throw new IllegalStateException("Resampler taps too large for an int sum: " + inRate + " -> " + outRate);
            }
        }
    }

    public int inRate() {
        return inRate;
    }

    public int outRate() {
        return outRate;
    }

    /** Rows in the filter table: what this conversion holds in memory, bounded by {@link #MAX_PHASES}. */
    int phases() {
        return phases == null ? 0 : phases.length;
    }

    /** Converts a whole signal at once: a stream fed once and flushed. */
    public short[] resample(short[] in) {
        Stream stream = stream();
        short[] body = stream.push(in);
        short[] tail = stream.flush();
        short[] out = java.util.Arrays.copyOf(body, body.length + tail.length);
        System.arraycopy(tail, 0, out, body.length, tail.length);
        return out;
    }

    /**
     * A stream's position in its signal: the input the filter still needs and the counters that place it.
     *
     * @param history      input samples kept for the filter
     * @param historyStart input sample number of {@code history[0]}
     * @param inputSamples input samples pushed so far
     * @param nextOutput   index of the next output sample
     */
    public record State(short[] history, long historyStart, long inputSamples, long nextOutput) {
    }

    /** A stream continuing where the one that gave {@code state} stopped. */
    public Stream restore(State state) {
        Stream stream = new Stream();
        stream.history = state.history().clone();
        stream.historyStart = state.historyStart();
        stream.inputSamples = state.inputSamples();
        stream.nextOutput = state.nextOutput();
        return stream;
    }

    /** A new conversion of one continuous signal (one channel of one call), fed piece by piece. */
    public Stream stream() {
        return new Stream();
    }

    /**
     * One channel's conversion state: the input the filter still needs and the next output index, so a signal
     * fed in pieces comes out sample for sample as if it had been converted whole (no clicks at piece
     * boundaries). Output lags input by half the filter length until {@link #flush()}. Not thread-safe.
     */
    public final class Stream {

        /** Input samples kept for the filter; {@code history[0]} is input sample number {@code historyStart}. */
        private short[] history = new short[0];
        private long historyStart;
        private long inputSamples;
        private long nextOutput;

        private Stream() {
        }

        private Stream(Stream other) {
            this.history = other.history.clone();
            this.historyStart = other.historyStart;
            this.inputSamples = other.inputSamples;
            this.nextOutput = other.nextOutput;
        }

        /** An independent copy: work on it, keep it only if the work is committed. */
        public Stream copy() {
            return new Stream(this);
        }

        /** Everything a later {@link Resampler#restore} needs to continue this conversion sample for sample. */
        public State state() {
            return new State(history.clone(), historyStart, inputSamples, nextOutput);
        }

        /** Appends input and returns every output sample the filter can now compute. */
        public short[] push(short[] in) {
            if (phases == null) {
                inputSamples += in.length;
                return in.clone();
            }
            short[] joined = java.util.Arrays.copyOf(history, history.length + in.length);
            System.arraycopy(in, 0, joined, history.length, in.length);
            history = joined;
            inputSamples += in.length;
            // output n is ready once its last filter tap, input sample n * down / up + halfTaps, has arrived
            long heard = inputSamples - halfTaps;
            long ready = heard <= 0 ? 0 : Math.max(0, (heard * up + down - 1) / down - nextOutput);
            return emit((int) ready);
        }

        /** Ends the signal: the remaining outputs, computed as if silence followed. */
        public short[] flush() {
            if (phases == null) {
                return new short[0];
            }
            long total = inputSamples * up / down;
            return emit((int) Math.max(0, total - nextOutput));
        }

        private short[] emit(int count) {
            short[] out = new short[count];
            int rounding = 1 << (WEIGHT_BITS - 1);
            // the output instant nextOutput * down / up as base + offset / up, stepped without a division per output
            long base = nextOutput * down / up;
            long offset = nextOutput * down % up;
            for (int i = 0; i < count; i++, nextOutput++) {
                int[] weights = phases[(int) (phases.length == up ? offset : offset * phases.length / up)];
                long first = base - halfTaps + 1;
                long start = first - historyStart;
                int acc = 0;
                if (first >= 0 && start >= 0 && start + weights.length <= history.length) {
                    // every tap inside the kept input: a loop without tests, which the JIT vectorizes
                    int from = (int) start;
                    for (int k = 0; k < weights.length; k++) {
                        acc += weights[k] * history[from + k];
                    }
                } else {
                    // the signal's edges: taps before its start or after its end count as silence
                    for (int k = 0; k < weights.length; k++) {
                        long index = start + k;
                        if (index >= 0 && index < history.length && first + k >= 0) {
                            acc += weights[k] * history[(int) index];
                        }
                    }
                }
                int rounded = (acc + rounding) >> WEIGHT_BITS;
                out[i] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, rounded));
                base += stepWhole;
                offset += stepFraction;
                if (offset >= up) {
                    offset -= up;
                    base++;
                }
            }
            // forget input no future output reaches
            long keepFrom = Math.max(0, nextOutput * down / up - halfTaps + 1);
            if (keepFrom > historyStart) {
                int drop = (int) Math.min(history.length, keepFrom - historyStart);
                history = java.util.Arrays.copyOfRange(history, drop, history.length);
                historyStart += drop;
            }
            return out;
        }
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    /** Zeroth-order modified Bessel function of the first kind, by its power series. */
    private static double bessel0(double x) {
        double sum = 1;
        double term = 1;
        double quarterSquare = x * x / 4;
        for (int k = 1; k < 50; k++) {
            term *= quarterSquare / (k * k);
            sum += term;
            if (term < 1e-12 * sum) {
                break;
            }
        }
        return sum;
    }
}
