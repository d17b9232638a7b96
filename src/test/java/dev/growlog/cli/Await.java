package dev.growlog.cli;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.fail;

/** Waiting for an observable event (a file state, a line printed) instead of for a time. */
final class Await {
    /** How long any awaited event may take before the test fails: generous, for a busy machine. */
    static final long PATIENCE_SECONDS = 30;

    private Await() {
    }

    /** Waits until {@code condition} holds, checking every few milliseconds; fails after the patience. */
    static void until(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PATIENCE_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out after " + PATIENCE_SECONDS + " s waiting until " + what);
            }
            Thread.sleep(5);
        }
    }
}
