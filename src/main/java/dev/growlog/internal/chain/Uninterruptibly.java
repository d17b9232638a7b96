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
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return task.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            keep(interrupted);
        }
    }

    /** Waits up to {@code timeout} for the executor to terminate; false if it did not. */
    static boolean awaitTermination(ExecutorService executor, long timeout, TimeUnit unit) {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return executor.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            keep(interrupted);
        }
    }

    /** Waits up to {@code timeout} for the thread to end. */
    static void join(Thread thread, long timeout, TimeUnit unit) {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        boolean interrupted = false;
        try {
            for (long left = unit.toNanos(timeout); left > 0 && thread.isAlive(); left = deadline - System.nanoTime()) {
                try {
                    TimeUnit.NANOSECONDS.timedJoin(thread, left);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            keep(interrupted);
        }
    }

    private static void keep(boolean interrupted) {
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
