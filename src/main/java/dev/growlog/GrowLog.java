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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;

/**
 * An append-only log in one memory-mapped file that grows while it is mapped.
 *
 * <p>Records are byte arrays of 0 to {@link #maxPayload()} bytes. {@link #append(byte[])}
 * returns the record's position: its byte offset in the file, stable forever. Appends from
 * several threads are safe and serialised. Reads may run on any number of threads alongside
 * appends, and every record is checked against its CRC32C before it is handed out:
 * {@link #read(long)} returns a copy; {@link LogReader#payload()} and {@link Tailer#payload()}
 * are read-only views of the reader's own copy, valid until it moves on ({@code bytes()}
 * returns a copy); {@link #read(long, RecordHandler)} and
 * {@link LogReader#forEach(RecordHandler)} copy nothing and hand a handler a read-only view of
 * the mapped file, valid during the call.
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
 * can raise SIGBUS; growlog detects shrinking when it grows, syncs or follows the file (a
 * writer that detects it then refuses appends and syncs, as after a failed sync), but cannot
 * guard against a truncation that races a read or a write.
 */
public final class GrowLog implements AutoCloseable {
    /** Bytes a long scan covers inside one lease. */
    static final long SCAN_PIECE = 8L << 20;

    private final Path file;
    private final Syscalls sys;
    private final int fd;
    private final GrowableMapping mapping;
    private final int maxPayload;
    /** The writer and its checkpoints; both null for a read-only log. */
    private final Appender appender;
    private final Checkpointer checkpointer;
    private final Durability durability;
    private final RecoveryReport recovery;
    /** Serialises appends and growth (the append lock), or a read-only log's following; see {@link LockOrder}. */
    private final OrderedLock lock;
    /** Wakes tailers in this process after each append and at close. */
    private final Signal appended = new Signal();
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile boolean closed;

    /** Follows the file's growth and finds new records; null for a writer. */
    private final Follower follower;

    /** A writer (appender and checkpointer set) or a read-only log (follower set). */
    GrowLog(Path file, Syscalls sys, int fd, GrowableMapping mapping, int segmentSize, Appender appender,
            Checkpointer checkpointer, Follower follower, Durability durability, RecoveryReport recovery) {
        this.file = file;
        this.sys = sys;
        this.fd = fd;
        this.mapping = mapping;
        this.maxPayload = GrowLogConfig.maxPayload(segmentSize);
        this.appender = appender;
        this.checkpointer = checkpointer;
        this.lock = appender != null ? checkpointer.appendLock() : follower.lock();
        this.follower = follower;
        this.durability = durability;
        this.recovery = recovery;
    }

    /**
     * Opens the log at {@code path} for writing with the default configuration, creating it if
     * absent, and recovers it.
     *
     * @param path the log file; its directory must exist
     * @return the open log; close it when done
     * @throws dev.growlog.error.LogLockedException when another writer, in this process or
     *                                              another, has the log open
     * @throws dev.growlog.error.UnsupportedFormatException when the file is not a growlog file
     *                                                      or has a newer format version
     * @throws CorruptLogException when the file header is damaged
     * @throws IOException when the file cannot be created, opened or mapped
     */
    public static GrowLog open(Path path) throws IOException {
        return open(path, GrowLogConfig.defaults());
    }

    /**
     * Opens the log at {@code path} for writing, creating it if absent, and recovers it. A new
     * file is laid out as {@code config} says; an existing one keeps its segment size.
     *
     * @param path   the log file; its directory must exist
     * @param config sizes, growth and durability
     * @return the open log; close it when done
     * @throws dev.growlog.error.LogLockedException when another writer, in this process or
     *                                              another, has the log open
     * @throws dev.growlog.error.UnsupportedFormatException when the file is not a growlog file
     *                                                      or has a newer format version
     * @throws CorruptLogException when the file header is damaged
     * @throws dev.growlog.error.LogFullException when there is no room to create the file
     * @throws IOException when the file cannot be created, opened or mapped
     */
    public static GrowLog open(Path path, GrowLogConfig config) throws IOException {
        return Opener.openWritable(Objects.requireNonNull(path, "path"), Objects.requireNonNull(config, "config"),
                Syscalls.libc());
    }

