package dev.growlog;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Waits for something another thread makes observable: a condition that becomes true, or a
 * thread that has reached a wait inside a named method. Never a sleep that hopes another thread
 * got somewhere: if the event does not come within a generous deadline the test fails, naming
 * what it waited for.
 */
final class Await {
    /** Far longer than any event here takes on a loaded machine; only a hang reaches it. */
    static final long DEADLINE_SECONDS = 60;

    private Await() {
    }

    /** Something to wait for; may throw, which fails the wait at once. */
    @FunctionalInterface
    interface Condition {
        boolean holds() throws Exception;
    }

    /** Returns once {@code condition} holds; fails the test naming {@code what} if it never does. */
    static void until(String what, Condition condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
        while (!check(what, condition)) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("gave up after " + DEADLINE_SECONDS + " s waiting until " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    private static boolean check(String what, Condition condition) {
        try {
            return condition.holds();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError("failed while waiting until " + what, e);
        }
    }

    /**
     * Returns once {@code thread} is parked or blocked with {@code method} of {@code type} on its
     * stack: it has reached a wait there, not just passed by.
     */
    static void waitingIn(Thread thread, Class<?> type, String method) {
        until(thread.getName() + " waits in " + type.getSimpleName() + "." + method,
                () -> isWaitingIn(thread, type, method));
    }

    static boolean isWaitingIn(Thread thread, Class<?> type, String method) {
        Thread.State state = thread.getState();
        if (state != Thread.State.WAITING && state != Thread.State.TIMED_WAITING && state != Thread.State.BLOCKED) {
            return false;
        }
        return Arrays.stream(thread.getStackTrace())
                .anyMatch(f -> f.getClassName().equals(type.getName()) && f.getMethodName().equals(method));
    }
}
