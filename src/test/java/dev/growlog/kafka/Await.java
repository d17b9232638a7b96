package dev.growlog.kafka;

import java.time.Duration;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.fail;

/** Bounded waits for a condition that another thread or process makes true. */
final class Await {
    private Await() {
    }

    /** Waits until {@code condition} holds, looking every 20 ms; fails after {@code patience}. */
    static void until(String what, Duration patience, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("waited " + patience + " for: " + what);
            }
            Thread.sleep(20);
        }
    }
}