    /**
     * Opens an existing log for reading only. Another process may be writing it: readers follow
     * its growth. Nothing in the file is changed.
     *
     * @param path the log file
     * @return the open, read-only log; close it when done
     * @throws java.nio.file.NoSuchFileException when the file does not exist
     * @throws dev.growlog.error.UnsupportedFormatException when the file is not a growlog file
     *                                                      or has a newer format version
     * @throws CorruptLogException when the file header is damaged
     * @throws IOException when the file cannot be opened or mapped
     */
    public static GrowLog openReadOnly(Path path) throws IOException {
        return openReadOnly(path, GrowLogConfig.defaults());
    }

    /**
     * As {@link #openReadOnly(Path)}; of the configuration only the headroom applies.
     *
     * @param path   the log file
     * @param config its {@link GrowLogConfig#headroom()} is used
     * @return the open, read-only log; close it when done
     * @throws IOException as for {@link #openReadOnly(Path)}
     */
    public static GrowLog openReadOnly(Path path, GrowLogConfig config) throws IOException {
        return Opener.openReadOnly(Objects.requireNonNull(path, "path"), Objects.requireNonNull(config, "config"),
                Syscalls.libc());
    }

    /**
     * Appends a record and returns its position. The record is <em>appended</em> (it survives
     * a killed process); with {@link Durability#EVERY_APPEND} it is also durable on return.
     *
     * @param payload the record's bytes, copied into the log
     * @return the record's position, for {@link #read(long)} and {@link #reader(long)}
     * @throws IllegalArgumentException when the payload is longer than {@link #maxPayload()}
     * @throws IllegalStateException when the log is read-only, or closed
     *                               ({@link ClosedLogException}), or when called from a
     *                               zero-copy handler and it cannot run at once (see
     *                               {@link RecordHandler})
     * @throws dev.growlog.error.LogFullException when the log cannot grow: disk full, free-space
     *                                            floor or maximum size reached; nothing was
     *                                            appended and the log stays usable
     * @throws IOException when growing the file fails, or the writer has failed (after a failed
     *                     sync, or a file shrunk by another process) and refuses writes
     */
    public long append(byte[] payload) throws IOException {
        return append(payload, 0, payload.length);
    }

