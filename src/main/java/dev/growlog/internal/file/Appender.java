package dev.growlog.internal.file;

import dev.growlog.GrowLogConfig;
import dev.growlog.error.CorruptLogException;
import dev.growlog.error.LogFullException;
import dev.growlog.error.NativeCallException;
import dev.growlog.internal.format.FileHeader;
import dev.growlog.internal.format.RecordFormat;
import dev.growlog.internal.mapping.GrowableMapping;
import dev.growlog.internal.nativeio.Syscalls;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32C;

/**
 * The single writer of a log: frames records into the mapping and grows the file ahead of
 * them. Not thread-safe: the log's writer (the chain layer's {@code WriterSide}) calls it under the append lock.
 *
 * <p>Growth reserves disk blocks before the file is extended and before any page of the new
 * range is touched, so a full disk is a {@link LogFullException} here, never a SIGBUS later.
 */
public final class Appender {
    private static final VarHandle INTS = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle END;

    static {
        try {
            END = MethodHandles.lookup().findVarHandle(Appender.class, "end", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Path file;
    private final Syscalls sys;
    private final int fd;
    private final GrowableMapping mapping;
    private final GrowLogConfig config;
    /** Global position of this file's byte 0: checksums bind records to base + offset. */
    private final long base;
    /** Bytes of positions this file covers; the file never grows past it. */
    private final long span;
    private final int segmentShift;
    private final long segmentMask;
    /** The writer's failure state, shared by every file of the log; a file shrunk under the mapping sets it. */
    private final WriterFailure failure;

    /**
     * Position of the next record. Written with release semantics after each record is
     * published; other threads read it through {@link #end()} with acquire semantics.
     */
    private long end;
    /** Data records and their payload bytes; read by others only under the append lock. */
    private long records;
    private long payloadBytes;
    /**
     * File size in bytes; the mapping covers it once growth completes. Written under both the
     * append lock and {@link #reserveLock}, so either lock gives a stable value.
     */
    private volatile long fileSize;
    /**
     * Disk blocks are reserved up to here (at least {@link #fileSize}); a pretoucher may raise it
     * early. Written under {@link #reserveLock}.
     */
    private volatile long reservedTo;
    /**
     * Serialises block reservation and changes of the file size between the writer and the
     * pretoucher, which reserves ahead without the append lock.
     */
    private final OrderedLock reserveLock;
    /** The log's disk budget, asked before blocks are reserved; null without one. */
    private volatile DiskBudget budget;
    /** When {@link #end} passes this, the pretoucher is woken; Long.MAX_VALUE without one. */
    private volatile long wakeAt = Long.MAX_VALUE;
    private volatile Thread pretoucher;
    /** The pretoucher working ahead of this writer, or null. */
    private Pretoucher pretouching;
    /**
     * Mapped length as this writer last grew it; only this writer grows the mapping. Read and
     * written under the append lock; other threads read {@link GrowableMapping#mappedLength()}.
     */
    private long mappedEnd;

    /** The writer's current segment view and the file range it covers: [viewStart, viewEnd). */
    private ByteBuffer view;
    private long viewStart;
    private long viewEnd;
    /**
     * The view of the segment after the writer's, looked up ahead by the pretoucher so that the
     * writer does not pay for a view-cache miss (hundreds of microseconds on a path that runs
     * once per segment and so stays cold) when it crosses into that segment.
     */
    private volatile NextView nextView;
    /** Segment switches that found the pretoucher's view ready. */
    private long nextViewsUsed;
    private final CRC32C crc = new CRC32C();

    /** A segment view and the mapping generation it belongs to. */
    private record NextView(long segment, long generation, ByteBuffer view) {
    }

    Appender(Path file, Syscalls sys, int fd, GrowableMapping mapping, GrowLogConfig config, WriterFailure failure,
             long base, long span, long end, long records, long payloadBytes, long fileSize) {
        this.file = file;
        this.sys = sys;
        this.fd = fd;
        this.mapping = mapping;
        this.config = config;
        this.failure = failure;
        this.base = base;
        this.span = span;
        this.segmentShift = Integer.numberOfTrailingZeros(mapping.segmentSize());
        this.segmentMask = mapping.segmentSize() - 1L;
        this.end = end;
        this.records = records;
        this.payloadBytes = payloadBytes;
        this.fileSize = fileSize;
        this.reservedTo = fileSize;
        this.mappedEnd = mapping.mappedLength();
        this.reserveLock = new OrderedLock(LockOrder.RESERVE, mapping);
    }

    long append(byte[] payload, int offset, int length) throws IOException {
        long position = makeRoom(length);
        int word = RecordFormat.dataWord(length);
        int checksum = RecordFormat.checksum(crc, base + position, word, payload, offset, length);
        int at = viewOffset(position, length);
        view.put(at + RecordFormat.HEADER_SIZE, payload, offset, length);
        publish(at, checksum, word);
        return appended(position, length);
    }

    long append(ByteBuffer payload) throws IOException {
        int length = payload.remaining();
        long position = makeRoom(length);
        int word = RecordFormat.dataWord(length);
        int checksum = RecordFormat.checksum(crc, base + position, word, payload);
        int at = viewOffset(position, length);
        view.put(at + RecordFormat.HEADER_SIZE, payload, payload.position(), length);
        publish(at, checksum, word);
        return appended(position, length);
    }

    /**
     * Appends every record of {@code batch}, in order, and stores their positions in it. Plans
     * every position first and grows once, so a batch that does not fit throws before anything
     * is written. Then, for each run of records that lie next to each other in one segment,
     * copies the run's bytes (the batch holds them framed, commit words zero) in one piece and
     * seals and publishes each record in order; the end is published once.
     */
    void append(AppendBatch batch) throws IOException {
        int count = batch.size();
        long[] positions = batch.positions();
        long last = plan(batch, end, positions);
        if (last > mappedEnd) {
            grow(last);
        }
        byte[] data = batch.data();
        long at = end;
        for (int i = 0; i < count; ) {
            long first = positions[i];
            if (at != first) {
                int word = RecordFormat.paddingWord((int) (first - at) - RecordFormat.HEADER_SIZE);
                publish(viewOffset(at, 0), RecordFormat.checksum(base + at, word), word);
            }
            int runEnd = i + 1;
            at = first + RecordFormat.recordSize(batch.length(i));
            while (runEnd < count && positions[runEnd] == at && (at & segmentMask) != 0) {
                at += RecordFormat.recordSize(batch.length(runEnd++));
            }
            int runBytes = (int) (at - first);
            int offset = viewOffset(first, runBytes - RecordFormat.HEADER_SIZE);
            view.put(offset, data, batch.start(i), runBytes);
            for (; i < runEnd; i++) {
                long position = positions[i];
                int word = RecordFormat.dataWord(batch.length(i));
                publish(offset + (int) (position - first), RecordFormat.sealed(batch.crc(i), base + position, word),
                        word);
                positions[i] = base + position;
            }
        }
        records += count;
        payloadBytes += batch.payloadBytes();
        publishEnd(last);
        batch.appended();
    }

    /** Publish last: payload and checksum are in place before the commit word becomes non-zero. */
    private void publish(int at, int checksum, int word) {
        view.putInt(at + RecordFormat.CRC_OFFSET, checksum);
        INTS.setRelease(view, at, word);
    }

    private long appended(long position, int length) {
        records++;
        payloadBytes += length;
        publishEnd(position + RecordFormat.recordSize(length));
        return position;
    }

    /** Publishes a new end, after the commit words below it, and wakes the pretoucher when due. */
    private void publishEnd(long newEnd) {
        END.setRelease(this, newEnd);
        if (newEnd > wakeAt) {
            wakeAt = Long.MAX_VALUE;
            LockSupport.unpark(pretoucher);
        }
    }

    /**
     * Grows the file and mapping so the record fits, writes padding when it would straddle a
     * segment end, and returns where the record goes. Throws before changing anything.
     */
    private long makeRoom(int length) throws IOException {
        long position = end;
        long size = RecordFormat.recordSize(length);
        long segmentEnd = (position | segmentMask) + 1;
        long padding = position + size > segmentEnd ? segmentEnd - position : 0;
        if (position + padding + size > mappedEnd) {
            grow(position + padding + size);
        }
        if (padding > 0) {
            int at = viewOffset(position, 0);
            int word = RecordFormat.paddingWord((int) padding - RecordFormat.HEADER_SIZE);
            publish(at, RecordFormat.checksum(base + position, word), word);
            END.setRelease(this, segmentEnd);
            position = segmentEnd;
        }
        return position;
    }

    /**
     * Plans where each record of {@code batch} goes from file offset {@code from}, padding to a
     * segment end where one would straddle it; stores the offsets in {@code positions} and
     * returns the offset after the last record.
     */
    private long plan(AppendBatch batch, long from, long[] positions) {
        long position = from;
        for (int i = 0; i < batch.size(); i++) {
            long size = RecordFormat.recordSize(batch.length(i));
            long segmentEnd = (position | segmentMask) + 1;
            if (position + size > segmentEnd) {
                position = segmentEnd;
            }
            positions[i] = position;
            position += size;
        }
        return position;
    }

    /** Whether every record of {@code batch} fits in this file after the current end. Under the append lock. */
    public boolean fits(AppendBatch batch) {
        return plan(batch, end, batch.positions()) <= span;
    }

    /** Whether every record of {@code batch} would fit in an empty file of this span. */
    public boolean fitsEmpty(AppendBatch batch) {
        return plan(batch, FileHeader.SIZE, batch.positions()) <= span;
    }

    /**
     * Whether a record of {@code length} payload bytes fits in this file after the current end,
     * with the padding to a segment end it may need. Under the append lock.
     */
    public boolean fits(int length) {
        long position = end;
        long size = RecordFormat.recordSize(length);
        long segmentEnd = (position | segmentMask) + 1;
        long padding = position + size > segmentEnd ? segmentEnd - position : 0;
        return position + padding + size <= span;
    }

    /**
     * Ends this file for good: pads from the end to the end of the span (a record that did not
     * fit went to the next file), so that readers move on to the next file. Nothing to write
     * when the end is the span end. Under the append lock.
     */
    public void seal() throws IOException {
        // One padding record per segment left: a batch that did not fit rolls from any segment.
        for (long position = end; position < span; position = end) {
            if (position + RecordFormat.HEADER_SIZE > mappedEnd) {
                grow(position + RecordFormat.HEADER_SIZE);
            }
            long segmentEnd = (position | segmentMask) + 1;
            int at = viewOffset(position, 0);
            int word = RecordFormat.paddingWord((int) (segmentEnd - position) - RecordFormat.HEADER_SIZE);
            publish(at, RecordFormat.checksum(base + position, word), word);
            END.setRelease(this, segmentEnd);
        }
    }

    /** The offset of {@code position} in the current view, switching views when the record is outside it. */
    private int viewOffset(long position, int length) {
        if (position < viewStart || position + RecordFormat.HEADER_SIZE + length > viewEnd) {
            long segment = position >>> segmentShift;
            long start = segment << segmentShift;
            NextView next = nextView;
            boolean ready = next != null && next.segment == segment && next.generation == mapping.generation()
                    && start + next.view.capacity() >= position + RecordFormat.HEADER_SIZE + length;
            view = ready ? next.view : mapping.segment(segment);
            nextViewsUsed += ready ? 1 : 0;
            viewStart = start;
            viewEnd = viewStart + view.capacity();
        }
        return (int) (position - viewStart);
    }

    /**
     * Pretoucher, inside a lease: looks up the view of the segment after the one the writer is
     * in, if it is mapped and not looked up yet, for {@link #viewOffset} to find.
     */
    void lookUpNextView() {
        long segment = (end() >>> segmentShift) + 1;
        long start = segment << segmentShift;
        long mapped = mapping.mappedLength();
        if (start >= mapped) {
            return;
        }
        NextView next = nextView;
        long generation = mapping.generation();
        if (next != null && next.segment == segment && next.generation == generation
                && next.view.capacity() >= Math.min(mapped - start, 1L << segmentShift)) {
            return;
        }
        nextView = new NextView(segment, generation, mapping.segment(segment));
    }

    /** Reserves blocks, extends the file, then grows the mapping to cover at least {@code needed}. */
    private void grow(long needed) throws IOException {
        // Growth waits for the pretoucher's reservation, and a move for every lease.
        mapping.refuseInsideLease("an append that must grow the log");
        long page = sys.pageSize();
        long target = (needed + page - 1) & -page;
        if (target > span) {
            throw new IllegalStateException("file " + file + " cannot grow past its span: needed=" + needed
                    + " span=" + span);
        }
        // Only growth under the append lock, which this thread holds, changes the file size.
        long actual = sys.size(file, fd);
        if (actual < fileSize) {
            // Appends into the lost pages would SIGBUS: the writer refuses from now on.
            throw failure.fail(new CorruptLogException(file, actual, "file shrank while open: actual size=" + actual
                    + " expected=" + fileSize + " (truncated by another process?)"));
        }
        if (target > fileSize) {
            long newSize = growthSize(fileSize, target);
            checkFreeSpaceFloor(newSize - fileSize);
            reserveBlocks(newSize);
        }
        mapping.growTo(fileSize);
        mappedEnd = mapping.mappedLength();
        viewEnd = 0; // the mapping may have moved: look the view up again
    }

    /**
     * The size a file of {@code size} bytes grows to when it must hold {@code target} bytes:
     * doubling, by at most the step.
     */
    private long growthSize(long size, long target) {
        long page = sys.pageSize();
        long step = Math.min(Math.max(size, page), config.maxGrowthStep());
        return Math.min(span, Math.max(target, (size + step + page - 1) & -page));
    }

    /**
     * Pretoucher, without the append lock: reserves the blocks of the next growth step ahead of
     * need, so that growth on the writer's path does not wait for the file system. Failures are
     * left for that growth to report, with the log unchanged.
     */
    void reserveAhead() {
        reserveLock.lock();
        try {
            // The size and the reservation are read under the lock that the writer changes them
            // under: a growth cannot land between the reads and make this reserve a stale range.
            long size = fileSize;
            long newSize = growthSize(size, size + 1);
            if (newSize <= reservedTo || size + 1 > span) {
                return;
            }
            try {
                checkFreeSpaceFloor(newSize - size);
                allocate(newSize);
            } catch (IOException ignored) {
                // the next growth makes the same call and reports the failure
            }
        } finally {
            reserveLock.unlock();
        }
    }

    /** Pretoucher, under the append lock: grows by one step before the writer needs it. */
    void growAhead() throws IOException {
        if (mappedEnd < span) {
            grow(mappedEnd + 1);
        }
    }

    /** Segment switches that used a view the pretoucher looked up ahead; under the append lock. */
    public long nextViewsUsed() {
        return nextViewsUsed;
    }

    /** Starts a pretoucher working ahead of this writer. */
    public void startPretoucher(Pretoucher task) {
        pretouching = task;
        task.start();
    }

    /** Asks the pretoucher, if any, to stop, without waiting for it: this file is sealed. */
    public void signalPretoucherStop() {
        if (pretouching != null) {
            pretouching.signalStop();
        }
    }

    /** Stops the pretoucher, if any, and waits for it. */
    void stopPretoucher() {
        if (pretouching != null) {
            pretouching.stop();
        }
    }

    /** Bytes the pretoucher has faulted in ahead of the writer. */
    public long pretouchedBytes() {
        return pretouching == null ? 0 : pretouching.populatedBytes();
    }

    /** Registers the pretoucher thread, woken when the end passes {@code position}. */
    void wakeAt(Thread thread, long position) {
        pretoucher = thread;
        wakeAt = position;
    }

    /** Refuses growth that would leave less free space than the configured floor. */
    private void checkFreeSpaceFloor(long growth) throws IOException {
        if (config.minFreeSpace() == 0) {
            return;
        }
        long usable = Files.getFileStore(file).getUsableSpace();
        if (usable - growth < config.minFreeSpace()) {
            throw new LogFullException(file, "growing " + file + " by " + growth + " bytes would leave "
                    + (usable - growth) + " bytes free, below the floor of " + config.minFreeSpace()
                    + "; the log is unchanged and appends work again once space is freed");
        }
    }

    /** After an explicit repair: appends continue at {@code end}. */
    public void reset(long end, long records, long payloadBytes) {
        END.setRelease(this, end);
        this.records = records;
        this.payloadBytes = payloadBytes;
    }

    private void reserveBlocks(long newSize) throws IOException {
        reserveLock.lock();
        try {
            reserveBlocksLocked(newSize);
        } finally {
            reserveLock.unlock();
        }
    }

    private void reserveBlocksLocked(long newSize) throws IOException {
        try {
            if (newSize > reservedTo) {
                allocate(newSize);
            }
            sys.truncate(file, fd, newSize);
            fileSize = newSize;
        } catch (NativeCallException e) {
            restoreSize(e);
            if (e.isNoSpace()) {
                throw new LogFullException(file, "no space to grow " + file + " from " + fileSize + " to " + newSize
                        + " bytes; the log is unchanged and appends work again once space is freed", e);
            }
            throw e;
        }
    }

    /**
     * Reserves the blocks from the file size to {@code newSize}, within the log's disk budget
     * when it has one. Under the reserve lock.
     */
    private void allocate(long newSize) throws IOException {
        DiskBudget admitted = budget;
        long more = newSize - Math.max(fileSize, reservedTo); // blocks not reserved yet
        if (admitted != null) {
            admitted.reserve(file, more);
        }
        try {
            sys.allocate(file, fd, fileSize, newSize - fileSize);
            reservedTo = Math.max(reservedTo, newSize);
        } finally {
            if (admitted != null) {
                admitted.release(more);
            }
        }
    }

    /** Makes growth of this file ask {@code budget} before it reserves blocks. */
    public void budget(DiskBudget budget) {
        this.budget = budget;
    }

    /** A failed fallocate may still have extended the file (ext4): put the size back. */
    private void restoreSize(Exception failed) {
        try {
            if (sys.size(file, fd) != fileSize) {
                reservedTo = fileSize; // truncating may free blocks reserved beyond the end
                sys.truncate(file, fd, fileSize);
            }
        } catch (NativeCallException e) {
            failed.addSuppressed(e);
        }
    }

    public long end() {
        return (long) END.getAcquire(this);
    }

    public long records() {
        return records;
    }

    public long payloadBytes() {
        return payloadBytes;
    }

    public long fileSize() {
        return fileSize;
    }
}
