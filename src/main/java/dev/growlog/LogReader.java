package dev.growlog;

import dev.growlog.error.ClosedLogException;
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
 * <p>NOTE: not thread-safe; use one reader per thread. {@link #payload()} is a read-only view
 * of the reader's own copy, valid until the next call to {@link #next()}; {@link #bytes()} is
 * a fresh copy. No mapped memory is ever handed out.
 */
public final class LogReader implements AutoCloseable {
    private final GrowLog log;
    private final RecordCursor cursor;
    /** Where the next record is looked for. */
    private long nextPosition;
    /** Position and length of the current record; -1 before the first. */
    private long position = -1;
    private int length;
    /** Copy of the current record's payload, checked against its CRC32C. */
    private byte[] buffer = new byte[256];
    /** False before the first record and after a record failed its checksum while being copied. */
    private boolean hasCurrent;
    /**
     * True when {@link #nextPosition} is known to be where a record starts or the log ends (the
     * start position, or just after a valid record or padding); false for a caller's position
     * not yet confirmed. Decides whether an invalid record there is damage or a bad argument.
     */
    private boolean atBoundary;
    private boolean closed;

    LogReader(GrowLog log, long position) {
        this.log = log;
        this.cursor = new RecordCursor(log.mapping());
        this.nextPosition = position;
        this.atBoundary = position == log.startPosition();
    }

    /**
     * Moves to the next record. Returns false when there is none yet.
     *
     * @throws dev.growlog.error.CorruptLogException when the next record fails validation; if
     *         its payload failed its checksum the reader then has no current record, so that
     *         none of the damaged bytes can be read through it
     */
    public boolean next() throws IOException {
        if (closed) {
            throw new ClosedLogException("reader is closed");
        }
        GrowableMapping mapping = log.mapping();
        for (boolean followed = false; ; followed = true) {
            // Read the end before the commit word: every word below it was published before it.
            long end = log.knownEnd();
            mapping.acquire();
            try {
                RecordCursor.Status status = cursor.inspect(nextPosition);
                while (status == RecordCursor.Status.PADDING) {
                    nextPosition = cursor.next();
                    atBoundary = true;
                    status = cursor.inspect(nextPosition);
                }
                switch (status) {
                    case RECORD:
                        take();
                        return true;
                    case END:
                        if (nextPosition < end) {
                            // Only damage, or a position inside a record, puts zeros below the end.
                            throw refuse("zero commit word before the end of the log (end=" + end + ")");
                        }
                        return false;
                    case INVALID:
                        throw refuse(cursor.problem());
                    default:
                        break; // NOT_MAPPED: follow the file, outside the lease
                }
            } finally {
                mapping.release();
            }
            if (!followed) {
                // Look again even when there was nothing to follow: the writer (growing in place)
                // or another reader of this log may have grown the mapping since the record was
                // inspected.
                log.followGrowth();
                continue;
            }
            if (nextPosition + 8 <= mapping.mappedLength()) {
                throw log.corrupt(nextPosition, "record runs past the end of the file");
            }
            return false;
        }
    }

    private void take() throws IOException {
        int size = cursor.length();
        if (buffer.length < size) {
            buffer = new byte[Math.max(size, Math.min(Integer.MAX_VALUE - 8, 2 * buffer.length))];
        }
        if (!cursor.copyPayload(buffer)) {
            hasCurrent = false; // the buffer now holds bytes that failed their checksum
            throw log.corrupt(nextPosition, cursor.problem());
        }
        position = nextPosition;
        length = size;
        hasCurrent = true;
        nextPosition = cursor.next();
        atBoundary = true;
    }

    /** No valid record at {@link #nextPosition}: damage at a record boundary, else a bad position. */
    private IOException refuse(String problem) {
        if (!atBoundary) {
            throw new IllegalArgumentException("no record starts at position " + nextPosition + " in " + log.file()
                    + ": " + problem);
        }
        return log.corrupt(nextPosition, problem);
    }

    /** Position of the current record. */
    public long position() {
        checkCurrent();
        return position;
    }

    /** Payload length of the current record. */
    public int length() {
        checkCurrent();
        return length;
    }

    /** Read-only view of the current payload, valid until the next {@link #next()}. */
    public ByteBuffer payload() {
        checkCurrent();
        return ByteBuffer.wrap(buffer, 0, length).asReadOnlyBuffer();
    }

    /** A copy of the current payload. */
    public byte[] bytes() {
        checkCurrent();
        return Arrays.copyOf(buffer, length);
    }

    /** Position the next call to {@link #next()} looks at. */
    public long nextPosition() {
        return nextPosition;
    }

    private void checkCurrent() {
        if (closed) {
            throw new ClosedLogException("reader is closed");
        }
        if (!hasCurrent) {
            throw new IllegalStateException(position < 0 ? "no current record: call next() first"
                    : "no current record: the last call to next() found a damaged record");
        }
    }

    @Override
    public void close() {
        closed = true;
    }
}
