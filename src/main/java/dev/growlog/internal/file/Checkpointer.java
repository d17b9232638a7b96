package dev.growlog.internal.file;

import dev.growlog.error.CorruptLogException;
import dev.growlog.error.GrowLogException;
import dev.growlog.error.NativeCallException;
import dev.growlog.internal.format.FileHeader;
import dev.growlog.internal.mapping.GrowableMapping;
import dev.growlog.internal.nativeio.Syscalls;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes appended records durable: writes their pages to disk, then the header checkpoint.
 *
 * <h2>Group commit</h2>
 * A thread that needs position {@code p} durable either finds a finished sync that covers it,
 * or waits while another thread's sync runs, or becomes the one thread that syncs: it syncs
 * everything appended so far. Appends go on while a sync runs (they take only the append lock),
 * so the threads that wait are usually covered by the next sync, and a thread whose record the
 * running sync already covers returns as soon as that sync ends instead of queueing behind the
 * next one.
 *
 * <h2>One msync per sync</h2>
 * A sync is one {@code msync} of the pages from the previous sync's end to the new end. The
 * checkpoint for this sync is written into the header page only once the data it points to is
 * on disk. The header page joins a sync's {@code msync} (which then covers {@code [0, end)})
 * only when the checkpoint in it is {@link #HEADER_SYNC_STRIDE} past the one last synced;
 * otherwise it reaches the disk at a later such sync, at close, or whenever the kernel writes
 * the page back. So a checkpoint on disk never points past data that is not on disk, and after
 * a power loss recovery scans at most about a mebibyte and one sync's records more than it
 * would with the checkpoint synced every time. Syncing the header page every time wrote 4 KiB
 * per sync for nothing a reader needs: with 16 records of 256 B per sync, half the data.
 * {@link #checkpoint(boolean)} (open, close, repair) syncs the header too.
 *
 * <h2>Crash safety</h2>
 * The pages are synced inside a lease, so the mapping cannot move under {@code msync}. A
 * failed sync is fatal: the kernel may have dropped the dirty pages it could not write, so
 * retrying could report success for lost data. It moves the log's {@link WriterFailure} to the
 * failed state, and the writer then refuses appends and syncs, in every file, with the original
 * error.
 *
 * <p>Lock order ({@link LockOrder}): the sync lock, then the append lock, then a lease. A sync
 * waits for other threads and for leases, so it is refused inside a lease.
 */
public final class Checkpointer {
    /** The longest a sync waits for the threads it expects; see {@link #gatherWaiters()}. */
    private static final long GATHER_NANOS = TimeUnit.MICROSECONDS.toNanos(50);
    /** How far the checkpoint in the header page may run ahead of the one on disk before a sync writes it, in bytes. */
    public static final long HEADER_SYNC_STRIDE = 1 << 20;

    private final Path file;
    private final Syscalls sys;
    private final int fd;
    private final GrowableMapping mapping;
    private final Appender appender;
    private final OrderedLock appendLock;
    /** Held while pages are synced: by a group commit, or by a full checkpoint. */
    private final OrderedLock syncLock;
    /** Guards {@link #syncing}; threads waiting for a running sync wait on it. */
    private final Object turn = new Object();
    /** True while a thread runs a sync for {@link #syncTo}. */
    private boolean syncing;
    /** Threads in {@link #syncTo} whose target was not durable when they came in. */
    private final AtomicInteger waiting = new AtomicInteger();
    /** Calls of {@link #syncTo} that had to wait, ever; each came after its record was appended. */
    private final AtomicLong arrivals = new AtomicLong();
    /** {@link #arrivals} that the previous sync covered; used by the syncing thread only. */
    private long arrivalsCovered;
    /** Threads that were waiting when the previous sync ended; used by the syncing thread only. */
    private int expectedWaiters;

    /** Every record before this position is durable. */
    private volatile long syncedEnd;
    /** The checkpoint the header page held when it was last synced; under the sync lock. */
    private long headerSynced;
    /** The writer's failure state, shared by every file of the log; a failed sync sets it. */
    private final WriterFailure failure;
    /** Completed syncs. */
    private volatile long syncs;

    Checkpointer(Path file, Syscalls sys, int fd, GrowableMapping mapping, Appender appender,
                 OrderedLock appendLock, WriterFailure failure, long syncedEnd) {
        this.file = file;
        this.sys = sys;
        this.fd = fd;
        this.mapping = mapping;
        this.appender = appender;
        this.appendLock = appendLock;
        this.failure = failure;
        this.syncLock = new OrderedLock(LockOrder.SYNC, mapping);
        this.syncedEnd = syncedEnd;
        this.headerSynced = syncedEnd;
    }

    /** Returns once every record before {@code target} is durable. */
    public void syncTo(long target) throws IOException {
        failure.check();
        if (syncedEnd >= target) {
            return;
        }
        mapping.refuseInsideLease("sync");
        waiting.incrementAndGet();
        arrivals.incrementAndGet();
        boolean leading = false;
        try {
            leading = takeTurn(target);
            if (leading) {
                gatherWaiters();
                syncAppended();
                expectedWaiters = waiting.get();
            }
        } finally {
            waiting.decrementAndGet();
            if (leading) {
                synchronized (turn) {
                    syncing = false;
                    turn.notifyAll();
                }
            }
        }
        failure.check();
    }

    /**
     * Waits while another thread syncs; returns true if this thread must sync for
     * {@code target}, false once a finished sync covers it (or the log failed).
     */
    private boolean takeTurn(long target) {
        boolean interrupted = false;
        try {
            synchronized (turn) {
                while (syncing && syncedEnd < target && !failure.failed()) {
                    try {
                        turn.wait();
                    } catch (InterruptedException e) {
                        interrupted = true; // a sync takes milliseconds: finish waiting, keep the flag
                    }
                }
                if (syncedEnd >= target || failure.failed()) {
                    return false;
                }
                syncing = true;
                return true;
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Before a sync, waits briefly (at most {@link #GATHER_NANOS}) until as many threads have
     * asked for durability since the previous sync as were waiting when it ended. Without this
     * wait, the thread that ran the previous sync, which appends its next record a moment after
     * the others have asked, would always just miss the next sync. A single thread never waits;
     * when a thread stops appending, one sync waits in vain and the next expects one fewer.
     */
    private void gatherWaiters() {
        long deadline = System.nanoTime() + GATHER_NANOS;
        while (arrivals.get() - arrivalsCovered < expectedWaiters && System.nanoTime() < deadline) {
            Thread.yield();
        }
        arrivalsCovered = arrivals.get();
    }

    /** Syncs everything appended so far with one msync, then records the checkpoint in memory. */
    private void syncAppended() throws IOException {
        syncLock.lock();
        try {
            failure.check();
            Counts counts = counts();
            if (counts.end <= syncedEnd) {
                return;
            }
            mapping.acquire();
            try {
                checkSize();
                // The header page holds the checkpoint of the previous sync, syncedEnd.
                boolean withHeader = syncedEnd - headerSynced >= HEADER_SYNC_STRIDE;
                mapping.sync(withHeader ? 0 : syncedEnd, counts.end);
                if (withHeader) {
                    headerSynced = syncedEnd;
                }
                FileHeader.writeCheckpoint(mapping.segment(0), counts.end, counts.records, counts.bytes, false);
            } catch (NativeCallException e) {
                throw failedSync(e);
            } finally {
                mapping.release();
            }
            synced(counts.end);
        } finally {
            syncLock.unlock();
        }
    }

    /**
     * Syncs everything, then records a checkpoint that marks the log open (or, at close, clean)
     * and syncs the header page too.
     */
    void checkpoint(boolean clean) throws IOException {
        syncLock.lock();
        try {
            Counts counts = counts();
            mapping.acquire();
            try {
                checkSize();
                mapping.sync(syncedEnd, counts.end);
                FileHeader.writeCheckpoint(mapping.segment(0), counts.end, counts.records, counts.bytes, clean);
                mapping.sync(0, FileHeader.SIZE);
                headerSynced = counts.end;
            } catch (NativeCallException e) {
                throw failedSync(e);
            } finally {
                mapping.release();
            }
            synced(counts.end);
        } finally {
            syncLock.unlock();
        }
    }

    /** The writer's end and totals, read together. */
    private record Counts(long end, long records, long bytes) {
    }

    private Counts counts() {
        appendLock.lock();
        try {
            return new Counts(appender.end(), appender.records(), appender.payloadBytes());
        } finally {
            appendLock.unlock();
        }
    }

    /**
     * Fails the writer if the file is now shorter than the mapping. Growth (by the writer or the
     * pretoucher, in place and without the barrier, so while this thread holds a lease) extends
     * the file first and the mapping after it: so the mapped length is read first and the file
     * size after it. Read the other way round, a growth landing between the two reads looks
     * exactly like a file cut by one growth step.
     */
    private void checkSize() throws IOException {
        long mapped = mapping.mappedLength();
        long size = sys.size(file, fd);
        if (size < mapped) {
            throw failure.fail(new CorruptLogException(file, size, "file shrank while open: actual size=" + size
                    + " expected at least " + mapped + " (truncated by another process?)"));
        }
    }

    private GrowLogException failedSync(NativeCallException e) {
        return failure.fail(new GrowLogException(file, "sync of " + file + " failed; the log refuses further appends"
                + " and syncs (records after position " + syncedEnd + " may not be durable)", e));
    }

    private void synced(long end) {
        syncedEnd = end;
        syncs++;
    }

    /** After an explicit repair: everything from {@code from} on is synced again at the next checkpoint. */
    public void resyncFrom(long from) {
        syncedEnd = from;
    }

    public long syncedEnd() {
        return syncedEnd;
    }

    OrderedLock appendLock() {
        return appendLock;
    }

    public long syncs() {
        return syncs;
    }
}
