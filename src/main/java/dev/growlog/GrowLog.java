package dev.growlog;

import dev.growlog.error.ClosedLogException;
import dev.growlog.error.CorruptLogException;
import dev.growlog.error.RecordsDroppedException;
import dev.growlog.internal.chain.Chain;
import dev.growlog.internal.chain.ChainRepairer;
import dev.growlog.internal.chain.CursorStore;
import dev.growlog.internal.chain.DataFiles;
import dev.growlog.internal.chain.LogSide;
import dev.growlog.internal.chain.Opener;
import dev.growlog.internal.chain.ReadOnlySide;
import dev.growlog.internal.chain.RecordFinder;
import dev.growlog.internal.chain.WriterSide;
import dev.growlog.internal.file.Appender;
import dev.growlog.internal.file.LogFile;
import dev.growlog.internal.file.Repairer;
import dev.growlog.internal.format.FileHeader;
import dev.growlog.internal.mapping.GrowableMapping;
import dev.growlog.internal.nativeio.Syscalls;
import dev.growlog.internal.recovery.RecordScanner;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;

/**
 * An append-only log: a directory holding a chain of memory-mapped files, each of which grows
 * while it is mapped.
 *
 * <p>Records are byte arrays of 0 to {@link #maxPayload()} bytes. {@link #append(byte[])}
 * returns the record's position, stable forever. Positions are global: file {@code i} of the
 * log covers positions {@code [i * rollSize, (i + 1) * rollSize)} and a record's position is
 * its file's base plus its offset in the file, so in a log that never rolled a position is the
 * byte offset in its first file. When a record does not fit in the current file, the writer
 * rolls to the next one; readers, tailers and {@link #verify()} cross files on their own. Appends from
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
 * <p>{@link #sync()} and {@code close()} are not interruptible: a thread whose interrupt flag
 * is set (a worker told to stop, flushing on its way out) syncs and closes as any other, and
 * keeps its flag. An append on such a thread that rolls to a new file may throw an
 * {@link IOException} ({@link java.io.InterruptedIOException} while it waits for that file to be
 * prepared), appending nothing; the next append rolls. {@link Tailer#poll} throws
 * {@link InterruptedException}.
 *
 * <p>One process at a time may open a log for writing ({@link #open(Path)}); others may follow
 * it with {@link #openReadOnly(Path)}.
 *
 * <p>{@link #truncateBefore(long)} moves the {@link #startPosition() start} durably and deletes
 * the files wholly below it; reading below the start throws
 * {@link dev.growlog.error.RecordsDroppedException}.
 *
 * <p>NOTE: a record that fails its checksum is never returned; reading it throws
 * {@link CorruptLogException} with its position. Recovery on open cuts only what follows the
 * last valid record after the checkpoint; damage before the checkpoint is reported when read.
 *
 * <p>NOTE: if another process truncates a data file while it is mapped, access to the lost pages
 * can raise SIGBUS; growlog detects shrinking when it grows, syncs or follows the file (a
 * writer that detects it then refuses appends and syncs, as after a failed sync), but cannot
 * guard against a truncation that races a read or a write.
 */
public final class GrowLog implements AutoCloseable {
    private final Chain chain;
    private final Path dir;
    private final int maxPayload;
    private final RecoveryReport recovery;
    /** The writer, or the read-only log's way of following one. */
    private final LogSide side;
    private final RecordFinder finder;
    private final AtomicBoolean closing = new AtomicBoolean();

    /** The log's durable cursors, made when first used. */
    private Cursors cursors;

    private GrowLog(Chain chain, GrowLogConfig config, RecoveryReport recovery) {
        this.chain = chain;
        this.dir = chain.dir();
        this.maxPayload = GrowLogConfig.maxPayload(chain.segmentSize());
        this.recovery = recovery;
        this.side = chain.isReadOnly() ? new ReadOnlySide(chain, recovery) : new WriterSide(chain, config, maxPayload);
        this.finder = new RecordFinder(chain, side);
    }

    /**
     * Opens the log in the directory {@code path} for writing with the default configuration,
     * creating it if absent, and recovers it.
     *
     * @param path the log's directory; created if absent, and then its parent must exist
     * @return the open log; close it when done
     * @throws dev.growlog.error.LogLockedException when another writer, in this process or
     *                                              another, has the log open
     * @throws dev.growlog.error.UnsupportedFormatException when {@code path} is a file, or a data
     *                                                      file is not a growlog file or has
     *                                                      another format version
     * @throws CorruptLogException when a file header is damaged or a file does not belong to the log
     * @throws IOException when a file cannot be created, opened or mapped
     */
    public static GrowLog open(Path path) throws IOException {
        return open(path, GrowLogConfig.defaults());
    }

