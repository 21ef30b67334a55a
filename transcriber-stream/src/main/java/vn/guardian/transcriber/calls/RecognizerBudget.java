package vn.guardian.transcriber.calls;

import java.util.concurrent.atomic.AtomicInteger;

/** Caps the native recognizers one replica holds; shared by all workers, and the active-recognizers gauge. */
public final class RecognizerBudget {

    private final int max;
    private final AtomicInteger active = new AtomicInteger();

    public RecognizerBudget(int max) {
        this.max = max;
    }

    /** Reserves {@code n} recognizers; false when that would exceed the cap. */
    boolean tryAcquire(int n) {
        while (true) {
            int current = active.get();
            if (current + n > max) {
                return false;
            }
            if (active.compareAndSet(current, current + n)) {
                return true;
            }
        }
    }

    void release(int n) {
        active.addAndGet(-n);
    }

    /** The cap, guardian.transcriber.max-recognizers. */
    public int max() {
        return max;
    }

    /** Recognizers currently open in this replica. */
    public int active() {
        return active.get();
    }
}
