package dev.growlog.internal.chain;

import dev.growlog.Durability;
import dev.growlog.GrowLogConfig;
import dev.growlog.error.GrowLogException;
import dev.growlog.error.LogFullException;
import dev.growlog.internal.file.AppendBatch;
import dev.growlog.internal.file.DiskBudget;
import dev.growlog.internal.file.LockOrder;
import dev.growlog.internal.file.LogFile;
import dev.growlog.internal.file.OrderedLock;
import dev.growlog.internal.mapping.GrowableMapping;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The writer of a log: appends (a record from an array or a buffer, or a batch; as the
 * durability policy says, or durably), the retry of an append after retention made room, syncs,
 * the interval flusher, moving the start, and waking the tailers of this process.
 *
 * <h2>One append path</h2>
 * Every append checks its length, then, under the append lock, asks the chain for the file it
 * goes to (rolling when it does not fit) and writes it there; outside the lock it wakes tailers
 * and, when durable, waits for a sync. An append refused by the disk budget runs retention
 * outside the append lock (it takes the chain lock and waits for readers of the files it
 * deletes, {@link LockOrder}) and is tried once more.
 */
public final class WriterSide implements LogSide {
    private final Chain chain;
    private final Path dir;
    /** Largest payload in bytes: the segment size minus 8. */
    private final int maxPayload;
    private final Durability durability;
    /** Wakes tailers in this process after each append, at truncation and at close. */
    private final Signal appended = new Signal();
    /** Nanoseconds between interval syncs. */
    private final long flusherNanos;
    /** Interval syncs; null unless the durability policy is {@link Durability#INTERVAL}. */
    private final Thread flusher;

    public WriterSide(Chain chain, GrowLogConfig config, int maxPayload) {
        this.chain = chain;
        this.dir = chain.dir();
        this.maxPayload = maxPayload;
        this.durability = config.durability();
        this.flusherNanos = config.syncInterval().toNanos();
        this.flusher = durability == Durability.INTERVAL ? startFlusher() : null;
    }

    /**
     * Appends {@code records} (a byte[] range, a ByteBuffer or a batch) as the durability
     * policy says. Returns the position of a single record; -1 for a batch, whose positions are
     * in it.
     */
    public long append(Object records, int offset, int length) throws IOException {
        return append(records, offset, length, durability == Durability.EVERY_APPEND);
    }

    /** As {@link #append(Object, int, int)}, returning once the records are durable. */
    public long appendDurable(Object records, int offset, int length) throws IOException {
        return append(records, offset, length, true);
    }

    private long append(Object records, int offset, int length, boolean durable) throws IOException {
        checkAppend(length, durable);
        try {
            return appendOnce(records, offset, length, durable);
        } catch (DiskBudget.OverBudget full) {
            // Outside the append lock: retention takes the chain lock and waits for readers of
            // the files it deletes.
            String blocked = chain.enforceRetention(full.bytes());
            try {
                return appendOnce(records, offset, length, durable);
            } catch (DiskBudget.OverBudget still) {
                throw new LogFullException(dir, still.getMessage() + (blocked == null ? ""
                        : "; retention could not make room: " + blocked) + "; nothing was appended, and appends "
                        + "work again once the cursor moves past that file or the budget allows", still);
            }
        }
    }

    private long appendOnce(Object records, int offset, int length, boolean durable) throws IOException {
        OrderedLock lock = chain.appendLock();
        LogFile file;
        long position = -1;
        long end;
        lock.lockOrRefuse("append");
        try {
            chain.checkOpen();
            // Exact class tests first: an interface test on a byte[] costs the hot path a scan.
            if (records instanceof byte[]) {
                file = chain.fileFor(length);
                position = file.append((byte[]) records, offset, length);
            } else if (records instanceof ByteBuffer) {
                file = chain.fileFor(length);
                position = file.append((ByteBuffer) records);
            } else {
                file = chain.fileFor((AppendBatch) records);
                file.append((AppendBatch) records);
            }
            end = file.appender().end();
            chain.appended(file, end);
        } finally {
            lock.unlock();
        }
        chain.dropSealedBelowStart();
        appended.signalAll();
        if (durable) {
            chain.syncTo(file, end);
        }
        return position < 0 ? -1 : file.base() + position;
    }

    /**
     * Checks an append before anything is written: its length, and that a durable one, which
     * waits for a sync, is not made inside a lease.
     */
    private void checkAppend(int length, boolean durable) {
        if (length > maxPayload) {
            throw new IllegalArgumentException("record of " + length + " bytes exceeds the maximum payload of "
                    + maxPayload + " bytes (segment size minus 8) of " + dir);
        }
        if (durable) {
            GrowableMapping.refuseInsideAnyLease("a durable append", dir);
        }
    }

    /** Makes every appended record durable, in every file; see {@code GrowLog.sync()}. */
    public void sync() throws IOException {
        chain.checkOpen();
        chain.failure().check();
        LogFile file = chain.current();
        long end = file.appender().end();
        if (file.checkpointer().syncedEnd() < end) {
            GrowableMapping.refuseInsideAnyLease("sync", dir);
        }
        chain.syncTo(file, end);
    }

    /**
     * Syncs, then moves the start to {@code position} durably and deletes the files below it;
     * the caller checked that a record or the end is there. Wakes tailers waiting below it.
     */
    public void truncateBefore(long position) throws IOException {
        sync();
        chain.truncateBefore(position);
        appended.wakeAll(); // tailers waiting below the new start see it at once
    }

    @Override
    public long startPosition() {
        return chain.start();
    }

    @Override
    public long endPosition() {
        chain.checkOpen();
        return chain.writerEnd();
    }

    @Override
    public long knownEnd() {
        return endPosition();
    }

    @Override
    public void awaitAppend(long position, long nanos) throws InterruptedException {
        appended.await(() -> chain.isClosed() || position < chain.start() || writerEndRaw() > position, nanos);
    }

    /** The writer's end, not normalized: a span end stays the span end. */
    private long writerEndRaw() {
        LogFile file = chain.current();
        return file.base() + file.appender().end();
    }

    @Override
    public FileCounters counters(long end) {
        LogFile file = chain.current();
        return new FileCounters(file, file.base() + file.checkpointer().syncedEnd(), file.checkpointer().syncs(),
                file.appender().fileSize(), file.appender().pretouchedBytes());
    }

    @Override
    public WriterSide writer() {
        return this;
    }

    @Override
    public LogFile current() {
        return chain.current();
    }

    @Override
    public void shutDown() {
        if (flusher != null) {
            flusher.interrupt();
            LockSupport.unpark(flusher);
            Uninterruptibly.join(flusher, 30, TimeUnit.SECONDS);
        }
        chain.markClosed();
        appended.wakeAll();
    }

    /** Syncs every interval while there is something new, until close; failures fail the writer. */
    private Thread startFlusher() {
        Thread thread = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                LockSupport.parkNanos(flusherNanos);
                try {
                    if (chain.isClosed()) {
                        return;
                    }
                    sync();
                } catch (GrowLogException | IllegalStateException stop) {
                    return; // closed, or failed: the failure is reported to the next append
                } catch (IOException e) {
                    chain.failure().fail(new GrowLogException(dir, "background sync of " + dir + " failed", e));
                    return;
                }
            }
        }, "growlog-flusher " + dir.getFileName());
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
