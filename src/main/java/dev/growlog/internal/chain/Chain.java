package dev.growlog.internal.chain;

import dev.growlog.GrowLogConfig;
import dev.growlog.error.ClosedLogException;
import dev.growlog.error.GrowLogException;
import dev.growlog.error.RecordsDroppedException;
import dev.growlog.internal.file.AppendBatch;
import dev.growlog.internal.file.DiskBudget;
import dev.growlog.internal.file.FileOpener;
import dev.growlog.internal.file.Follower;
import dev.growlog.internal.file.LockOrder;
import dev.growlog.internal.file.LogFile;
import dev.growlog.internal.file.OrderedLock;
import dev.growlog.internal.file.Pretoucher;
import dev.growlog.internal.file.WriterFailure;
import dev.growlog.internal.format.FileHeader;
import dev.growlog.internal.mapping.GrowableMapping;
import dev.growlog.internal.nativeio.Syscalls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The files of one log: file {@code i} covers global positions {@code [i * span, (i + 1) * span)}.
 * Owns the open {@link LogFile}s, the writer's current file, rolling to the next file, the
 * durable start and the deletion of files below it.
 *
 * <h2>Rolling</h2>
 * Once an eighth of the writer's file is written, a background thread prepares the next file
 * under a temporary name (header, reserved blocks, fdatasync, mapping). When a record does not fit
 * before the span's end, the writer pads the current file to the span end (it is then
 * <em>sealed</em>), renames the prepared file into place and appends there. Nothing is synced on
 * that path: the sealed file is synced, marked cleanly shut down and closed by the next
 * {@link #syncTo sync}, or by a background thread once it has waited
 * {@link GrowLogConfig#sealedSyncDelay()} (at once when more than {@link #MAX_SEALED_WAITING}
 * wait), whichever comes first; the directory entry of the new file is fsynced by the next sync.
 * Until then a roll writes nothing to disk, as appends into one file do not. A prepared file
 * starts large enough for the pretoucher to work its whole distance ahead of the writer, so the
 * writer does not grow a small new file step by step after each roll.
 *
 * <h2>Truncation</h2>
 * {@link #truncateBefore} syncs, writes the new start to the {@link StartFile} (durable on
 * return), then closes and deletes every file whose span ends at or before it, except the
 * writer's current file: when the start is the end of a full file, that file stays the writer's
 * until the next append rolls, and is deleted when it is retired after the roll. A crash between
 * the steps leaves files below the start, which the next open for writing deletes (all but the
 * last, which it opens for writing).
 *
 * <h2>Concurrency</h2>
 * The writer's files share one append lock ({@link LockOrder#WRITE}), under which the current
 * file changes. The chain lock ({@link LockOrder#CHAIN}) serialises truncation, retiring sealed
 * files, and opening files for reading, so that a file is never opened while it is deleted.
 * Readers find a file closed under them (retired or deleted) and look it up again.
 */
public final class Chain {
    /** The next file is prepared once the writer's file holds 1/PREPARE_FROM of its span. */
    private static final long PREPARE_FROM = 8;
    /** Sealed files that may wait for their sync at once; a roll past this syncs the oldest. */
    public static final int MAX_SEALED_WAITING = 64;
    /** How often a read-only log looks at the start file, at most, when nothing asks it to. */
    private static final long REFRESH_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final Path dir;
    private final Syscalls sys;
    private final GrowLogConfig config;
    private final FileOpener.Identity identity;
    /** The writer lock's descriptor; -1 for a read-only log. */
    private final int lockFd;
    /** Open files by index; may hold closed ones for a moment. */
    private final ConcurrentSkipListMap<Long, LogFile> files = new ConcurrentSkipListMap<>();
    /** The writer's file; null for a read-only log. Changes under the append lock. */
    private volatile LogFile current;
    /** Sealed files not yet synced and closed, oldest first. */
    private final ConcurrentLinkedDeque<LogFile> sealed = new ConcurrentLinkedDeque<>();
    /** The first position of the log; only grows. */
    private volatile long start;
    /** Read-only: when the start file was last read (System.nanoTime). */
    private volatile long refreshedAt;
    /** The append lock of the writer's files, or the lock a read-only log opens files under. */
    private final OrderedLock appendLock;
    private final OrderedLock chainLock;
    /** A file was renamed into place since the directory was last fsynced. */
    private volatile boolean directoryDirty;
    /**
     * Prepares next files; null for a read-only log. It takes no lock, so the writer may wait for
     * it under the append lock.
     */
    private final ExecutorService background;
    /**
     * Retires sealed files (takes the chain, sync and append locks) and applies retention after
     * a roll; null for a read-only log.
     */
    private final ScheduledExecutorService retirer;
    /** The next file, prepared ahead, or null; under the append lock. */
    private LogFile prepared;
    private java.util.concurrent.Future<LogFile> preparing;
    private volatile boolean closed;
    /** The writer's disk budget; null for a read-only log or without one. */
    private final DiskBudget budget;
    /** A roll sealed a file that lies wholly below the start; set under the append lock. */
    private volatile boolean droppedAtRoll;
    /** The writer's failure state, shared by its files: once failed, appends and syncs are refused. */
    private final WriterFailure failure;

    Chain(Path dir, Syscalls sys, GrowLogConfig config, FileOpener.Identity identity, int lockFd, long start) {
        this.dir = dir;
        this.sys = sys;
        this.config = config;
        this.identity = identity;
        this.lockFd = lockFd;
        this.start = start;
        this.refreshedAt = System.nanoTime();
        this.appendLock = new OrderedLock(LockOrder.WRITE, null);
        this.chainLock = new OrderedLock(LockOrder.CHAIN, null);
        this.failure = new WriterFailure(dir);
        this.background = lockFd < 0 ? null : daemonExecutor("growlog-preparer " + dir.getFileName());
        this.retirer = lockFd < 0 ? null : scheduledDaemonExecutor("growlog-retirer " + dir.getFileName());
        this.budget = lockFd < 0 || config.retentionBytes() == 0 ? null
                : new DiskBudget(dir, sys, config.retentionBytes());
    }

    /** The writer's disk budget, for its files' growth; null without one. */
    DiskBudget budget() {
        return budget;
    }

    /** Whether the writer deletes old files by a budget or an age limit. */
    boolean retains() {
        return !isReadOnly() && (budget != null || config.retentionAge() != null);
    }

    /**
     * Deletes the oldest files that the budget (to make room for {@code growthBytes} more) or the
     * age limit says should go, as far as the retention policy allows: moves the start durably
     * to the first record of the oldest file kept, then deletes the files below it. Returns
     * null when the growth now fits, else why not (naming the cursor that holds the oldest
     * file). Takes the chain lock: never call it under the append lock.
     */
    String enforceRetention(long growthBytes) throws IOException {
        if (!retains()) {
            return null;
        }
        chainLock.lockOrRefuse("retention");
        try {
            checkOpen();
            long now = System.currentTimeMillis();
            List<Retention.DataFile> onDisk = new ArrayList<>();
            for (Map.Entry<Long, Path> e : DataFiles.list(dir).entrySet()) {
                long lastWrite;
                try {
                    lastWrite = Files.getLastModifiedTime(e.getValue()).toMillis();
                } catch (NoSuchFileException deleted) {
                    continue;
                }
                onDisk.add(new Retention.DataFile(e.getKey() / identity.span(), sys.allocatedBytes(e.getValue()),
                        lastWrite));
            }
            List<Retention.Cursor> cursors = new ArrayList<>();
            for (dev.growlog.internal.chain.CursorState c
                    : dev.growlog.internal.chain.CursorStore.of(dir, identity.logId(), sys).list()) {
                cursors.add(new Retention.Cursor(c.name(), c.position(), c.lastCommitMillis()));
            }
            // Besides data files: cursors, the lock, room for the start file, which the first
            // move of the start makes (it never grows after), and allocations under way (the
            // next file being prepared while the writer grows).
            long others = budget == null ? 0 : budget.used() - onDisk.stream().mapToLong(Retention.DataFile::diskBytes)
                    .sum() + StartFile.FILE_SIZE + budget.pending();
            Retention.Limits limits = new Retention.Limits(budget == null ? Retention.UNLIMITED : budget.budget() - others,
                    config.retentionAge(), config.retentionPolicy(), config.cursorTimeout());
            Retention.Plan plan = Retention.plan(onDisk, identity.span(), FileHeader.SIZE, cursors, limits, now,
                    growthBytes);
            if (plan.drop() > 0) {
                long newStart = onDisk.get(plan.drop()).index() * identity.span() + FileHeader.SIZE;
                if (newStart > start) {
                    StartFile.write(dir, identity.logId(), newStart, sys);
                    start = newStart;
                    letGoBelow(newStart);
                    deleteBelow(newStart);
                }
            }
            return plan.reason(); // null when the growth fits
        } finally {
            chainLock.unlock();
        }
    }

    /**
     * Background, after a roll: applies the age limit and makes room for the next file ahead of
     * need. A failure is left for the writer's next growth, which runs the same pass and reports it.
     */
    private void retainQuietly() {
        try {
            enforceRetention(preparedSize());
        } catch (IOException | IllegalStateException ignored) {
            // reported by the writer's own pass when it needs the room
        }
    }

    private static ExecutorService daemonExecutor(String name) {
        return Executors.newSingleThreadExecutor(task -> daemon(task, name));
    }

    /** One daemon thread; delayed tasks still waiting when it shuts down are dropped. */
    private static ScheduledExecutorService scheduledDaemonExecutor(String name) {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, task -> daemon(task, name));
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        return executor;
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    /** The id every file of this log carries. */
    public long logId() {
        return identity.logId();
    }

    public Syscalls syscalls() {
        return sys;
    }

    /** The writer's failure state, shared by the writer's files. */
    WriterFailure failure() {
        return failure;
    }

    /**
     * The file a batch goes to: the writer's current file when the whole batch fits after its
     * end, else the next one (rolling). A batch never spans files. Under the append lock.
     *
     * @throws IllegalArgumentException when the batch is larger than an empty file holds
     */
    LogFile fileFor(AppendBatch batch) throws IOException {
        LogFile f = current;
        failure.check();
        if (f.appender().fits(batch)) {
            return f;
        }
        if (!f.appender().fitsEmpty(batch)) {
            throw new IllegalArgumentException("a batch of " + batch.size() + " records and " + batch.payloadBytes()
                    + " payload bytes does not fit in one file of " + identity.span() + " bytes (rollSize) of "
                    + dir + "; append it in smaller batches");
        }
        return roll(f);
    }

    public Path dir() {
        return dir;
    }

    public long span() {
        return identity.span();
    }

    FileOpener.Identity identity(long index) {
        return new FileOpener.Identity(identity.logId(), index * identity.span(), identity.span(),
                identity.segmentSize());
    }

    public int segmentSize() {
        return identity.segmentSize();
    }

    OrderedLock appendLock() {
        return appendLock;
    }

    public boolean isReadOnly() {
        return lockFd < 0;
    }

    public LogFile current() {
        return current;
    }

    /** Makes {@code file}, just opened and recovered, the writer's current file. */
    void setCurrent(LogFile file) {
        files.put(file.index(), file);
        current = file;
    }

    /** Adds a read-only file opened at open. */
    void addOpen(LogFile file) {
        files.put(file.index(), file);
    }

    long start() {
        return start;
    }

    public void checkOpen() {
        if (closed) {
            throw new ClosedLogException("log " + dir + " is closed");
        }
    }

    /** Throws {@link RecordsDroppedException} when {@code position} lies before the start. */
    public void checkNotDropped(long position) throws IOException {
        if (position < start) {
            throw new RecordsDroppedException(dir, position, start);
        }
    }

    /** The position {@code position} stands for: offset 0 of a file (a span end) means its first record. */
    public long normalize(long position) {
        return position % identity.span() < FileHeader.SIZE
                ? position - position % identity.span() + FileHeader.SIZE : position;
    }

    /** The writer's end as a global position, normalized. */
    long writerEnd() {
        LogFile f = current;
        return normalize(f.base() + f.appender().end());
    }

    // ---- reading ----

    /**
     * The open file {@code index}, opening it read-only if needed; null when it does not exist
     * (yet). Throws {@link RecordsDroppedException} for a file below the start.
     */
    public LogFile fileAt(long index) throws IOException {
        LogFile f = files.get(index);
        if (f != null && !f.isClosed()) {
            return f;
        }
        LogFile writer = current;
        if (writer != null && index > writer.index()) {
            return null;
        }
        chainLock.lockOrRefuse("opening a file of the log");
        try {
            checkOpen();
            f = files.get(index);
            if (f != null && !f.isClosed()) {
                return f;
            }
            checkNotDropped((index + 1) * identity.span() - 1);
            Path path = DataFiles.path(dir, index, identity.span());
            if (!Files.exists(path)) {
                return null;
            }
            try {
                f = FileOpener.openReadOnly(path, identity(index), isReadOnly() ? config.headroom() : 0, sys);
            } catch (NoSuchFileException deleted) {
                return null;
            }
            files.put(index, f);
            return f;
        } finally {
            chainLock.unlock();
        }
    }

    /**
     * Read-only: reads the start file again when {@code force} or when it was last read long
     * enough ago, and lets go of the files below a moved start.
     */
    public void refresh(boolean force) throws IOException {
        if (!isReadOnly() || closed || !force && System.nanoTime() - refreshedAt < REFRESH_NANOS) {
            return;
        }
        if (GrowableMapping.anyLeaseHeld()) {
            return; // letting go of a file waits for its leases: not from inside one
        }
        refreshedAt = System.nanoTime();
        long recorded = StartFile.read(dir, identity.logId(), sys);
        Map.Entry<Long, java.nio.file.Path> lowest = recorded > start ? null : DataFiles.list(dir).firstEntry();
        long found = recorded > start ? recorded
                : lowest != null ? Math.max(start, lowest.getKey() + FileHeader.SIZE) : start;
        if (found > start) {
            chainLock.lock();
            try {
                start = Math.max(start, found);
                letGoBelow(start);
            } finally {
                chainLock.unlock();
            }
        }
    }

    /** Read-only: a reader now reads in file {@code f}. */
    public void entered(LogFile f) {
        if (isReadOnly()) {
            f.readers().incrementAndGet();
        }
    }

    /**
     * Read-only: a reader moved out of file {@code f}, or closed. Lets go of the files no reader
     * reads in any more; see {@link #closeUnread()}.
     */
    public void left(LogFile f) throws IOException {
        if (isReadOnly()) {
            f.readers().decrementAndGet();
            closeUnread();
        }
    }

    /**
     * Read-only: closes every open file that no reader reads in, except the highest (whose end
     * is followed). A process then holds only files its readers are in, so a file the writer
     * deletes behind them gives its disk back at once, however long this process waits to run
     * again. A reader that comes back opens the file again. Not from inside a lease: closing
     * waits for leases.
     */
    void closeUnread() throws IOException {
        if (!isReadOnly() || closed || GrowableMapping.anyLeaseHeld() || files.size() < 2) {
            return;
        }
        chainLock.lockOrRefuse("letting go of files no reader reads");
        try {
            Map.Entry<Long, LogFile> highest = files.lastEntry();
            IOException failure = null;
            for (LogFile f : highest == null ? List.<LogFile>of() : new ArrayList<>(files.headMap(highest.getKey()).values())) {
                if (f.readers().get() == 0) {
                    files.remove(f.index(), f);
                    failure = LogFile.attempt(failure, f::close);
                }
            }
            if (failure != null) {
                throw failure;
            }
        } finally {
            chainLock.unlock();
        }
    }

    /** Closes the open files whose span ends at or before {@code position}; under the chain lock. */
    private void letGoBelow(long position) throws IOException {
        IOException failure = null;
        // The files below index position / span are exactly those whose span ends at or before it.
        for (LogFile f : new ArrayList<>(files.headMap(position / identity.span()).values())) {
            if (f != current) {
                files.remove(f.index(), f);
                sealed.remove(f);
                failure = LogFile.attempt(failure, f::abandon);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    // ---- writing ----

    /**
     * The file the next record of {@code length} bytes goes to: the current one, or the next one
     * after a roll. Under the append lock.
     */
    LogFile fileFor(int length) throws IOException {
        LogFile f = current;
        failure.check();
        if (f.appender().fits(length)) {
            return f;
        }
        return roll(f);
    }

    /**
     * After an append into {@code f} at offset {@code end}: starts preparing the next file once
     * an eighth of the span is written. That leaves the background seven eighths of a file's time,
     * which the fdatasync of the new header needs when the disk is busy writing back records,
     * while a log that stays small holds no prepared file.
     */
    void appended(LogFile f, long end) {
        if (end > identity.span() / PREPARE_FROM && prepared == null && preparing == null && !closed) {
            long index = f.index() + 1;
            preparing = background.submit(() -> prepare(index));
        }
    }

    /** Pads the current file to its span end, renames the next one into place and makes it current. */
    private LogFile roll(LogFile old) throws IOException {
        long index = old.index() + 1;
        LogFile next = takePrepared(index);
        try {
            old.appender().seal();
            Files.move(DataFiles.temp(dir, index, identity.span()), next.file(), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            prepared = next; // kept for the next attempt
            throw e;
        }
        directoryDirty = true;
        old.appender().signalPretoucherStop();
        sealed.addLast(old);
        files.put(index, next);
        current = next;
        if ((old.index() + 1) * identity.span() <= start) {
            droppedAtRoll = true; // deleted by the appending thread once it lets go of the append lock
        } else {
            scheduleRetirement(old.index());
        }
        return next;
    }

    /**
     * After a roll sealed file {@code index}: applies retention at once, and syncs, marks clean
     * and closes the file once it has waited the sealed sync delay, or the oldest sealed files at
     * once when more than {@link #MAX_SEALED_WAITING} wait.
     */
    private void scheduleRetirement(long index) {
        if (retains()) {
            retirer.execute(this::retainQuietly);
        }
        long delay = config.sealedSyncDelay().toNanos();
        if (delay == 0) {
            retirer.execute(() -> retireQuietly(index + 1));
            return;
        }
        retirer.schedule(() -> retireQuietly(index + 1), delay, TimeUnit.NANOSECONDS);
        if (sealed.size() > MAX_SEALED_WAITING) {
            retirer.execute(() -> retireQuietly(index + 1 - MAX_SEALED_WAITING));
        }
    }

    /**
     * After an append, outside the append lock: deletes the file a roll just sealed when the
     * start already lay past all of it (a truncation at the end of a full file), so that the
     * file is gone when the append returns, as a truncation promises.
     */
    void dropSealedBelowStart() throws IOException {
        if (droppedAtRoll) {
            droppedAtRoll = false;
            if (GrowableMapping.anyLeaseHeld()) {
                long below = current.index();
                retirer.execute(() -> retireQuietly(below)); // deleting waits for leases: not from inside one
                return;
            }
            syncSealed(current.index());
        }
    }

    /** The prepared file {@code index}: from the background thread, or made now. */
    private LogFile takePrepared(long index) throws IOException {
        LogFile next = prepared;
        prepared = null;
        if (next == null && preparing != null) {
            try {
                next = preparing.get();
            } catch (java.util.concurrent.ExecutionException failed) {
                next = null; // made again below, where the failure is reported to the writer
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while the next file of " + dir + " was prepared");
            }
        }
        preparing = null;
        if (next == null || next.index() != index) {
            if (next != null) {
                next.abandon();
            }
            next = prepare(index);
        }
        return next;
    }

    /**
     * The size a prepared file starts with: large enough that the pretoucher works its whole
     * distance ahead from the first record on ({@link Pretoucher#fileSizeToWorkAhead}), instead
     * of the writer growing a small new file by doubling on its own path after every roll;
     * never more than the span, never less than the configured initial size.
     */
    long preparedSize() {
        long size = Math.max(FileOpener.initialSize(config, sys), Pretoucher.fileSizeToWorkAhead(config.pretouchAhead()));
        return Math.min(size, identity.span());
    }

    /** Writes file {@code index} under its temporary name and opens it, ready for the writer. */
    private LogFile prepare(long index) throws IOException {
        Path temp = DataFiles.temp(dir, index, identity.span());
        long size = preparedSize();
        if (budget != null) {
            budget.reserve(temp, size);
        }
        try {
            FileOpener.create(temp, identity(index), size, config, sys);
        } finally {
            if (budget != null) {
                budget.release(size);
            }
        }
        LogFile next = FileOpener.openPrepared(temp, DataFiles.path(dir, index, identity.span()), identity(index),
                config, sys, appendLock, failure);
        next.appender().budget(budget);
        if (config.pretouchAhead() > 0) {
            next.appender().startPretoucher(new Pretoucher(next.file(), sys, next.appender(), failure,
                    next.mapping(), appendLock, config.pretouchAhead()));
        }
        return next;
    }

    /** Background: retires the sealed files below index {@code below}; a failure fails the writer. */
    private void retireQuietly(long below) {
        try {
            syncSealed(below);
        } catch (IllegalStateException closing) {
            // closed meanwhile: close retires what is left
        } catch (IOException e) {
            failure.fail(new GrowLogException(dir, "background sync of a sealed file of " + dir
                    + " failed; the log refuses further appends", e));
        }
    }

    /**
     * Syncs, marks clean and closes every sealed file below index {@code below}, oldest first,
     * then fsyncs the directory if a file was renamed into it.
     */
    void syncSealed(long below) throws IOException {
        if (sealed.isEmpty() && !directoryDirty) {
            return;
        }
        chainLock.lockOrRefuse("sync");
        try {
            for (LogFile f = sealed.peekFirst(); f != null && f.index() < below; f = sealed.peekFirst()) {
                directoryDirty |= retireOrDrop(f);
                sealed.remove(f);
                files.remove(f.index(), f);
            }
            if (directoryDirty) {
                directoryDirty = false; // before the fsync: a rename during it sets it again
                try {
                    sys.syncDirectory(dir);
                } catch (IOException | RuntimeException e) {
                    directoryDirty = true; // the next sync tries again rather than report the files durable
                    throw e;
                }
            }
        } finally {
            chainLock.unlock();
        }
    }

    /**
     * Syncs, marks clean and closes a sealed file; or, when the start moved past all of it while
     * it was the writer's (a truncation at the end of a full file), closes and deletes it. Returns
     * whether it deleted the file. Under the chain lock.
     */
    private boolean retireOrDrop(LogFile f) throws IOException {
        if ((f.index() + 1) * identity.span() > start) {
            f.retire();
            return false;
        }
        f.abandon();
        Files.deleteIfExists(f.file());
        return true;
    }

    /** Makes every record before offset {@code end} of {@code f} durable, with the files before it. */
    void syncTo(LogFile f, long end) throws IOException {
        syncSealed(f.index());
        try {
            f.checkpointer().syncTo(end);
        } catch (ClosedLogException e) {
            if (!f.retired()) { // a retired file was synced whole before it closed
                throw e;
            }
        }
    }

    /** Moves the start to {@code position} durably and deletes the files wholly below it. */
    void truncateBefore(long position) throws IOException {
        chainLock.lock();
        try {
            checkOpen();
            if (position <= start) {
                return;
            }
            StartFile.write(dir, identity.logId(), position, sys);
            start = position;
            letGoBelow(position);
            deleteBelow(position);
        } finally {
            chainLock.unlock();
        }
    }

    /**
     * Deletes the data files whose span ends at or before {@code position}, never the writer's:
     * while the log opens, before there is one, never the last file, which becomes the writer's
     * (the start lies past all of it after a truncation at the end of a full file).
     */
    void deleteBelow(long position) throws IOException {
        LogFile writer = current;
        java.util.TreeMap<Long, Path> onDisk = DataFiles.list(dir);
        long kept = writer != null ? writer.index() : onDisk.isEmpty() ? -1 : onDisk.lastKey() / identity.span();
        boolean deleted = false;
        for (Map.Entry<Long, Path> e : onDisk.entrySet()) {
            long index = e.getKey() / identity.span();
            if ((index + 1) * identity.span() <= position && index != kept) {
                Files.deleteIfExists(e.getValue());
                deleted = true;
            }
        }
        if (deleted) {
            sys.syncDirectory(dir);
        }
    }

    // ---- counting ----

    /** Files, bytes on disk, records and payload bytes of the log's data files. */
    public record Totals(long files, long diskBytes, long records, long payloadBytes) {
    }

    public Totals totals() throws IOException {
        long count = 0;
        long disk = 0;
        long records = 0;
        long bytes = 0;
        for (Map.Entry<Long, Path> e : DataFiles.list(dir).entrySet()) {
            long index = e.getKey() / identity.span();
            long size;
            try {
                size = Files.size(e.getValue());
            } catch (NoSuchFileException deleted) {
                continue;
            }
            count++;
            disk += size;
            LogFile f = files.get(index);
            if (f != null && !f.isClosed() && f.appender() != null) {
                records += f.appender().records();
                bytes += f.appender().payloadBytes();
            } else if (f != null && !f.isClosed() && f.follower() != null) {
                Follower.Found found = f.follower().follow();
                records += found.records();
                bytes += found.bytes();
            } else {
                try {
                    FileHeader.Fields header = FileOpener.readHeader(e.getValue());
                    records += header.checkpointValid() ? header.checkpointRecords() : 0;
                    bytes += header.checkpointValid() ? header.checkpointBytes() : 0;
                } catch (NoSuchFileException deleted) {
                    count--;
                    disk -= size;
                }
            }
        }
        return new Totals(count, disk, records, bytes);
    }

    /** Open files, for tests and stats. */
    public List<LogFile> openFiles() {
        return List.copyOf(files.values());
    }

    // ---- closing ----

    /** Marks the chain closed for new appends; takes the append lock, so no append is half done. */
    void markClosed() {
        appendLock.lock();
        try {
            closed = true;
        } finally {
            appendLock.unlock();
        }
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * Stops the background thread, retires sealed files, closes every file (the writer's with a
     * clean checkpoint), discards a prepared file and releases the writer lock.
     */
    public void closeFiles() throws IOException {
        for (ExecutorService executor : new ExecutorService[] {background, retirer}) {
            if (executor != null) {
                executor.shutdown();
                Uninterruptibly.awaitTermination(executor, 30, TimeUnit.SECONDS);
            }
        }
        IOException failure = null;
        chainLock.lock();
        try {
            for (LogFile f = sealed.pollFirst(); f != null; f = sealed.pollFirst()) {
                LogFile retiring = f;
                failure = LogFile.attempt(failure, () -> directoryDirty |= retireOrDrop(retiring));
            }
            if (directoryDirty) {
                directoryDirty = false;
                failure = LogFile.attempt(failure, () -> sys.syncDirectory(dir));
            }
            for (LogFile f : files.values()) {
                failure = LogFile.attempt(failure, f::close);
            }
            files.clear();
            LogFile next = prepared;
            if (next == null && preparing != null) {
                try {
                    next = Uninterruptibly.get(preparing);
                } catch (java.util.concurrent.ExecutionException | RuntimeException ignored) {
                    next = null;
                }
            }
            if (next != null) {
                Path temp = DataFiles.temp(dir, next.index(), identity.span());
                failure = LogFile.attempt(failure, next::abandon);
                failure = LogFile.attempt(failure, () -> Files.deleteIfExists(temp));
            }
        } finally {
            chainLock.unlock();
        }
        if (lockFd >= 0) {
            Path lock = dir.resolve(DataFiles.LOCK);
            failure = LogFile.attempt(failure, () -> sys.unlock(lock, lockFd));
            failure = LogFile.attempt(failure, () -> sys.close(lock, lockFd));
        }
        if (failure != null) {
            throw failure;
        }
    }
}
