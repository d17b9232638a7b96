package dev.growlog.internal.chain;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Wakes threads waiting for appends. The writer pays one volatile read per append when nobody
 * waits.
 *
 * <p>No lost wake-up: a waiter registers before it checks its condition, and the writer
 * publishes the new end before it checks for waiters; both are volatile, so at least one of
 * them sees the other.
 */
final class Signal {
    private final AtomicInteger waiters = new AtomicInteger();
    private final Object monitor = new Object();

    /** Waits up to {@code nanos} unless {@code ready} holds. */
    void await(BooleanSupplier ready, long nanos) throws InterruptedException {
        waiters.incrementAndGet();
        try {
            synchronized (monitor) {
                if (!ready.getAsBoolean()) {
                    TimeUnit.NANOSECONDS.timedWait(monitor, nanos);
                }
            }
        } finally {
            waiters.decrementAndGet();
        }
    }

    /** Wakes the waiters, if any. */
    void signalAll() {
        if (waiters.get() > 0) {
            wakeAll();
        }
    }

    void wakeAll() {
        synchronized (monitor) {
            monitor.notifyAll();
        }
    }
}