    /**
     * Opens the log in the directory {@code path} for writing, creating it if absent, and
     * recovers it. A new log is laid out as {@code config} says; an existing one keeps its
     * segment size and roll size.
     *
     * @param path   the log's directory; created if absent, and then its parent must exist
     * @param config sizes, growth and durability
     * @return the open log; close it when done
     * @throws dev.growlog.error.LogLockedException when another writer, in this process or
     *                                              another, has the log open
     * @throws dev.growlog.error.UnsupportedFormatException when {@code path} is a file, or a data
     *                                                      file is not a growlog file or has
     *                                                      another format version
     * @throws CorruptLogException when a file header is damaged or a file does not belong to the log
     * @throws dev.growlog.error.LogFullException when there is no room to create the first file
     * @throws IOException when a file cannot be created, opened or mapped
     */
    public static GrowLog open(Path path, GrowLogConfig config) throws IOException {
        return open(Objects.requireNonNull(path, "path"), Objects.requireNonNull(config, "config"), Syscalls.libc());
    }

    /** As {@link #open(Path, GrowLogConfig)}, through {@code sys}; for tests that inject faults. */
    static GrowLog open(Path path, GrowLogConfig config, Syscalls sys) throws IOException {
        return Opener.openWritable(path, config, sys, (chain, recovery) -> new GrowLog(chain, config, recovery));
    }

    /**
     * Opens an existing log for reading only. Another process may be writing it: readers follow
     * its growth and its new files, and let go of files it deletes. Nothing is changed.
     *
     * @param path the log's directory
     * @return the open, read-only log; close it when done
     * @throws java.nio.file.NoSuchFileException when the directory, or any data file in it, does not exist
     * @throws dev.growlog.error.UnsupportedFormatException when {@code path} is a file, or a data
     *                                                      file is not a growlog file or has
     *                                                      another format version
     * @throws CorruptLogException when a file header is damaged
     * @throws IOException when a file cannot be opened or mapped
     */
    public static GrowLog openReadOnly(Path path) throws IOException {
        return openReadOnly(path, GrowLogConfig.defaults());
    }

    /**
     * As {@link #openReadOnly(Path)}; of the configuration only the headroom applies.
     *
     * @param path   the log's directory
     * @param config its {@link GrowLogConfig#headroom()} is used
     * @return the open, read-only log; close it when done
     * @throws IOException as for {@link #openReadOnly(Path)}
     */
    public static GrowLog openReadOnly(Path path, GrowLogConfig config) throws IOException {
        return openReadOnly(Objects.requireNonNull(path, "path"), Objects.requireNonNull(config, "config"),
                Syscalls.libc());
    }

