package dev.growlog.internal.file;

import dev.growlog.RecoveryReport;
import dev.growlog.RepairMode;
import dev.growlog.RepairReport;
import dev.growlog.error.ClosedLogException;
import dev.growlog.error.CorruptLogException;
import dev.growlog.internal.format.FileHeader;
import dev.growlog.internal.mapping.GrowableMapping;
import dev.growlog.internal.nativeio.Syscalls;
import dev.growlog.internal.recovery.RecordCursor;
import dev.growlog.internal.recovery.RecordScanner;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One data file of a log: a memory-mapped file that grows while it is mapped, with its writer
 * (appender, checkpointer, pretoucher) or, read-only, its follower. The chain layer's
 * {@code Chain} owns the files of a log; {@code dev.growlog.GrowLog} is the public façade.
 *
 * <p>Positions handed to and returned by a {@code LogFile} are offsets in the file ("local");
 * the file's {@link #base()} plus an offset is the global position users see, and the one every
 * record's checksum is bound to.
 *
 * <p>The writer's files share one append lock (the chain's {@link LockOrder#WRITE} lock): the
 * caller holds it around {@link #append}. A sealed file (the writer rolled past it) keeps its
 * writer until the chain has synced it and marked it cleanly shut down; then it is closed, and
 * read again through a read-only {@code LogFile} when a reader needs it.
 */
public final class LogFile implements AutoCloseable {
    private final Path file;
    private final Syscalls sys;
    private final int fd;
    private final GrowableMapping mapping;
    /** Global position of byte 0 of this file: index * span. */
    private final long base;
    /** Bytes of global positions the file covers. */
    private final long span;
    /** The writer, its checkpoints and the log's writer failure state; all null for a read-only file. */
    private final Appender appender;
    private final Checkpointer checkpointer;
    private final WriterFailure writerFailure;
    /** Follows the file's growth and finds new records; null for a writer. */
    private final Follower follower;
    private final RecoveryReport recovery;
    private final AtomicBoolean closing = new AtomicBoolean();
    /** Read-only: readers positioned in this file; see {@code Chain.entered}. */
    private final AtomicInteger readers = new AtomicInteger();
    private volatile boolean closed;
    /** Set once a sealed file has been synced and marked cleanly shut down; it is closed after. */
    private volatile boolean retired;

    /** A writer (appender, checkpointer and failure set) or a read-only file (follower set). */
    LogFile(Path file, Syscalls sys, int fd, GrowableMapping mapping, long base, long span, Appender appender,
            Checkpointer checkpointer, WriterFailure failure, Follower follower, RecoveryReport recovery) {
        this.file = file;
        this.sys = sys;
        this.fd = fd;
        this.mapping = mapping;
        this.base = base;
        this.span = span;
        this.appender = appender;
        this.checkpointer = checkpointer;
        this.writerFailure = failure;
        this.follower = follower;
        this.recovery = recovery;
    }

    /**
     * Appends a record; returns its offset. The caller holds the append lock and checked the
     * length, and that the writer has not failed ({@code Chain.fileFor(int)}).
     */
    public long append(byte[] payload, int offset, int length) throws IOException {
        return writer().append(payload, offset, length);
    }

    /**
     * Appends every record of the batch, storing their global positions in it; see
     * {@link Appender#append(AppendBatch)}.
     */
    public void append(AppendBatch batch) throws IOException {
        writer().append(batch);
    }

    /** As {@link #append(byte[], int, int)} for the bytes between the buffer's position and limit. */
    public long append(ByteBuffer payload) throws IOException {
        return writer().append(payload);
    }

    public interface CursorAction<T> {
        T apply(RecordCursor cursor) throws IOException;
    }

    /**
     * Runs {@code action} inside a lease with a cursor on the record at offset {@code position};
     * {@code first} says whether a record must start there (the first record of the log).
     */
    public <T> T atRecord(long position, boolean first, CursorAction<T> action) throws IOException {
        RecordCursor cursor = cursor();
        for (boolean followed = false; ; followed = true) {
            mapping.acquire();
            try {
                RecordCursor.Status status = cursor.inspect(position);
                if (status == RecordCursor.Status.RECORD) {
                    return action.apply(cursor);
                }
                if (status != RecordCursor.Status.NOT_MAPPED || followed) {
                    String why = status == RecordCursor.Status.INVALID ? cursor.problem() : status.name();
                    if (first) {
                        throw corrupt(position, "no valid first record: " + why); // a record always starts here
                    }
                    throw notARecord(position, why);
                }
            } finally {
                mapping.release();
            }
            followGrowth();
        }
    }

    /** Throws IllegalArgumentException unless a record or padding starts at offset {@code position}. */
    public void checkRecordStart(long position) throws IOException {
        RecordCursor cursor = cursor();
        for (boolean followed = false; ; followed = true) {
            RecordCursor.Status status;
            mapping.acquire();
            try {
                status = cursor.inspect(position);
            } finally {
                mapping.release();
            }
            if (status == RecordCursor.Status.RECORD || status == RecordCursor.Status.PADDING) {
                return;
            }
            if (status != RecordCursor.Status.NOT_MAPPED || followed) {
                throw notARecord(position, status == RecordCursor.Status.INVALID ? cursor.problem() : status.name());
            }
            followGrowth();
        }
    }

    private IllegalArgumentException notARecord(long position, String why) {
        return new IllegalArgumentException("no record starts at position " + (base + position) + " in " + file
                + ": " + why);
    }

    /** Checks the records in offsets {@code [from, limit)}, past damage; positions in the result are offsets. */
    public RecordScanner.Result verify(long from, long limit, java.util.function.LongConsumer progress) {
        return RecordScanner.inLeases(mapping, base, from, true, limit, RecordScanner.LEASE_PIECE, progress);
    }

    /**
     * Applies a repair to this file, just opened for writing with its damage kept, leaving what
     * lies before offset {@code start} alone.
     */
    public RepairReport repair(RepairMode mode, long start, OrderedLock appendLock) throws IOException {
        return Repairer.apply(mode, start, file, sys, fd, mapping, base, appender, checkpointer, appendLock);
    }

    /** A cursor over this file, for one reader. */
    public RecordCursor cursor() {
        return new RecordCursor(mapping, base);
    }

    public Path file() {
        return file;
    }

    public long base() {
        return base;
    }

    public long span() {
        return span;
    }

    /** The file's index in the chain. */
    public long index() {
        return base / span;
    }

    public GrowableMapping mapping() {
        return mapping;
    }

    /** The writer, or null when read-only. */
    public Appender appender() {
        return appender;
    }

    public Checkpointer checkpointer() {
        return checkpointer;
    }

    public Follower follower() {
        return follower;
    }

    public RecoveryReport recovery() {
        return recovery;
    }

    int fd() {
        return fd;
    }

    public boolean isClosed() {
        return closed;
    }

    public CorruptLogException corrupt(long position, String problem) {
        return new CorruptLogException(file, base + position, problem);
    }

    /** Read-only files: grows the mapping to the file's size; nothing for a writer. */
    public void followGrowth() throws IOException {
        if (follower == null) {
            return;
        }
        checkOpen();
        follower.followGrowth();
    }

    /**
     * The end offset as far as this file knows it, without following the file: every commit
     * word below it has been published.
     */
    public long knownEnd() {
        return appender != null ? appender.end() : follower.knownEnd();
    }

    /** The end offset: the writer's, or found by following the file now. */
    public long end() throws IOException {
        checkOpen();
        return appender != null ? appender.end() : follower.follow().end();
    }

    /** The checkpoint the header holds now: records before it are durable. */
    public long checkpointInFile() {
        mapping.acquire();
        try {
            return FileHeader.checkpoint(mapping.segment(0));
        } finally {
            mapping.release();
        }
    }

    private Appender writer() throws IOException {
        checkOpen();
        if (appender == null) {
            throw new IllegalStateException("file " + file + " is open read-only");
        }
        return appender;
    }

    void checkOpen() {
        if (closed) {
            throw new ClosedLogException("log file " + file + " is closed");
        }
    }

    /**
     * A sealed writer's file: syncs everything, marks it cleanly shut down and closes it.
     * Idempotent; the caller serialises calls (the chain lock).
     */
    public void retire() throws IOException {
        if (closed) {
            return;
        }
        if (checkpointer != null && !writerFailure.failed()) {
            checkpointer.checkpoint(true);
            retired = true;
        }
        close();
    }

    /** Readers of a read-only log positioned in this file. */
    public AtomicInteger readers() {
        return readers;
    }

    /** Whether {@link #retire()} synced this file and marked it clean. */
    public boolean retired() {
        return retired;
    }

    /**
     * Syncs (for a writer, marking the shutdown clean, unless the writer failed), waits for
     * running reads to finish, then unmaps the file and closes it. Idempotent.
     */
    @Override
    public void close() throws IOException {
        mapping.refuseInsideLease("close"); // it waits for every lease to end, this thread's too
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        if (appender != null) {
            appender.stopPretoucher();
        }
        IOException failure = null;
        try {
            if (checkpointer != null && !writerFailure.failed()) {
                checkpointer.checkpoint(true);
            }
        } catch (IOException e) {
            failure = e;
        }
        closed = true;
        failure = attempt(failure, mapping::close);
        failure = attempt(failure, () -> sys.close(file, fd));
        if (failure != null) {
            throw failure;
        }
    }

    /** Closes without a final checkpoint: for a file that is being deleted, or a failed open. */
    public void abandon() throws IOException {
        mapping.refuseInsideLease("close");
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        if (appender != null) {
            appender.stopPretoucher();
        }
        closed = true;
        IOException failure = attempt(null, mapping::close);
        failure = attempt(failure, () -> sys.close(file, fd));
        if (failure != null) {
            throw failure;
        }
    }

    /** Abandons this file after {@code failure}, adding any failure to do so to it. */
    public void abandonAfter(Exception failure) {
        try {
            abandon();
        } catch (IOException suppressed) {
            failure.addSuppressed(suppressed);
        }
    }

    public static IOException attempt(IOException failure, NativeStepRunner step) {
        try {
            step.run();
            return failure;
        } catch (IOException e) {
            if (failure == null) {
                return e;
            }
            failure.addSuppressed(e);
            return failure;
        }
    }

    /** A step of a close that may fail; the first failure is thrown, later ones suppressed. */
    public interface NativeStepRunner {
        void run() throws IOException;
    }

    @Override
    public String toString() {
        return "LogFile[" + file + (appender == null ? ", read-only" : "") + (closed ? ", closed" : "") + "]";
    }
}
