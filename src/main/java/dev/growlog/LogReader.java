package dev.growlog;

import dev.growlog.error.ClosedLogException;
import dev.growlog.internal.chain.Chain;
import dev.growlog.internal.chain.DataFiles;
import dev.growlog.internal.file.LogFile;
import dev.growlog.internal.format.RecordFormat;
import dev.growlog.internal.mapping.GrowableMapping;
import dev.growlog.internal.recovery.RecordCursor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Iterates over records in position order. {@link #next()} moves to the next record and returns
 * false at the current end of the log; calling it again later returns records appended since.
 *
 * <pre>{@code
 * try (LogReader reader = log.reader(log.startPosition())) {
 *     while (reader.next()) {
 *         handle(reader.position(), reader.payload());
 *     }
 * }
 * }</pre>
 *
 * <p>Records are copied out in batches (up to {@value #BATCH_RECORDS} records or
 * {@value #BATCH_BYTES} bytes) under one lease, adjacent records in one piece, and each copy is
 * checked against its CRC32C; a damaged record is reported when the reader reaches it, after
 * every good record before it. {@link #forEach(RecordHandler)} reads without copying and checks
 * each record in the mapping, up to {@value #ZERO_COPY_BATCH_RECORDS} records or
 * {@value #BATCH_BYTES} payload bytes under one lease.
 *
 * <p>NOTE: not thread-safe; use one reader per thread. {@link #payload()} is a read-only view
 * of the reader's own copy, valid until the next call to {@link #next()}; {@link #bytes()} is
 * a fresh copy. Copying a payload out of either copies it a second time: to keep payloads,
 * copy them in a {@link #forEach(RecordHandler)} handler, one copy from the mapping.
 */
public final class LogReader implements AutoCloseable {
    static final int BATCH_RECORDS = 64;
    static final int BATCH_BYTES = 64 * 1024;
    /**
     * Records {@link #forEach} hands out under one lease at most; it also stops once they hold
     * {@value #BATCH_BYTES} payload bytes, so that only small records make long batches.
     */
    static final int ZERO_COPY_BATCH_RECORDS = 1024;

    private final GrowLog log;
    /** The file the reader is in and a cursor over it; null until looked up, or after it closed. */
    private LogFile file;
    private RecordCursor cursor;
    /** Where the record after the batch is looked for: a global position. */
    private long nextPosition;
    /** The batch: positions, payload offsets in {@link #data}, lengths; {@code index} is current. */
    private final long[] positions = new long[BATCH_RECORDS];
    private final int[] offsets = new int[BATCH_RECORDS];
    private final int[] lengths = new int[BATCH_RECORDS];
    /** The batch's commit words, as inspected; {@link #data} holds each record whole, header included. */
    private final int[] words = new int[BATCH_RECORDS];
    private int count;
    private int index = -1;
    private byte[] data = new byte[BATCH_BYTES];
    /** A read-only view of all of {@link #data}, made when first needed; null after it grows. */
    private ByteBuffer readOnlyData;
    private boolean closed;
    /** Records the current {@link #forEach} lease handed out so far. */
    private int batchHandled;

    LogReader(GrowLog log, long position) {
        this.log = log;
        this.nextPosition = position;
    }

    /**
     * Moves to the next record. Returns false when there is none yet.
     *
     * @return true when there is a current record; false at the current end of the log
     * @throws dev.growlog.error.CorruptLogException when the next record fails validation
     * @throws dev.growlog.error.RecordsDroppedException when the next record was dropped: the
     *                                                  log's start moved past it
     * @throws ClosedLogException when the reader or the log is closed
     * @throws IOException when following another process's writes fails
     */
    public boolean next() throws IOException {
        checkOpen();
        log.checkOpen();
        if (index + 1 < count) {
            log.chain().checkNotDropped(positions[index + 1]);
            index++;
            return true;
        }
        count = 0;
        index = -1;
        for (int attempt = 0, followed = 0, ended = 0; ; ) {
            LogFile f = locate();
            if (f == null) {
                return false;
            }
            RecordCursor.Status status;
            // Read the end before the commit words: every word below it was published before it.
            long end = f.knownEnd();
            try {
                f.mapping().acquire();
            } catch (ClosedLogException closedUnderUs) {
                log.reopened(closedUnderUs, attempt++, nextPosition);
                moveTo(null);
                continue;
            }
            try {
                status = fill(f, end);
            } finally {
                f.mapping().release();
            }
            if (count > 0) {
                index = 0;
                return true;
            }
            if (status == RecordCursor.Status.INVALID) {
                throw f.corrupt(nextPosition - f.base(), cursor.problem());
            }
            if (status != RecordCursor.Status.END && nextPosition - f.base() >= f.span()) {
                followed = 0; // a span end: on to the next file
                continue;
            }
            if (status == RecordCursor.Status.END || !lookAgain(f, followed++ > 0)) {
                if (!endsEarly(f, ended++)) {
                    return false;
                }
                followed = 0; // sealed since the last follow, maybe past it: follow again before judging
            }
        }
    }

    /**
     * At what looks like the end of the log inside file {@code f}: false when it is the end.
     * When a later file exists, {@code f} was sealed before it appeared, padding and all: the
     * first time, asks to look again, following the file first (the padding may have been
     * published since the last look, and in a read-only log past what the last follow mapped);
     * the second time, {@code f} ends before its span end, and that is damage.
     */
    private boolean endsEarly(LogFile f, int looks) throws IOException {
        Chain chain = log.chain();
        boolean later = chain.isReadOnly()
                ? java.nio.file.Files.exists(DataFiles.path(chain.dir(), f.index() + 1, chain.span()))
                : chain.current().index() > f.index();
        if (!later) {
            return false;
        }
        if (looks == 0) {
            return true;
        }
        throw f.corrupt(nextPosition - f.base(), "sealed file " + f.file() + " ends at offset "
                + (nextPosition - f.base()) + " before its span end " + f.span()
                + ": truncated, or its padding lost (repair with 'growlog recover')");
    }

    /**
     * The file that holds {@link #nextPosition}, moving it from a span end to the next file's
     * first record; null when that file does not exist yet. Throws
     * {@link dev.growlog.error.RecordsDroppedException} when the position fell below the start.
     */
    private LogFile locate() throws IOException {
        Chain chain = log.chain();
        nextPosition = chain.normalize(nextPosition);
        long at = nextPosition / chain.span();
        // Crossing into another file: let go of the files deleted behind this reader now, not
        // up to a refresh interval later, so that a fast reader holds no run of deleted files.
        chain.refresh(file != null && file.index() != at);
        chain.checkNotDropped(nextPosition);
        if (file == null || file.index() != at || file.isClosed()) {
            moveTo(chain.fileAt(at));
            cursor = file == null ? null : file.cursor();
            if (file == null && chain.isReadOnly()) {
                refuseGap(chain, at);
            }
        }
        return file;
    }

    /**
     * Makes {@code next} (or none) the file this reader reads in, and tells the chain, which
     * closes in a read-only log the files no reader reads in any more.
     */
    private void moveTo(LogFile next) throws IOException {
        LogFile left = file;
        file = next;
        if (next == left) {
            return;
        }
        if (next != null) {
            log.chain().entered(next);
        }
        if (left != null) {
            log.chain().left(left);
        }
    }

    /** A read-only log may lack a file that later files follow (a writer refuses to open it): damage. */
    private void refuseGap(Chain chain, long index) throws IOException {
        Long later = DataFiles.list(chain.dir()).higherKey(index * chain.span());
        if (later != null) {
            java.nio.file.Path missing = DataFiles.path(chain.dir(), index, chain.span());
            throw new dev.growlog.error.CorruptLogException(missing, nextPosition, "data file " + missing
                    + " is missing, with files on both sides (repair with 'growlog recover')");
        }
    }

    /**
     * After NOT_MAPPED: the first time, follows the file's growth (outside the lease) and asks
     * to look again, even when there was nothing to follow, since another thread may have grown
     * the mapping meanwhile. The second time, a record whose header is mapped but whose payload
     * is not runs past the end of the file.
     */
    private boolean lookAgain(LogFile f, boolean followed) throws IOException {
        if (!followed) {
            f.followGrowth();
            return true;
        }
        if (cursor.pastMapping()) {
            throw f.corrupt(nextPosition - f.base(), "record runs past the end of the file");
        }
        return false;
    }

    /**
     * Copies records into the batch until it is full or a non-record is met, then checks each
     * copy; returns what stopped it. A zero commit word below {@code end} is damage, not the end
     * of the log. Records that lie together in one segment are copied in one piece, headers
     * included, and checked in the copy: one copy per run instead of one per record.
     */
    private RecordCursor.Status fill(LogFile f, long end) {
        long base = f.base();
        int segmentShift = Integer.numberOfTrailingZeros(f.mapping().segmentSize());
        int used = 0;
        // The run of records not copied yet: segment offsets [runFrom, runTo), to data at runAt.
        long runSegment = -1;
        int runFrom = 0;
        int runTo = 0;
        int runAt = 0;
        RecordCursor.Status status = RecordCursor.Status.RECORD;
        while (count < BATCH_RECORDS) {
            long local = nextPosition - base;
            if (runSegment >= 0 && local >>> segmentShift != runSegment) {
                cursor.copyRecords(runFrom, runTo - runFrom, data, runAt); // before the cursor leaves the segment
                runSegment = -1;
            }
            status = cursor.inspect(local);
            if (status == RecordCursor.Status.PADDING) {
                nextPosition = base + cursor.next();
                continue;
            }
            if (status != RecordCursor.Status.RECORD) {
                status = zeroBelowEnd(status, local, end);
                break;
            }
            int length = cursor.length();
            int from = cursor.offset();
            int size = RecordFormat.HEADER_SIZE + length;
            boolean joins = runSegment >= 0 && from == (int) RecordFormat.align(runTo);
            int after = joins ? runAt + from - runFrom + size : used + size;
            if (count > 0 && after > BATCH_BYTES) {
                status = RecordCursor.Status.RECORD;
                break;
            }
            if (!joins && runSegment >= 0) {
                cursor.copyRecords(runFrom, runTo - runFrom, data, runAt); // skipped bytes lie between
            }
            if (!joins) {
                runSegment = local >>> segmentShift;
                runFrom = from;
                runAt = used;
            }
            if (after > data.length) {
                data = Arrays.copyOf(data, after);
                readOnlyData = null;
            }
            runTo = from + size;
            used = after;
            positions[count] = nextPosition;
            words[count] = cursor.word();
            offsets[count] = after - length;
            lengths[count] = length;
            count++;
            nextPosition = base + cursor.next();
        }
        if (runSegment >= 0) {
            cursor.copyRecords(runFrom, runTo - runFrom, data, runAt);
        }
        for (int i = 0; i < count; i++) {
            if (!cursor.verifyCopy(positions[i] - base, words[i], data, offsets[i] - RecordFormat.HEADER_SIZE)) {
                count = i;
                nextPosition = positions[i];
                return RecordCursor.Status.INVALID;
            }
        }
        return status;
    }

    /** END where the log is known to go on means the commit word was lost: report it as damage. */
    private RecordCursor.Status zeroBelowEnd(RecordCursor.Status status, long local, long end) {
        if (status == RecordCursor.Status.END && local < end) {
            cursor.problem("zero commit word below the end of the log (" + end + ")");
            return RecordCursor.Status.INVALID;
        }
        return status;
    }

    /**
     * Hands every record from the reader's position to the current end to {@code handler}
     * without copying, then leaves the reader after the last one. Returns how many.
     *
     * @param handler called with each record's position and a read-only view of its payload in
     *                the mapped file, valid during the call (see {@link RecordHandler})
     * @return how many records the handler was given
     * @throws dev.growlog.error.CorruptLogException when a record fails validation; the records
     *                                               before it have been handled
     * @throws ClosedLogException when the reader or the log is closed
     * @throws IOException when following another process's writes fails
     */
    public long forEach(RecordHandler handler) throws IOException {
        checkOpen();
        if (index + 1 < count) {
            nextPosition = positions[index + 1];
        }
        count = 0;
        index = -1;
        ZeroCopy zeroCopy = null;
        long handled = 0;
        int ended = 0;
        for (boolean followed = false; ; ) {
            LogFile f = locate();
            if (f == null) {
                return handled;
            }
            if (zeroCopy == null || zeroCopy.mapping != f.mapping()) {
                zeroCopy = new ZeroCopy(f.mapping(), cursor);
            }
            RecordCursor.Status status;
            long end = f.knownEnd();
            long handledBefore = handled;
            batchHandled = 0;
            try {
                f.mapping().acquire();
            } catch (ClosedLogException closedUnderUs) {
                log.reopened(closedUnderUs, 0, nextPosition);
                moveTo(null);
                continue;
            }
            try {
                status = handleBatch(f, handler, zeroCopy, end);
            } finally {
                f.mapping().release();
            }
            handled += batchHandled;
            if (handled > handledBefore) {
                // Past the record that needed the last follow: a later one needs a follow of its own.
                followed = false;
            }
            switch (status) {
                case RECORD:
                    followed = false;
                    break;
                case END:
                    if (!endsEarly(f, ended++)) {
                        return handled;
                    }
                    break;
                case INVALID:
                    throw f.corrupt(nextPosition - f.base(), cursor.problem());
                default:
                    if (nextPosition - f.base() >= f.span()) {
                        followed = false; // a span end: on to the next file
                        break;
                    }
                    if (lookAgain(f, followed)) {
                        followed = true;
                    } else if (endsEarly(f, ended++)) {
                        followed = false; // sealed since the last follow, maybe past it: follow again
                    } else {
                        return handled;
                    }
            }
        }
    }

    /**
     * Hands records, skipping padding, to the handler until {@value #ZERO_COPY_BATCH_RECORDS}
     * records or {@value #BATCH_BYTES} payload bytes, counting them in {@link #batchHandled};
     * returns RECORD when it stopped at that bound. One loop, so that the cursor's common case
     * is compiled into it. Taking a lease costs about as much as checking a few small records,
     * so small records get long batches.
     */
    private RecordCursor.Status handleBatch(LogFile f, RecordHandler handler, ZeroCopy zeroCopy, long end)
            throws IOException {
        long base = f.base();
        Chain chain = log.chain();
        zeroCopy.leased();
        long bytes = 0;
        for (int n = 0; n < ZERO_COPY_BATCH_RECORDS && bytes < BATCH_BYTES; n++) {
            chain.checkNotDropped(nextPosition);
            RecordCursor.Status status = cursor.inspect(nextPosition - base);
            while (status == RecordCursor.Status.PADDING) {
                nextPosition = base + cursor.next();
                status = cursor.inspect(nextPosition - base);
            }
            if (status != RecordCursor.Status.RECORD) {
                return zeroBelowEnd(status, nextPosition - base, end);
            }
            if (!cursor.verifyInPlace()) {
                return RecordCursor.Status.INVALID;
            }
            long position = nextPosition;
            nextPosition = base + cursor.next();
            batchHandled++;
            bytes += cursor.length();
            handler.onRecord(position, zeroCopy.payload());
        }
        return RecordCursor.Status.RECORD;
    }

    /** Read-only slices of exposed views for one {@link #forEach} call. */
    private static final class ZeroCopy {
        final GrowableMapping mapping;
        private final RecordCursor cursor;
        private final int segmentShift;
        private ByteBuffer view;
        private long segment = -1;
        private long generation = -1;

        ZeroCopy(GrowableMapping mapping, RecordCursor cursor) {
            this.mapping = mapping;
            this.cursor = cursor;
            this.segmentShift = Integer.numberOfTrailingZeros(mapping.segmentSize());
        }

        /** At the start of each lease: a view of an older generation of the mapping is looked up again. */
        void leased() {
            long current = mapping.generation();
            if (current != generation) {
                generation = current;
                segment = -1;
            }
        }

        /** The inspected record's payload; inside the lease {@link #leased} began. */
        ByteBuffer payload() {
            long at = cursor.position() >>> segmentShift;
            long end = (long) cursor.payloadOffset() + cursor.length();
            if (at != segment || view.capacity() < end) {
                view = mapping.exposedSegment(at);
                segment = at;
            }
            return view.slice(cursor.payloadOffset(), cursor.length());
        }
    }

    /**
     * Position of the current record.
     *
     * @return the record's byte offset in the file
     * @throws IllegalStateException when there is no current record ({@link #next()} has not
     *                               returned true), or the reader is closed
     */
    public long position() {
        checkCurrent();
        return positions[index];
    }

    /**
     * Payload length of the current record.
     *
     * @return the payload length in bytes
     * @throws IllegalStateException when there is no current record, or the reader is closed
     */
    public int length() {
        checkCurrent();
        return lengths[index];
    }

    /**
     * The current payload, without a copy: a read-only view of the reader's own copy of the
     * record, valid until the next {@link #next()} (which may overwrite it). It does not view
     * the mapped file. Each call returns a new buffer, positioned at 0 with the payload's length
     * as its limit.
     *
     * @return a read-only buffer holding the payload
     * @throws IllegalStateException when there is no current record, or the reader is closed
     */
    public ByteBuffer payload() {
        checkCurrent();
        if (readOnlyData == null) {
            readOnlyData = ByteBuffer.wrap(data).asReadOnlyBuffer();
        }
        return readOnlyData.slice(offsets[index], lengths[index]);
    }

    /**
     * A copy of the current payload, to keep.
     *
     * @return a new array holding the payload
     * @throws IllegalStateException when there is no current record, or the reader is closed
     */
    public byte[] bytes() {
        checkCurrent();
        return Arrays.copyOfRange(data, offsets[index], offsets[index] + lengths[index]);
    }

    /**
     * Position of the record after the current one (where reading continues), or of the first
     * record to read before {@link #next()} is called.
     *
     * @return the byte offset where the next {@link #next()} looks for a record
     */
    public long nextPosition() {
        // A reader that passed the padding at a file's end stands at the span end: that is the
        // next file's first record.
        return index + 1 < count ? positions[index + 1] : log.chain().normalize(nextPosition);
    }

    private void checkOpen() {
        if (closed) {
            throw new ClosedLogException("reader is closed");
        }
    }

    private void checkCurrent() {
        checkOpen();
        if (index < 0) {
            throw new IllegalStateException("no current record: call next() first");
        }
    }

    /** Closes the reader; later calls throw {@link ClosedLogException}. Holds no lease to release. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            moveTo(null);
        } catch (IOException | RuntimeException notClosedNow) {
            // the file stays open; the log lets go of it when the start passes it, or at close
        }
    }
}