    /** As {@link #openReadOnly(Path, GrowLogConfig)}, through {@code sys}; for tests that inject faults. */
    static GrowLog openReadOnly(Path path, GrowLogConfig config, Syscalls sys) throws IOException {
        return Opener.openReadOnly(path, config, sys, (chain, recovery) -> new GrowLog(chain, config, recovery));
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
     * @throws dev.growlog.error.LogFullException when the log cannot grow or roll: disk full or
     *                                            free-space floor reached; nothing was
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
     * @throws IOException as for {@link #append(byte[])}, which also lists the unchecked
     *                     exceptions
     */
    public long append(byte[] payload, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, payload.length);
        return writer().append(payload, offset, length);
    }

    /**
     * Appends the bytes between the buffer's position and limit as one record, as
     * {@link #append(byte[])} does. The buffer's position and limit are left as they were.
     *
     * @param payload holds the record's bytes between its position and limit
     * @return the record's position
     * @throws IOException as for {@link #append(byte[])}, which also lists the unchecked
     *                     exceptions
     */
    public long append(ByteBuffer payload) throws IOException {
        return writer().append(payload, 0, payload.remaining());
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
     * @throws dev.growlog.error.LogFullException when the log cannot grow or roll: disk full or
     *                                            free-space floor reached; nothing was
     *                                            appended and the log stays usable
     * @throws IOException when growing the file fails, or the writer has failed (after a failed
     *                     sync, or a file shrunk by another process) and refuses writes, or the sync fails
     */
    public long appendDurable(byte[] payload) throws IOException {
        return writer().appendDurable(payload, 0, payload.length);
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
        return writer().appendDurable(payload, 0, payload.remaining());
    }

    /**
     * Appends every record of {@code batch}, in order, under one lock and with one growth check,
     * one publish of the end and one wake-up of tailers. Each record is <em>appended</em> when
     * this returns (with {@link Durability#EVERY_APPEND} also durable, after one sync), and
     * {@link RecordBatch#position(int)} gives its position. Either every record is appended or,
     * when this throws, none is.
     *
     * @param batch the records; an empty batch appends nothing
     * @throws IllegalArgumentException when a payload is longer than {@link #maxPayload()}
     * @throws IllegalStateException when the log is read-only, or closed
     *                               ({@link ClosedLogException}), or when called from a
     *                               zero-copy handler and it cannot run at once (see
     *                               {@link RecordHandler})
     * @throws dev.growlog.error.LogFullException when the log cannot grow to hold the whole
     *                                            batch: disk full, free-space floor or maximum
     *                                            size reached; nothing was appended and the log
     *                                            stays usable
     * @throws IOException when growing the file fails, or the writer has failed (after a failed
     *                     sync, or a file shrunk by another process) and refuses writes
     */
    public void append(RecordBatch batch) throws IOException {
        writer().append(batch.forAppend(), 0, batch.longest());
    }

    /**
     * As {@link #append(RecordBatch)}, returning once every record of the batch is durable (one
     * sync for the whole batch, shared with other threads appending durably).
     *
     * @param batch the records; an empty batch appends nothing
     * @throws IOException as for {@link #appendDurable(byte[])}, which also lists the unchecked
     *                     exceptions
     */
    public void appendDurable(RecordBatch batch) throws IOException {
        writer().appendDurable(batch.forAppend(), 0, batch.longest());
    }

    /**
     * Makes every appended record durable, in every file: writes the new pages to disk, then the
     * checkpoints, and the directory entries of new files. If this fails the log refuses further
     * appends and syncs, since the kernel may have dropped the pages it could not write.
     *
     * @throws IllegalStateException when the log is read-only, or closed
     *                               ({@link ClosedLogException}), or when called from a
     *                               zero-copy handler with records still to sync
     * @throws IOException when the sync fails, or the writer failed earlier
     */
    public void sync() throws IOException {
        writer().sync();
    }

    /**
     * Returns a copy of the payload of the record at {@code position}.
     *
     * @param position a record's position, as {@link #append(byte[])} returned it
     * @return a new array holding the record's payload
     * @throws IllegalArgumentException when no record starts at {@code position}
     * @throws RecordsDroppedException when {@code position} lies before the start position
     * @throws CorruptLogException when the record fails validation
     * @throws ClosedLogException when the log is closed
     * @throws IOException when following another process's writes fails
     */
    public byte[] read(long position) throws IOException {
        return finder.atRecord(position, (file, cursor) -> {
            byte[] payload = new byte[cursor.length()];
            if (!cursor.copyPayload(payload, 0)) {
                throw file.corrupt(cursor.position(), cursor.problem());
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
     * @throws RecordsDroppedException when {@code position} lies before the start position
     * @throws CorruptLogException when the record fails validation
     * @throws ClosedLogException when the log is closed
     * @throws IOException when following another process's writes fails
     */
    public void read(long position, RecordHandler handler) throws IOException {
        Objects.requireNonNull(handler, "handler");
        finder.atRecord(position, (file, cursor) -> {
            if (!cursor.verifyInPlace()) {
                throw file.corrupt(cursor.position(), cursor.problem());
            }
            GrowableMapping mapping = file.mapping();
            long segment = cursor.position() / mapping.segmentSize();
            handler.onRecord(position, mapping.exposedSegment(segment).slice(cursor.payloadOffset(), cursor.length()));
            return null;
        });
    }

    /**
     * After a file was closed under a reader: rethrows when the log itself is closed or the
     * records were dropped, else lets the caller look the file up again.
     */
    void reopened(ClosedLogException closedUnderUs, int attempt, long position) throws IOException {
        RecordFinder.reopened(chain, closedUnderUs, attempt, position);
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
        finder.checkStart(position);
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
        finder.checkStart(position);
        return new Tailer(this, new LogReader(this, position));
    }

    /**
     * Moves the start of the log to {@code position} durably, then deletes every data file whose
     * records all lie before it (never the file being written). Reading before the new start
     * throws {@link RecordsDroppedException}; readers and tailers positioned there get it at
     * their next call. Syncs first, so that the new start never lies past durable records. A
     * position at or before the current start changes nothing.
     *
     * <p>The new start is durable on return: a crash never brings dropped records back. A crash
     * before the files are deleted leaves them to the next open for writing, which deletes them.
     *
     * @param position a record's position, or {@link #endPosition()} to drop every record
     * @throws IllegalArgumentException when no record starts at {@code position} and it is not
     *                                  the end
     * @throws IllegalStateException when the log is read-only, or closed
     *                               ({@link ClosedLogException}), or when called from a
     *                               zero-copy handler (it waits for readers of the files it deletes)
     * @throws IOException when the sync, writing the start file or deleting a file fails
     */
    public void truncateBefore(long position) throws IOException {
        WriterSide writer = writer();
        GrowableMapping.refuseInsideAnyLease("truncateBefore", dir);
        if (position <= startPosition()) {
            return;
        }
        finder.checkStart(position);
        writer.truncateBefore(position);
    }

    /**
     * Opens the durable cursor {@code name} as its owner, creating it at the
     * {@linkplain #startPosition() start} if it does not exist. Works on a read-only log too: the
     * consumer usually runs in another process than the writer. One owner per name at a time.
     *
     * @param name 1 to 64 characters of {@code [A-Za-z0-9._-]}, not starting with a dot
     * @return the cursor; close it to give up ownership
     * @throws IllegalArgumentException when the name breaks the rule
     * @throws dev.growlog.error.CursorLockedException when another owner, in this process or
     *                                                 another, holds the cursor
     * @throws ClosedLogException when the log is closed
     * @throws IOException when the cursor's file cannot be made or read, is damaged, or belongs
     *                     to another log
     */
    public Cursor cursor(String name) throws IOException {
        return cursorStore().open(name);
    }

    /**
     * Every durable cursor of this log, in name order, read without owning any.
     *
     * @return each cursor's name, position, last commit and lag behind the end
     * @throws ClosedLogException when the log is closed
     * @throws IOException when a cursor's file cannot be read, is damaged, or belongs to another log
     */
    public List<CursorInfo> cursors() throws IOException {
        return cursorStore().list();
    }

    /**
     * Sets the durable cursor {@code name} to {@code position}, creating it if absent: an
     * administrative move of a consumer that is not running.
     *
     * @param name     the cursor's name
     * @param position a record position, the start position or the end position
     * @throws IllegalArgumentException when the name breaks the rule or no record starts at
     *                                  {@code position}
     * @throws dev.growlog.error.CursorLockedException when an owner holds the cursor
     * @throws ClosedLogException when the log is closed
     * @throws IOException when the cursor's file cannot be written
     */
    public void setCursor(String name, long position) throws IOException {
        cursorStore().set(name, position);
    }

    /**
     * Deletes the durable cursor {@code name}: it no longer holds any record on disk.
     *
     * @param name the cursor's name
     * @return true when it existed
     * @throws dev.growlog.error.CursorLockedException when an owner holds the cursor
     * @throws ClosedLogException when the log is closed
     * @throws IOException when the cursor's file cannot be deleted
     */
    public boolean deleteCursor(String name) throws IOException {
        return cursorStore().delete(name);
    }

    private synchronized Cursors cursorStore() {
        checkOpen();
        if (cursors == null) {
            cursors = new Cursors(this, CursorStore.of(dir, chain.logId(), chain.syscalls()));
        }
        return cursors;
    }

    /**
     * Checks that {@code position} is a record position, the start or the end of this log, and
     * returns it as such: a file's span end stands for the next file's first record.
     */
    long checkRecordOrEnd(long position) throws IOException {
        return finder.checkRecordOrEnd(position);
    }

    /**
     * Checks every record from the start to the current end, in every file, going on past
     * damage, and reports what is damaged. A file before the last whose records stop before its
     * span end (cut short, its padding lost) is damaged from there to its span end; a file
     * missing between two others (only a read-only log can have one) is damaged whole. Changes
     * nothing; records appended meanwhile are not checked. Takes as long as reading the whole log.
     *
     * @return the records checked and the damaged ranges found
     * @throws ClosedLogException when the log is closed
     * @throws RecordsDroppedException when the files were truncated under the check
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
     * @throws RecordsDroppedException when the files were truncated under the check
     * @throws IOException when following another process's writes fails
     */
    public VerifyReport verify(LongConsumer progress) throws IOException {
        Objects.requireNonNull(progress, "progress");
        long end = endPosition();
        long from = startPosition();
        long records = 0;
        long bytes = 0;
        long reached = from;
        List<Damage> damage = new ArrayList<>();
        // A read-only log may have a file missing before its last one: its end stops there.
        long last = Math.max(end / chain.span(), chain.isReadOnly() ? lastOnDisk() : -1);
        for (long index = from / chain.span(); index <= last; index++) {
            LogFile file = chain.fileAt(index);
            if (file == null) {
                if (index < last) {
                    damage.add(ChainRepairer.missingFile(dir, index, chain.span(), "the files after it are checked"));
                    continue;
                }
                break;
            }
            long base = file.base();
            long local = Math.max(from - base, FileHeader.SIZE);
            RecordScanner.Result r;
            try {
                long limit = index < last ? chain.span()
                        : end >= base ? Math.min(end - base, chain.span()) : file.end();
                r = file.verify(local, limit, p -> progress.accept(base + p));
                if (index < last) { // sealed: its records reach its span end
                    r = ChainRepairer.sealedEnd(r, chain.span(), file.file(), file.mapping().mappedLength());
                }
            } catch (ClosedLogException closedUnderUs) {
                reopened(closedUnderUs, 0, base + local);
                index--;
                continue;
            }
            records += r.records();
            bytes += r.bytes();
            reached = chain.normalize(base + r.end());
            damage.addAll(Repairer.publicDamage(r, base));
        }
        return new VerifyReport(records, bytes, reached, damage);
    }

    /** Index of the last data file in the directory, or -1. */
    private long lastOnDisk() throws IOException {
        java.util.TreeMap<Long, Path> onDisk = DataFiles.list(dir);
        return onDisk.isEmpty() ? -1 : onDisk.lastKey() / chain.span();
    }

    /**
     * Repairs a damaged log that no one has open for writing: opens it, checks every record of
     * every file from the start, sealed files and the writer's alike, and either cuts the log at
     * its first damage ({@link RepairMode#TRUNCATE}: the files after the one that holds it are
     * deleted, and appends go on from the cut) or marks every damaged range skipped
     * ({@link RepairMode#SKIP}: every valid record keeps its position, and readers read through).
     * A sealed file whose records do not reach its span end (truncated, or its padding lost) is
     * damaged from there; a file missing between two others is damaged whole: {@code TRUNCATE}
     * cuts before it, {@code SKIP} makes it again, empty. Reports exactly what it kept and
     * dropped, at global positions; never silent. A crash during a repair leaves a log that opens
     * and that a second repair finishes; once it has returned, nothing after the cut comes back.
     * The start and the cursors are not moved: a cursor past the new end is refused when it
     * makes a reader, until the log grows past it or the cursor is moved.
     *
     * @param path the log's directory
     * @param mode cut at the first damage, or skip each damaged range
     * @return what was found, kept and dropped
     * @throws dev.growlog.error.LogLockedException when a writer has the log open
     * @throws dev.growlog.error.UnsupportedFormatException when a data file is not a growlog file
     *                                                      or has another format version
     * @throws CorruptLogException when a file header is damaged or a file does not belong to the log
     * @throws IOException when a file cannot be opened, mapped, written or deleted
     */
    public static RepairReport repair(Path path, RepairMode mode) throws IOException {
        return ChainRepairer.repair(Objects.requireNonNull(path, "path"), Objects.requireNonNull(mode, "mode"),
                ChainRepairer.Steps.NONE);
    }

    /**
     * Position of the first record of the log (the end position when the log is empty): where
     * it starts after {@link #truncateBefore(long)}, or the first record of its first file. A
     * read-only log reads the start file again to answer.
     *
     * @return the position of the first record that can be read
     */
    public long startPosition() {
        return side.startPosition();
    }

    /**
     * Position the next record will be appended at; for a read-only log, the end as far as the
     * writer has committed records, found by following the files now.
     *
     * @return the position after the last committed record
     * @throws ClosedLogException when the log is closed
     * @throws IOException when following another process's writes fails
     */
    public long endPosition() throws IOException {
        return side.endPosition();
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
     * The log's directory, as an absolute path.
     *
     * @return the directory that holds the log's files
     */
    public Path directory() {
        return dir;
    }

    /**
     * Whether this log was opened with {@link #openReadOnly(Path)}: it then refuses appends,
     * syncs and truncation with {@link IllegalStateException}.
     *
     * @return true for a read-only log, false for the writer
     */
    public boolean isReadOnly() {
        return chain.isReadOnly();
    }

    /**
     * What recovery found in the last file when this log was opened, in global positions.
     *
     * @return the report of the scan made on open
     */
    public RecoveryReport recoveryReport() {
        return recovery;
    }

    /**
     * A snapshot of this log's counters. File size, mapping and sync counters are those of the
     * current file (the writer's, or the last a read-only log has open); records, payload bytes,
     * files and bytes on disk count every data file of the log.
     *
     * @return the counters at the time of the call
     * @throws ClosedLogException when the log is closed
     * @throws IOException when following another process's writes, or reading the files, fails
     */
    public GrowLogStats stats() throws IOException {
        checkOpen();
        long end = endPosition();
        Chain.Totals totals = chain.totals();
        LogSide.FileCounters file = side.counters(end);
        GrowableMapping mapping = file.file().mapping();
        GrowableMapping.Counters c = mapping.counters();
        return new GrowLogStats(totals.records(), totals.payloadBytes(), startPosition(), end, file.syncedPosition(),
                file.syncs(), file.fileSize(), mapping.mappedLength(), mapping.segmentSize(), c.headroom(), c.growths(),
                c.inPlaceGrowths(), c.moves(), c.generation(), c.leases(), c.maxMoveWaitNanos(),
                c.totalMoveWaitNanos(), c.viewHits(), c.viewMisses(), file.pretouchedBytes(), totals.files(),
                totals.diskBytes(), chain.span());
    }

    /**
     * Syncs (for a writer, marking every file's shutdown clean), waits for running reads to
     * finish, then unmaps the files and releases them and the writer lock. Idempotent; any later
     * use throws {@link ClosedLogException}.
     *
     * @throws IllegalStateException when called from a zero-copy handler: close waits for every
     *                               lease, the handler's own too; the log stays open
     * @throws IOException when a final checkpoint, unmapping or closing a file fails; the log is
     *                     closed all the same
     */
    @Override
    public void close() throws IOException {
        GrowableMapping.refuseInsideAnyLease("close", dir); // it waits for every lease to end, this thread's too
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        side.shutDown();
        chain.closeFiles();
    }

    @Override
    public String toString() {
        return "GrowLog[" + dir + (isReadOnly() ? ", read-only" : "") + (chain.isClosed() ? ", closed" : "") + "]";
    }

    Chain chain() {
        return chain;
    }

    /** The writer's current file's appender, or null when read-only; for tests. */
    Appender appender() {
        return current().appender();
    }

    /** The mapping of the writer's current file, or of the read-only log's first open file; for tests. */
    GrowableMapping mapping() {
        return current().mapping();
    }

    /** The data file of the writer's current file, or of the read-only log's first open file; for tests. */
    Path currentFile() {
        return current().file();
    }

    private LogFile current() {
        try {
            return side.current();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Waits up to {@code nanos} for a record after {@code position}: on the writer's signal in
     * the writer's process, by parking in a read-only one. Returns early when the log closes.
     */
    void awaitAppend(long position, long nanos) throws InterruptedException {
        GrowableMapping.refuseInsideAnyLease("waiting for an append", dir); // the append may have to move the mapping
        side.awaitAppend(position, nanos);
    }

    /** The checkpoint in the header of the writer's current file, as a global position; for tests. */
    long checkpointInFile() {
        LogFile file = chain.current();
        return file.base() + file.checkpointInFile();
    }

    /**
     * The checkpoint of the file that holds {@code position}, as a global position; past every
     * position when that file is missing (damage, not a torn tail).
     */
    long checkpointAt(long position) throws IOException {
        LogFile file = chain.fileAt(position / chain.span());
        return file == null ? Long.MAX_VALUE : file.base() + file.checkpointInFile();
    }

    void checkOpen() {
        chain.checkOpen();
    }

    /** The writer, after checking the log is open; IllegalStateException for a read-only log. */
    private WriterSide writer() {
        checkOpen();
        return side.writer();
    }
}