    /**
     * Appends {@code length} bytes of {@code payload} from {@code offset} as one record, as
     * {@link #append(byte[])} does.
     *
     * @param payload holds the record's bytes
     * @param offset  where the record's bytes start in {@code payload}
     * @param length  how many bytes the record has
     * @return the record's position
     * @throws IndexOutOfBoundsException when the range lies outside {@code payload}
     * @throws IllegalArgumentException when the payload is longer than {@link #maxPayload()}
     * @throws IllegalStateException when the log is read-only, or closed
     *                               ({@link ClosedLogException}), or when called from a
     *                               zero-copy handler and it cannot run at once (see
     *                               {@link RecordHandler})
     * @throws dev.growlog.error.LogFullException when the log cannot grow: disk full, free-space
     *                                            floor or maximum size reached; nothing was
     *                                            appended and the log stays usable
     * @throws IOException when growing the file fails, or the writer has failed (after a failed
     *                     sync, or a file shrunk by another process) and refuses writes
     */
    public long append(byte[] payload, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, payload.length);
        return append(payload, offset, length, durability == Durability.EVERY_APPEND);
    }

    /**
     * Appends the bytes between the buffer's position and limit as one record, as
     * {@link #append(byte[])} does. The buffer's position and limit are left as they were.
     *
     * @param payload holds the record's bytes between its position and limit
     * @return the record's position
     * @throws IllegalArgumentException when the payload is longer than {@link #maxPayload()}
     * @throws IllegalStateException when the log is read-only, or closed
     *                               ({@link ClosedLogException}), or when called from a
     *                               zero-copy handler and it cannot run at once (see
     *                               {@link RecordHandler})
     * @throws dev.growlog.error.LogFullException when the log cannot grow: disk full, free-space
     *                                            floor or maximum size reached; nothing was
     *                                            appended and the log stays usable
     * @throws IOException when growing the file fails, or the writer has failed (after a failed
     *                     sync, or a file shrunk by another process) and refuses writes
     */
    public long append(ByteBuffer payload) throws IOException {
        return append(payload, durability == Durability.EVERY_APPEND);
    }

    /**
     * Appends a record and returns once it is durable. Threads appending durably at the same
     * time share syncs (group commit).
     *
     * @param payload the record's bytes, copied into the log
     * @return the record's position
     * @throws IllegalArgumentException when the payload is longer than {@link #maxPayload()}
     * @throws IllegalStateException when the log is read-only, or closed
     *                               ({@link ClosedLogException}), or when called from a
     *                               zero-copy handler and it cannot run at once (see
     *                               {@link RecordHandler})
     * @throws dev.growlog.error.LogFullException when the log cannot grow: disk full, free-space
     *                                            floor or maximum size reached; nothing was
     *                                            appended and the log stays usable
     * @throws IOException when growing the file fails, or the writer has failed (after a failed
     *                     sync, or a file shrunk by another process) and refuses writes, or the sync fails
     */
    public long appendDurable(byte[] payload) throws IOException {
        return append(payload, 0, payload.length, true);
    }

    /**
     * As {@link #appendDurable(byte[])}, for the bytes between the buffer's position and limit;
     * the buffer's position and limit are left as they were.
     *
     * @param payload holds the record's bytes between its position and limit
     * @return the record's position
     * @throws IOException as for {@link #appendDurable(byte[])}, which also lists the unchecked
     *                     exceptions
     */
    public long appendDurable(ByteBuffer payload) throws IOException {
        return append(payload, true);
    }

    private long append(byte[] payload, int offset, int length, boolean durable) throws IOException {
        checkAppend(length, durable);
        long position;
        lock.lockOrRefuse("append");
        try {
            position = writer().append(payload, offset, length);
        } catch (CorruptLogException shrank) {
            throw checkpointer.fail(shrank);
        } finally {
            lock.unlock();
        }
        return committed(position, length, durable);
    }

    private long append(ByteBuffer payload, boolean durable) throws IOException {
        int length = payload.remaining();
        checkAppend(length, durable);
        long position;
        lock.lockOrRefuse("append");
        try {
            position = writer().append(payload);
        } catch (CorruptLogException shrank) {
            throw checkpointer.fail(shrank);
        } finally {
            lock.unlock();
        }
        return committed(position, length, durable);
    }

    /**
     * Checks an append before anything is written: its length, and that a durable one, which
     * waits for a sync, is not made inside a lease.
     */
    private void checkAppend(int length, boolean durable) {
        checkLength(length);
        if (durable) {
            mapping.refuseInsideLease("a durable append");
        }
    }

    /** Wakes tailers, then waits for durability if asked. */
    private long committed(long position, int length, boolean durable) throws IOException {
        appended.signalAll();
        if (durable) {
            checkpointer.syncTo(position + RecordFormat.recordSize(length));
        }
        return position;
    }

    /**
     * Makes every appended record durable: writes the new pages to disk, then the checkpoint. If
     * this fails the log refuses further appends and syncs, since the kernel may have dropped
     * the pages it could not write.
     *
     * @throws IllegalStateException when the log is read-only, or closed
     *                               ({@link ClosedLogException}), or when called from a
     *                               zero-copy handler with records still to sync
     * @throws IOException when the sync fails, or the writer failed earlier
     */
    public void sync() throws IOException {
        writer();
        checkpointer.syncTo(appender.end());
    }

    /**
     * Returns a copy of the payload of the record at {@code position}.
     *
     * @param position a record's position, as {@link #append(byte[])} returned it
     * @return a new array holding the record's payload
     * @throws IllegalArgumentException when no record starts at {@code position}
     * @throws CorruptLogException when the record fails validation
     * @throws ClosedLogException when the log is closed
     * @throws IOException when following another process's writes fails
     */
    public byte[] read(long position) throws IOException {
        return atRecord(position, cursor -> {
            byte[] payload = new byte[cursor.length()];
            if (!cursor.copyPayload(payload, 0)) {
                throw corrupt(position, cursor.problem());
            }
            return payload;
        });
    }

    /**
     * Hands the record at {@code position} to {@code handler} without copying it; the view is
     * valid only during the call (see {@link RecordHandler}).
     *
     * @param position a record's position, as {@link #append(byte[])} returned it
     * @param handler  called once, with the position and a read-only view of the payload
     * @throws IllegalArgumentException when no record starts at {@code position}
     * @throws CorruptLogException when the record fails validation
     * @throws ClosedLogException when the log is closed
     * @throws IOException when following another process's writes fails
     */
    public void read(long position, RecordHandler handler) throws IOException {
        Objects.requireNonNull(handler, "handler");
        atRecord(position, cursor -> {
            if (!cursor.verifyInPlace()) {
                throw corrupt(position, cursor.problem());
            }
            long segment = position / mapping.segmentSize();
            handler.onRecord(position, mapping.exposedSegment(segment).slice(cursor.payloadOffset(), cursor.length()));
            return null;
        });
    }

    private interface CursorAction<T> {
        T apply(RecordCursor cursor) throws IOException;
    }

    /** Runs {@code action} inside a lease with a cursor on the record at {@code position}. */
    private <T> T atRecord(long position, CursorAction<T> action) throws IOException {
        checkPosition(position, false);
        RecordCursor cursor = new RecordCursor(mapping);
        for (boolean followed = false; ; followed = true) {
            mapping.acquire();
            try {
                RecordCursor.Status status = cursor.inspect(position);
                if (status == RecordCursor.Status.RECORD) {
                    return action.apply(cursor);
                }
                if (status != RecordCursor.Status.NOT_MAPPED || followed) {
                    String why = status == RecordCursor.Status.INVALID ? cursor.problem() : status.name();
                    if (position == startPosition()) {
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

    private IllegalArgumentException notARecord(long position, String why) {
        return new IllegalArgumentException("no record starts at position " + position + " in " + file + ": " + why);
    }

    /**
     * A reader positioned at {@code position}, which must be the position of a record or the
     * end position. Close it when done (closing is cheap; it holds no lease between calls).
     *
     * @param position where to start: {@link #startPosition()}, a record's position, or
     *                 {@link #endPosition()}
     * @return a reader whose first {@link LogReader#next()} moves to the record at
     *         {@code position}
     * @throws IllegalArgumentException when no record starts at {@code position}
     * @throws ClosedLogException when the log is closed
     * @throws IOException when following another process's writes fails
     */
    public LogReader reader(long position) throws IOException {
        checkStart(position);
        return new LogReader(this, position);
    }

    /**
     * A tailer that follows the log from {@code position} (a record position or the end),
     * returning records as they are committed, across growth and moves.
     *
     * @param position where to start: {@link #startPosition()}, a record's position, or
     *                 {@link #endPosition()} for new records only
     * @return a tailer; close it when done
     * @throws IllegalArgumentException when no record starts at {@code position}
     * @throws ClosedLogException when the log is closed
     * @throws IOException when following another process's writes fails
     */
    public Tailer tailer(long position) throws IOException {
        checkStart(position);
        return new Tailer(this, new LogReader(this, position));
    }

    /**
     * Checks that a record, or the end, is at {@code position}. The start position is a record
     * boundary by definition: damage there is reported by the reader as corruption.
     */
    private void checkStart(long position) throws IOException {
        checkPosition(position, true);
        if (position == endPosition() || position == startPosition()) {
            return;
        }
        RecordCursor cursor = new RecordCursor(mapping);
        mapping.acquire();
        try {
            RecordCursor.Status status = cursor.inspect(position);
            if (status != RecordCursor.Status.RECORD && status != RecordCursor.Status.PADDING) {
                throw notARecord(position, status == RecordCursor.Status.INVALID ? cursor.problem() : status.name());
            }
        } finally {
            mapping.release();
        }
    }

    /**
     * Checks every record from the start to the current end, going on past damage, and reports
     * what is damaged. Changes nothing; records appended meanwhile are not checked. Takes as long
     * as reading the whole log.
     *
     * @return the records checked and the damaged ranges found
     * @throws ClosedLogException when the log is closed
     * @throws IOException when following another process's writes fails
     */
    public VerifyReport verify() throws IOException {
        return verify(position -> { });
    }

    /**
     * As {@link #verify()}, calling {@code progress} with the position reached after each piece
     * of the scan (every few MiB), for progress bars.
     *
     * @param progress called with the position reached, on the calling thread
     * @return the records checked and the damaged ranges found
     * @throws ClosedLogException when the log is closed
     * @throws IOException when following another process's writes fails
     */
    public VerifyReport verify(LongConsumer progress) throws IOException {
        long end = endPosition();
        RecordScanner.Result result = RecordScanner.inLeases(mapping, startPosition(), true, end, SCAN_PIECE,
                Objects.requireNonNull(progress, "progress"));
        return new VerifyReport(result.records(), result.bytes(), result.end(), Repairer.publicDamage(result));
    }

    /**
     * Repairs a damaged log that no one has open for writing: opens it, checks every record and
     * either cuts it at the first damage or marks every damaged range skipped, keeping the valid
     * records after it. Reports exactly what it kept and dropped; never silent.
     *
     * @param path the log file
     * @param mode cut at the first damage, or skip each damaged range
     * @return what was found, kept and dropped
     * @throws dev.growlog.error.LogLockedException when a writer has the log open
     * @throws dev.growlog.error.UnsupportedFormatException when the file is not a growlog file
     *                                                      or has a newer format version
     * @throws CorruptLogException when the file header is damaged
     * @throws IOException when the file cannot be opened, mapped or written
     */
    public static RepairReport repair(Path path, RepairMode mode) throws IOException {
        // No pretoucher: repair writes through the mapping without the append lock, so nothing
        // else may grow (and perhaps move) it meanwhile.
        return Repairer.repair(Objects.requireNonNull(path, "path"), Objects.requireNonNull(mode, "mode"),
                GrowLogConfig.builder().pretouchAhead(0).build(), Syscalls.libc());
    }

    /** Applies a repair to this log, just opened with its damage kept. */
    RepairReport repair(RepairMode mode) throws IOException {
        return Repairer.apply(mode, file, sys, fd, mapping, appender, checkpointer, lock);
    }

    /**
     * Position of the first record (the end position when the log is empty).
     *
     * @return the byte offset of the first record in the file
     */
    public long startPosition() {
        return FileHeader.SIZE;
    }

    /**
     * Position the next record will be appended at; for a read-only log, the end as far as the
     * writer has committed records, found by following the file now.
     *
     * @return the byte offset after the last committed record
     * @throws ClosedLogException when the log is closed
     * @throws IOException when following another process's writes fails
     */
    public long endPosition() throws IOException {
        checkOpen();
        if (appender != null) {
            return appender.end();
        }
        return follower.follow().end();
    }

    /**
     * Largest payload this log accepts, in bytes: its segment size minus 8.
     *
     * @return the largest payload length
     */
    public int maxPayload() {
        return maxPayload;
    }

    /**
     * The log's file, as an absolute path.
     *
     * @return the path of the file this log maps
     */
    public Path file() {
        return file;
    }

    /**
     * Whether this log was opened with {@link #openReadOnly(Path)}: it then refuses appends and
     * syncs with {@link IllegalStateException}.
     *
     * @return true for a read-only log, false for the writer
     */
    public boolean isReadOnly() {
        return appender == null;
    }

    /**
     * What recovery found when this log was opened.
     *
     * @return the report of the scan made on open
     */
    public RecoveryReport recoveryReport() {
        return recovery;
    }

    /**
     * A snapshot of this log's counters.
     *
     * @return the counters at the time of the call
     * @throws ClosedLogException when the log is closed
     * @throws IOException when following another process's writes, or reading the file size, fails
     */
    public GrowLogStats stats() throws IOException {
        checkOpen();
        Follower.Found found = appender == null ? follower.follow() : null;
        lock.lockOrRefuse("stats");
        try {
            checkOpen();
            GrowableMapping.Counters c = mapping.counters();
            boolean writable = found == null;
            return new GrowLogStats(writable ? appender.records() : found.records(),
                    writable ? appender.payloadBytes() : found.bytes(), startPosition(),
                    writable ? appender.end() : found.end(),
                    writable ? checkpointer.syncedEnd() : recovery.checkpoint(), writable ? checkpointer.syncs() : 0,
                    writable ? appender.fileSize() : sys.size(file, fd), mapping.mappedLength(), mapping.segmentSize(),
                    c.headroom(), c.growths(), c.inPlaceGrowths(), c.moves(), c.generation(), c.leases(),
                    c.maxMoveWaitNanos(), c.totalMoveWaitNanos(), c.viewHits(), c.viewMisses(),
                    writable ? appender.pretouchedBytes() : 0);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Syncs (for a writer, marking the shutdown clean), waits for running reads to finish, then
     * unmaps the file and releases it. Idempotent; any later use throws {@link ClosedLogException}.
     *
     * @throws IllegalStateException when called from a zero-copy handler: close waits for every
     *                               lease, the handler's own too; the log stays open
     * @throws IOException when the final checkpoint, unmapping or closing the file fails; the
     *                     log is closed all the same
     */
    @Override
    public void close() throws IOException {
        mapping.refuseInsideLease("close"); // it waits for every lease to end, this thread's too
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        if (appender != null) {
            checkpointer.stopFlusher();
            appender.stopPretoucher();
        }
        lock.lock();
        try {
            closed = true;
        } finally {
            lock.unlock();
        }
        appended.wakeAll();
        IOException failure = null;
        try {
            if (checkpointer != null && !checkpointer.failed()) {
                checkpointer.checkpoint(true);
            }
        } catch (IOException e) {
            failure = e;
        }
        failure = attempt(failure, mapping::close);
        if (appender != null) {
            // A zero-copy view may keep the mapping, and so the open file, alive after this.
            failure = attempt(failure, () -> sys.unlock(file, fd));
        }
        failure = attempt(failure, () -> sys.close(file, fd));
        if (failure != null) {
            throw failure;
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

    /** The writer, or null when read-only. */
    Appender appender() {
        return appender;
    }

    GrowableMapping mapping() {
        return mapping;
    }

    CorruptLogException corrupt(long position, String problem) {
        return new CorruptLogException(file, position, problem);
    }

    /**
     * Read-only logs: grows the mapping to the file's current size; nothing for a writer. Must
     * not be called inside a lease.
     */
    void followGrowth() throws IOException {
        if (follower == null) {
            return;
        }
        checkOpen();
        follower.followGrowth();
    }

    /**
     * Waits up to {@code nanos} for a record after {@code position}: on the writer's signal in
     * the writer's process, by parking in a read-only one. Returns early when the log closes.
     */
    void awaitAppend(long position, long nanos) throws InterruptedException {
        mapping.refuseInsideLease("waiting for an append"); // the append may have to move the mapping
        if (appender == null) {
            LockSupport.parkNanos(nanos);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            return;
        }
        appended.await(() -> closed || appender.end() > position, nanos);
    }

    /**
     * The end as far as this log knows it, without following the file: every commit word below
     * it has been published.
     */
    long knownEnd() {
        return appender != null ? appender.end() : follower.knownEnd();
    }

    /** The checkpoint the header holds now: records before it are durable. */
    long checkpointInFile() {
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
            throw new IllegalStateException("log " + file + " is open read-only");
        }
        checkpointer.checkUsable();
        return appender;
    }

    void checkOpen() {
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
        checkOpen();
        long end = knownEnd();
        if (position >= end) {
            end = endPosition(); // follow a writer in another process only when needed
        }
        boolean inRange = position >= startPosition() && (position < end || endAllowed && position == end);
        if (!inRange || position % RecordFormat.ALIGNMENT != 0) {
            throw new IllegalArgumentException("position " + position + " is not a record position in " + file
                    + " (records lie in [" + startPosition() + ", " + end + ") at multiples of "
                    + RecordFormat.ALIGNMENT + ")");
        }
    }
}
