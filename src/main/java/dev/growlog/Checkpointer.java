package dev.growlog;

import dev.growlog.error.ClosedLogException;
import dev.growlog.error.CorruptLogException;
import dev.growlog.error.GrowLogException;
import dev.growlog.error.NativeCallException;
import dev.growlog.internal.format.FileHeader;
import dev.growlog.internal.mapping.GrowableMapping;
import dev.growlog.internal.nativeio.Syscalls;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Makes appended records durable: writes their pages to disk, then the header checkpoint.
 *
 * <h2>Group commit</h2>
 * A thread that needs position {@code p} durable takes the sync lock and, unless a sync that
 * finished meanwhile already covers {@code p}, syncs everything appended so far. Appends go on
 * while a sync runs (they take only the append lock), so threads that wait for the sync lock
 * are usually covered by the next sync and return without one of their own.
 *
 * <h2>Crash safety</h2>
 * Data first, then the checkpoint, then the header page: a checkpoint never points past data
 * that is not on disk. The pages are synced inside a lease, so the mapping cannot move under
 * {@code msync}. A failed sync is fatal: the kernel may have dropped the dirty pages it could
 * not write, so retrying could report success for lost data. The writer then refuses appends
 * and syncs with the original error.
 *
 * <p>Lock order: sync lock, then append lock; never the other way round.
 */
final class Checkpointer {
    private final Path file;
    private final Syscalls sys;
    private final int fd;
    private final GrowableMapping mapping;
    private final Appender appender;
    private final ReentrantLock appendLock;
    private final ReentrantLock syncLock = new ReentrantLock();

    /** Every record before this position is durable. */
    private volatile long syncedEnd;
    /** Set when a sync failed; from then on appends and syncs fail with it. */
    private volatile GrowLogException failure;
    /** Completed syncs. */
    private volatile long syncs;
    private Thread flusher;

    Checkpointer(Path file, Syscalls sys, int fd, GrowableMapping mapping, Appender appender,
                 ReentrantLock appendLock, long syncedEnd) {
        this.file = file;
        this.sys = sys;
        this.fd = fd;
        this.mapping = mapping;
        this.appender = appender;
        this.appendLock = appendLock;
        this.syncedEnd = syncedEnd;
    }

    /** Returns once every record before {@code target} is durable. */
    void syncTo(long target) throws IOException {
        checkUsable();
        if (syncedEnd >= target) {
            return;
        }
        syncLock.lock();
        try {
            checkUsable();
            if (syncedEnd < target) {
                checkpoint(false);
            }
        } finally {
            syncLock.unlock();
        }
    }

    /** Syncs everything and records a checkpoint that marks the log open (or, at close, clean). */
    void checkpoint(boolean clean) throws IOException {
        syncLock.lock();
        try {
            long end;
            long records;
            long bytes;
            appendLock.lock();
            try {
                end = appender.end();
                records = appender.records();
                bytes = appender.payloadBytes();
            } finally {
                appendLock.unlock();
            }
            write(end, records, bytes, clean);
        } finally {
            syncLock.unlock();
        }
    }

    private void write(long end, long records, long bytes, boolean clean) throws IOException {
        mapping.acquire();
        try {
            long size = sys.size(file, fd);
            if (size < mapping.mappedLength()) {
                throw fail(new CorruptLogException(file, size, "file shrank while open: actual size=" + size
                        + " expected at least " + mapping.mappedLength() + " (truncated by another process?)"));
            }
            mapping.sync(syncedEnd, end);
            FileHeader.writeCheckpoint(mapping.segment(0), end, records, bytes, clean);
            mapping.sync(0, FileHeader.SIZE);
        } catch (NativeCallException e) {
            throw fail(new GrowLogException(file, "sync of " + file + " failed; the log refuses further appends"
                    + " and syncs (records after position " + syncedEnd + " may not be durable)", e));
        } finally {
            mapping.release();
        }
        syncedEnd = end;
        syncs++;
    }

    /** After an explicit repair: everything from {@code from} on is synced again at the next checkpoint. */
    void resyncFrom(long from) {
        syncedEnd = from;
    }

    /** Moves the writer to the failed state with {@code e}; returns it for throwing. */
    GrowLogException fail(GrowLogException e) {
        failure = e;
        return e;
    }

    void checkUsable() throws GrowLogException {
        GrowLogException failed = failure;
        if (failed != null) {
            throw new GrowLogException(file, "log " + file + " failed earlier and refuses writes: "
                    + failed.getMessage(), failed);
        }
    }

    boolean failed() {
        return failure != null;
    }

    long syncedEnd() {
        return syncedEnd;
    }

    long syncs() {
        return syncs;
    }

    /** Starts a daemon thread that syncs every {@code intervalNanos} while there is something new. */
    void startFlusher(long intervalNanos) {
        flusher = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                LockSupport.parkNanos(intervalNanos);
                try {
                    syncTo(appender.end());
                } catch (ClosedLogException | GrowLogException stop) {
                    return; // closed, or failed: the failure is reported to the next append
                } catch (IOException e) {
                    fail(new GrowLogException(file, "background sync of " + file + " failed", e));
                    return;
                }
            }
        }, "growlog-flusher " + file.getFileName());
        flusher.setDaemon(true);
        flusher.start();
    }

    /** Stops the flusher and waits for it; call before the final checkpoint. */
    void stopFlusher() {
        Thread thread = flusher;
        if (thread != null) {
            thread.interrupt();
            LockSupport.unpark(thread);
            try {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
