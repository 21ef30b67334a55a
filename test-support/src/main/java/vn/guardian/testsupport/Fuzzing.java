package vn.guardian.testsupport;

import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The seed and the number of tries every fuzz test uses. CI runs the few tries written on each test from a fixed
 * seed, so a failure replays; {@code -Dguardian.fuzz.tries=N} runs every fuzz test N times for a long run, and
 * {@code -Dguardian.fuzz.seed=S} (or {@code random}) explores other inputs. Each try has its own seed, printed in
 * the test's name: {@code -Dguardian.fuzz.seed=<that seed> -Dguardian.fuzz.tries=1} replays exactly that try.
 *
 * <p>Use it as the source of a parameterized test:
 * {@code @ParameterizedTest @MethodSource("tries") void property(Fuzzing.Try example)} with
 * {@code static Stream<Fuzzing.Try> tries() { return Fuzzing.tries(200); }}.
 */
public final class Fuzzing {

    public static final String TRIES_PROPERTY = "guardian.fuzz.tries";
    public static final String SEED_PROPERTY = "guardian.fuzz.seed";
    /** The CI seed: any fixed number would do, this one is the day fuzzing was added. */
    public static final long CI_SEED = 20261201L;

    private Fuzzing() {
    }

    /** {@code ciTries} tries, or {@code -Dguardian.fuzz.tries} of them, seeded one after the other. */
    public static Stream<Try> tries(int ciTries) {
        long seed = seed();
        return IntStream.range(0, count(ciTries)).mapToObj(index -> new Try(index, seed + index));
    }

    /** {@code ciTries} unless a long run asks for more (or fewer) with {@code -Dguardian.fuzz.tries}. */
    public static int count(int ciTries) {
        String tries = System.getProperty(TRIES_PROPERTY);
        return tries == null || tries.isBlank() ? ciTries : Integer.parseInt(tries.trim());
    }

    /** The fixed CI seed, or {@code -Dguardian.fuzz.seed}; {@code random} draws a new one. */
    public static long seed() {
        String seed = System.getProperty(SEED_PROPERTY);
        if (seed == null || seed.isBlank()) {
            return CI_SEED;
        }
        return seed.trim().equals("random") ? new Random().nextLong() : Long.parseLong(seed.trim());
    }

    /**
     * One try of a fuzz test: its number and the seed its inputs are drawn from.
     *
     * @param index which try, from 0
     * @param seed  replays this try alone with {@code -Dguardian.fuzz.seed=seed -Dguardian.fuzz.tries=1}
     */
    public record Try(int index, long seed) {

        /** A fresh generator for this try's inputs: the same inputs every time the try runs. */
        public Random random() {
            return new Random(seed);
        }

        @Override
        public String toString() {
            return "try " + index + " (" + SEED_PROPERTY + "=" + seed + ")";
        }
    }
}
