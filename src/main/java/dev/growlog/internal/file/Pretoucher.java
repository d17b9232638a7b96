package dev.growlog.internal.file;

import dev.growlog.error.ClosedLogException;
import dev.growlog.error.CorruptLogException;
import dev.growlog.error.NativeCallException;
import dev.growlog.internal.mapping.GrowableMapping;
import dev.growlog.internal.nativeio.Syscalls;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Keeps the writer off the slow paths: a daemon thread that, ahead of the writer's end,
 * reserves the disk blocks of the next growth step and grows the file and mapping by that step
 * (when the writer is within the pretouch distance, or a quarter of the file, of the end), and
 * faults in the pages the writer is about to touch ({@code MADV_POPULATE_WRITE}), and looks up
 * the view of the writer's next segment. Growth follows the configured policy: it only happens
 * earlier, never in larger steps.
 *
 * <h2>Why</h2>
 * The first touch of a fresh file page costs a page fault of 1.5-2 µs, and a large
 * {@code fallocate} can take tens of milliseconds; done on the writer's path, they cap
 * throughput and make the tail latency of appends a disk allocation.
 *
 * <h2>Concurrency</h2>
 * Block reservation runs without the append lock but under the writer's reserve lock, which
 * also guards the file size it starts from; growth of the mapping runs under the append lock,
 * as all growth does; population runs inside a lease, so the mapping cannot move under
 * {@code madvise}. The mapped length it reads outside a lease only decides how far to work
 * ahead: a stale value costs a wasted look, never an access, because {@code populate} clips
 * to the mapping inside its lease. The writer wakes the thread when its end passes a mark half
 * way through the populated distance; otherwise the thread sleeps.
 *
 * <h2>Scheduling</h2>
 * The thread runs under {@code SCHED_BATCH}. The writer wakes it, and a plain thread woken
 * that way may preempt the writer on the writer's own CPU and keep it off for milliseconds
 * while it populates pages: in a paced run on two cores the writer lost its CPU inside that
 * wake-up 2,778 times, and 15 of its 17 stalls over 300 µs were the pretoucher. A batch thread
 * gets the same share of CPU but never preempts on wake-up (2 such losses in the same run).
 *
 * <p>NOTE: on kernels without {@code MADV_POPULATE_WRITE} (before 5.14) the thread stops
 * populating and only reserves and grows ahead.
 */
public final class Pretoucher implements Runnable {
    /** Pages are populated in chunks of this many bytes, each inside its own lease. */
    private static final long CHUNK = 1 << 20;
    /** Longest sleep between looks when the writer does not wake the thread. */
    private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    /** The pretoucher works at most a {@code 1/NEAR_FRACTION} of the mapping ahead of the writer. */
    private static final int NEAR_FRACTION = 4;

    private final Path file;
    private final Syscalls sys;
    private final Appender appender;
    /** The writer's failure state: a file cut below the mapping sets it. */
    private final WriterFailure failure;
    private final GrowableMapping mapping;
    private final OrderedLock appendLock;
    /** How far ahead of the writer's end to work, in bytes. */
    private final long ahead;
    private final Thread thread;
    private volatile boolean stopped;
    /** Pages before this position are populated. */
    private long populatedTo;
    private boolean canPopulate = true;
    /** Bytes populated, for stats. */
    private volatile long populatedBytes;

    public Pretoucher(Path file, Syscalls sys, Appender appender, WriterFailure failure, GrowableMapping mapping,
               OrderedLock appendLock, long ahead) {
        this.file = file;
        this.sys = sys;
        this.appender = appender;
        this.failure = failure;
        this.mapping = mapping;
        this.appendLock = appendLock;
        this.ahead = ahead;
        this.thread = new Thread(this, "growlog-pretoucher " + file.getFileName());
        this.thread.setDaemon(true);
    }

    /** The smallest file size from which this works the whole distance {@code ahead} of the writer. */
    public static long fileSizeToWorkAhead(long ahead) {
        return ahead * NEAR_FRACTION;
    }

    void start() {
        populatedTo = appender.end();
        thread.start();
    }

    @Override
    public void run() {
        try {
            sys.batchScheduling(file);
        } catch (NativeCallException refused) {
            // Only a scheduling hint: without it a wake-up may preempt the writer for a moment.
        }
        while (!stopped) {
            try {
                long end = appender.end();
                populate(end); // first what is mapped: the writer needs it soonest
                long near = Math.min(ahead, mapping.mappedLength() / NEAR_FRACTION);
                if (end + near > mapping.mappedLength()) {
                    appender.reserveAhead();
                    growAhead();
                    populate(appender.end());
                }
                lookUpNextView();
                long mapped = mapping.mappedLength();
                near = Math.min(ahead, mapped / NEAR_FRACTION);
                appender.wakeAt(thread, Math.max(end, Math.min(populatedTo - ahead / 2, mapped - near)));
            } catch (ClosedLogException e) {
                return;
            } catch (CorruptLogException shrank) {
                // The file was cut below the mapping: appends into the lost pages would SIGBUS.
                failure.fail(shrank);
                return;
            } catch (IOException e) {
                // growth failed (full disk, maximum size): the writer's own growth reports it
                appender.wakeAt(thread, appender.end() + ahead / 2);
            }
            LockSupport.parkNanos(this, IDLE_NANOS);
        }
    }

    /** Grows the file and mapping by one step of the growth policy, as the writer would. */
    private void growAhead() throws IOException {
        appendLock.lock();
        try {
            if (!stopped) {
                appender.growAhead();
            }
        } finally {
            appendLock.unlock();
        }
    }

    private void populate(long end) {
        populatedTo = Math.max(populatedTo, end);
        // Only a bound: the mapping may grow meanwhile, and populate() clips to it in a lease.
        long target = Math.min(end + ahead, mapping.mappedLength());
        while (canPopulate && !stopped && populatedTo < target) {
            long to = Math.min(target, populatedTo + CHUNK);
            mapping.acquire();
            try {
                mapping.populate(populatedTo, to);
            } catch (NativeCallException e) {
                canPopulate = false; // the kernel lacks the advice, or the range went away
                return;
            } finally {
                mapping.release();
            }
            populatedBytes += to - populatedTo;
            populatedTo = to;
        }
    }

    private void lookUpNextView() {
        mapping.acquire();
        try {
            appender.lookUpNextView();
        } finally {
            mapping.release();
        }
    }

    long populatedBytes() {
        return populatedBytes;
    }

    /** Asks the thread to stop, without waiting. */
    void signalStop() {
        stopped = true;
        LockSupport.unpark(thread);
    }

    /** Stops the thread and waits for it. */
    void stop() {
        stopped = true;
        LockSupport.unpark(thread);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
