package dev.growlog.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Makes SIGINT and SIGTERM stop a command the way its normal end does: the command finishes the
 * record in hand, syncs if asked, closes its log and prints its summary, and only then does the
 * process exit, with 130 (SIGINT) or 143 (SIGTERM).
 *
 * <p><b>How.</b> On SIGINT and SIGTERM the JVM runs its shutdown hooks and then halts with
 * 128 + the signal's number. The hook installed here asks the command to stop
 * ({@link Context#requestStop()}, which also wakes a command waiting for stdin) and then waits
 * until {@link #finished()} says that the command has returned: its log closed, its output
 * flushed and any error reported. The exit status stays the JVM's, so scripts see 130 or 143.
 *
 * <p><b>Concurrency.</b> The hook takes no lock the command holds and the command never waits for
 * the hook, so neither can block the other. {@link #finished()} is called after the command
 * returned and before {@code System.exit}; when a normal end and a signal race, either the hook
 * finds the command finished and returns at once, or {@code System.exit} blocks (a shutdown is
 * under way) while the hook sees the latch open and returns, and the JVM exits with the signal's
 * status. A signal before the hook is installed ends the process as the JVM's default does,
 * before any log is opened.
 *
 * <p>NOTE: the hook waits at most {@link #MAX_WAIT_SECONDS}: a command stuck for longer (say,
 * writing its summary to a full pipe nobody reads) is then cut off, and a log it had open is
 * recovered at its next open, as after a crash.
 */
final class StopOnSignal {
    /** How long the hook waits for the command to finish after the stop request, in seconds. */
    static final long MAX_WAIT_SECONDS = 30;

    private final Context context;
    private final long maxWaitMillis;
    /** Open once the command has returned: its log is closed and its output flushed. */
    private final CountDownLatch finished = new CountDownLatch(1);

    StopOnSignal(Context context, long maxWaitMillis) {
        this.context = context;
        this.maxWaitMillis = maxWaitMillis;
    }

    /**
     * Installs the hook for the process; null when the JVM is already shutting down (a signal
     * came first), in which case the command must not run.
     */
    static StopOnSignal install(Context context) {
        StopOnSignal stop = new StopOnSignal(context, TimeUnit.SECONDS.toMillis(MAX_WAIT_SECONDS));
        try {
            Runtime.getRuntime().addShutdownHook(new Thread(stop::onShutdown, "growlog-stop"));
        } catch (IllegalStateException shuttingDown) {
            return null;
        }
        return stop;
    }

    /** The command has returned: the hook may let the JVM halt. */
    void finished() {
        finished.countDown();
    }

    /**
     * The hook: asks the command to stop and waits for it to finish. Returns true when it
     * finished, false when the wait ran out.
     */
    boolean onShutdown() {
        context.requestStop();
        try {
            if (finished.await(maxWaitMillis, TimeUnit.MILLISECONDS)) {
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        context.err().println("growlog: still stopping after " + maxWaitMillis / 1000.0 + " s; exiting without "
                + "waiting longer (a log left open is recovered at its next open)");
        context.err().flush();
        return false;
    }
}
