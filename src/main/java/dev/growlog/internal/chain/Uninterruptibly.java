package dev.growlog.internal.chain;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Waits for growlog's own background work that a thread whose interrupt flag is set still
 * finishes, keeping the flag. Close waits for that work (a file being prepared, an interval
 * flush, a retirement); a caller told to stop, closing on its way out, must not stop waiting
 * early and leave the work running on files it then closes.
 */
final class Uninterruptibly {
    private Uninterruptibly() {
    }

    /** The task's result; its failure as {@link ExecutionException}. */
    static <T> T get(Future<T> task) throws ExecutionException {
        return retrying(task::get);
    }

    /** Waits up to {@code timeout} for the executor to terminate. */
    static void awaitTermination(ExecutorService executor, long timeout, TimeUnit unit) {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        retrying(() -> executor.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS));
    }

    /** Waits up to {@code timeout} for the thread to end. */
    static void join(Thread thread, long timeout, TimeUnit unit) {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        retrying(() -> {
            TimeUnit.NANOSECONDS.timedJoin(thread, deadline - System.nanoTime());
            return null;
        });
    }

    /** A wait that an interrupt cuts short. */
    private interface Wait<T, E extends Exception> {
        T call() throws InterruptedException, E;
    }

    /** Runs {@code wait} again after each interrupt, until it returns; then sets the flag again if it was set. */
    private static <T, E extends Exception> T retrying(Wait<T, E> wait) throws E {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return wait.call();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
