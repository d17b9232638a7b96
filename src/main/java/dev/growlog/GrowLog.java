package dev.growlog;

import dev.growlog.error.ClosedLogException;
import dev.growlog.error.CorruptLogException;
import dev.growlog.error.NativeCallException;
import dev.growlog.internal.format.FileHeader;
import dev.growlog.internal.format.RecordFormat;
import dev.growlog.internal.mapping.GrowableMapping;
import dev.growlog.internal.nativeio.Syscalls;
import dev.growlog.internal.recovery.RecordCursor;
import dev.growlog.internal.recovery.RecordScanner;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An append-only log in one memory-mapped file that grows while it is mapped.
 *
 * <p>Records are byte arrays of 0 to {@link #maxPayload()} bytes. {@link #append(byte[])}
 * returns the record's position: its byte offset in the file, stable forever. Appends from
 * several threads are safe and serialised. Reads ({@link #read(long)}, {@link #reader(long)})
 * may run on any number of threads alongside appends; they return copies, and every record is
 * checked against its CRC32C before it is returned.
 *
 * <p>A record is <em>appended</em> once {@code append} returns: it is in the shared page cache
 * and survives the process being killed. It is <em>durable</em> once a {@link #sync()} that
 * started after the append has returned: it then survives power loss.
 *
 * <p>One process at a time may open a log for writing ({@link #open(Path)}); others may follow
 * it with {@link #openReadOnly(Path)}.
 *
 * <p>NOTE: a record that fails its checksum is never returned; reading it throws
 * {@link CorruptLogException} with its position. Recovery on open cuts only what follows the
 * last valid record after the checkpoint; damage before the checkpoint is reported when read.
 *
 * <p>NOTE: if another process truncates the file while it is mapped, access to the lost pages
 * can raise SIGBUS; growlog detects shrinking when it grows or follows the file, but cannot
 * guard against a truncation that races a read.
 */
public final class GrowLog implements AutoCloseable {
    private final Path file;
    private final Syscalls sys;
    private final int fd;
    private final GrowableMapping mapping;
    private final int maxPayload;
    /** The writer; null for a read-only log. */
    private final Appender appender;
    private final RecoveryReport recovery;
    /** Serialises appends, growth, syncs, following and close. */
    private final ReentrantLock lock = new ReentrantLock();
    private volatile boolean closed;

    /** Read-only logs: the end, records and payload bytes found so far; guarded by {@link #lock}. */
    private volatile long followedEnd;
    private long followedRecords;
    private long followedBytes;

    GrowLog(Path file, Syscalls sys, int fd, GrowableMapping mapping, int segmentSize, Appender appender,
            RecoveryReport recovery) {
        this.file = file;
        this.sys = sys;
        this.fd = fd;
        this.mapping = mapping;
        this.maxPayload = GrowLogConfig.maxPayload(segmentSize);
        this.appender = appender;
        this.recovery = recovery;
    }

    /** Opens the log at {@code path} for writing with the default configuration, creating it if absent. */
    public static GrowLog open(Path path) throws IOException {
        return open(path, GrowLogConfig.defaults());
    }

    /** Opens the log at {@code path} for writing, creating it if absent, and recovers it. */
    public static GrowLog open(Path path, GrowLogConfig config) throws IOException {
        return Opener.openWritable(Objects.requireNonNull(path, "path"), Objects.requireNonNull(config, "config"),
                Syscalls.libc());
    }

    /**
     * Opens an existing log for reading only. Another process may be writing it: readers follow
     * its growth. Nothing in the file is changed.
     */
    public static GrowLog openReadOnly(Path path) throws IOException {
        return openReadOnly(path, GrowLogConfig.defaults());
    }

    /** As {@link #openReadOnly(Path)}; of the configuration only the headroom applies. */
    public static GrowLog openReadOnly(Path path, GrowLogConfig config) throws IOException {
        return Opener.openReadOnly(Objects.requireNonNull(path, "path"), Objects.requireNonNull(config, "config"),
                Syscalls.libc());
    }

    /** Appends a record; returns its position. */
    public long append(byte[] payload) throws IOException {
        return append(payload, 0, payload.length);
    }

    /** Appends {@code length} bytes of {@code payload} from {@code offset}; returns the position. */
    public long append(byte[] payload, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, payload.length);
        checkLength(length);
        lock.lock();
        try {
            return writer().append(payload, offset, length);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Appends the bytes between the buffer's position and limit; returns the record's position.
     * The buffer's position and limit are left as they were.
     */
    public long append(ByteBuffer payload) throws IOException {
        checkLength(payload.remaining());
        lock.lock();
        try {
            return writer().append(payload);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Makes every appended record durable: writes the new pages to disk, then the checkpoint. If
     * this fails the log refuses further appends and syncs, since the kernel may have dropped
     * the pages it could not write.
     */
    public void sync() throws IOException {
        lock.lock();
        try {
            writer().sync();
        } finally {
            lock.unlock();
        }
    }

    /** Returns a copy of the payload of the record at {@code position}. */
    public byte[] read(long position) throws IOException {
        checkPosition(position, false);
        RecordCursor cursor = new RecordCursor(mapping);
        for (boolean followed = false; ; followed = true) {
            mapping.acquire();
            try {
                RecordCursor.Status status = cursor.inspect(position);
                if (status == RecordCursor.Status.RECORD) {
                    byte[] payload = new byte[cursor.length()];
                    if (!cursor.copyPayload(payload)) {
                        throw corrupt(position, cursor.problem());
                    }
                    return payload;
                }
                if (status != RecordCursor.Status.NOT_MAPPED || followed) {
                    throw new IllegalArgumentException("no record starts at position " + position + " in " + file);
                }
            } finally {
                mapping.release();
            }
            followGrowth();
        }
    }

    /**
     * A reader positioned at {@code position}, which must be the position of a record or the
     * end position. Close it when done (closing is cheap; it holds no lease between calls).
     */
    public LogReader reader(long position) throws IOException {
        checkPosition(position, true);
        return new LogReader(this, position);
    }

    /** Position of the first record. */
    public long startPosition() {
        return FileHeader.SIZE;
    }

    /** Position the next record will be appended at; for a read-only log, the end found so far. */
    public long endPosition() throws IOException {
        checkOpen();
        if (appender != null) {
            return appender.end();
        }
        follow();
        return followedEnd;
    }

    /** Largest payload this log accepts, in bytes. */
    public int maxPayload() {
        return maxPayload;
    }

    public Path file() {
        return file;
    }

    public boolean isReadOnly() {
        return appender == null;
    }

    /** What recovery found when this log was opened. */
    public RecoveryReport recoveryReport() {
        return recovery;
    }

    /** A snapshot of this log's counters. */
    public GrowLogStats stats() throws IOException {
        lock.lock();
        try {
            checkOpen();
            if (appender == null) {
                follow();
            }
            GrowableMapping.Counters c = mapping.counters();
            boolean writable = appender != null;
            return new GrowLogStats(writable ? appender.records() : followedRecords,
                    writable ? appender.payloadBytes() : followedBytes, startPosition(),
                    writable ? appender.end() : followedEnd,
                    writable ? appender.syncedEnd() : recovery.checkpoint(),
                    writable ? appender.fileSize() : sys.size(file, fd), mapping.mappedLength(), mapping.segmentSize(),
                    c.headroom(), c.growths(), c.inPlaceGrowths(), c.moves(), c.generation(), c.leases(),
                    c.maxMoveWaitNanos(), c.totalMoveWaitNanos(), c.viewHits(), c.viewMisses());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Syncs (for a writer, marking the shutdown clean), waits for running reads to finish, then
     * unmaps the file and releases it. Idempotent; any later use throws {@link ClosedLogException}.
     */
    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            IOException failure = null;
            try {
                if (appender != null) {
                    appender.closeCleanly();
                }
            } catch (IOException e) {
                failure = e;
            }
            failure = attempt(failure, mapping::close);
            failure = attempt(failure, () -> sys.close(file, fd));
            if (failure != null) {
                throw failure;
            }
        } finally {
            lock.unlock();
        }
    }

    private interface NativeStep {
        void run() throws NativeCallException;
    }

    private static IOException attempt(IOException failure, NativeStep step) {
        try {
            step.run();
            return failure;
        } catch (NativeCallException e) {
            if (failure == null) {
                return e;
            }
            failure.addSuppressed(e);
            return failure;
        }
    }

    @Override
    public String toString() {
        return "GrowLog[" + file + (appender == null ? ", read-only" : "") + (closed ? ", closed" : "") + "]";
    }

    GrowableMapping mapping() {
        return mapping;
    }

    CorruptLogException corrupt(long position, String problem) {
        return new CorruptLogException(file, position, problem);
    }

    /**
     * Read-only logs: grows the mapping to the file's current size. Returns false when there was
     * nothing to follow (always for a writer). Must not be called inside a lease.
     */
    boolean followGrowth() throws IOException {
        if (appender != null) {
            return false;
        }
        lock.lock();
        try {
            checkOpen();
            long size = sys.size(file, fd);
            long mapped = mapping.mappedLength();
            if (size < mapped) {
                throw new CorruptLogException(file, size, "file shrank while mapped: actual size=" + size
                        + " expected at least " + mapped + " (truncated by another process?)");
            }
            if (size == mapped) {
                return false;
            }
            mapping.growTo(size);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The end as far as this log knows it, without following the file: every commit word below it
     * has been published. Cheap; for readers that look at the end often.
     */
    long knownEnd() {
        return appender != null ? appender.end() : followedEnd;
    }

    void followed(long end, long records, long bytes) {
        followedEnd = end;
        followedRecords = records;
        followedBytes = bytes;
    }

    /** Read-only logs: follows growth and scans the records appended since the last look. */
    private void follow() throws IOException {
        lock.lock();
        try {
            followGrowth();
            mapping.acquire();
            try {
                RecordScanner.Result scan = RecordScanner.scan(mapping, followedEnd);
                followed(scan.end(), followedRecords + scan.records(), followedBytes + scan.bytes());
            } finally {
                mapping.release();
            }
        } finally {
            lock.unlock();
        }
    }

    private Appender writer() {
        checkOpen();
        if (appender == null) {
            throw new IllegalStateException("log " + file + " is open read-only");
        }
        return appender;
    }

    private void checkOpen() {
        if (closed) {
            throw new ClosedLogException("log " + file + " is closed");
        }
    }

    private void checkLength(int length) {
        if (length > maxPayload) {
            throw new IllegalArgumentException("record of " + length + " bytes exceeds the maximum payload of "
                    + maxPayload + " bytes (segment size minus 8) of " + file);
        }
    }

    private void checkPosition(long position, boolean endAllowed) throws IOException {
        long end = endPosition();
        boolean inRange = position >= startPosition() && (position < end || endAllowed && position == end);
        if (!inRange || position % RecordFormat.ALIGNMENT != 0) {
            throw new IllegalArgumentException("position " + position + " is not a record position in " + file
                    + " (records lie in [" + startPosition() + ", " + end + ") at multiples of "
                    + RecordFormat.ALIGNMENT + ")");
        }
    }
}
