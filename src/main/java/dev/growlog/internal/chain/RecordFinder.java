package dev.growlog.internal.chain;

import dev.growlog.error.ClosedLogException;
import dev.growlog.internal.file.LogFile;
import dev.growlog.internal.format.FileHeader;
import dev.growlog.internal.format.RecordFormat;
import dev.growlog.internal.recovery.RecordCursor;

import java.io.IOException;

/**
 * Finds records by position across the files of a log: checks that a position is a record
 * position, the start or the end; finds the file that holds it; and, when that file was closed
 * under the caller (retired after a roll, or deleted below a moved start), looks it up again, or
 * says why not.
 */
public final class RecordFinder {
    /** Lookups of a file closed under a reader before one gives up (only a storm of rolls). */
    private static final int ATTEMPTS = 100;

    private final Chain chain;
    private final LogSide side;

    public RecordFinder(Chain chain, LogSide side) {
        this.chain = chain;
        this.side = side;
    }

    /** What to do with the record a cursor is on, inside a lease. */
    public interface FileAction<T> {
        T apply(LogFile file, RecordCursor cursor) throws IOException;
    }

    /** Runs {@code action} inside a lease with a cursor on the record at {@code position}. */
    public <T> T atRecord(long position, FileAction<T> action) throws IOException {
        checkPosition(position, false);
        for (int attempt = 0; ; attempt++) {
            LogFile file = fileOf(position);
            try {
                return file.atRecord(position - file.base(), position == side.startPosition(),
                        cursor -> action.apply(file, cursor));
            } catch (ClosedLogException closedUnderUs) {
                reopened(chain, closedUnderUs, attempt, position);
            }
        }
    }

    /**
     * Checks that a record, or the end, is at {@code position}. The start position is a record
     * boundary by definition: damage there is reported by the reader as corruption.
     */
    public void checkStart(long position) throws IOException {
        checkPosition(position, true);
        if (position == side.endPosition() || position == side.startPosition()) {
            return;
        }
        for (int attempt = 0; ; attempt++) {
            LogFile file = fileOf(position);
            try {
                file.checkRecordStart(position - file.base());
                return;
            } catch (ClosedLogException closedUnderUs) {
                reopened(chain, closedUnderUs, attempt, position);
            }
        }
    }

    /**
     * Checks that {@code position} is a record position, the start or the end of this log, and
     * returns it as such: a file's span end stands for the next file's first record.
     */
    public long checkRecordOrEnd(long position) throws IOException {
        long normalized = chain.normalize(position);
        checkStart(normalized);
        return normalized;
    }

    /**
     * After a file was closed under a reader (retired after a roll, or deleted below the start):
     * rethrows when the log itself is closed or the records were dropped, else lets the caller
     * look the file up again.
     */
    public static void reopened(Chain chain, ClosedLogException closedUnderUs, int attempt, long position)
            throws IOException {
        chain.checkOpen();
        chain.checkNotDropped(position);
        if (attempt > ATTEMPTS) {
            throw closedUnderUs;
        }
    }

    /** The open file that holds {@code position}; IllegalArgumentException when there is none. */
    private LogFile fileOf(long position) throws IOException {
        LogFile file = chain.fileAt(position / chain.span());
        if (file == null) {
            throw new IllegalArgumentException("no record starts at position " + position + " in " + chain.dir()
                    + ": no data file holds it");
        }
        return file;
    }

    private void checkPosition(long position, boolean endAllowed) throws IOException {
        chain.checkOpen();
        chain.refresh(false);
        long offset = position % chain.span();
        boolean shaped = position >= 0 && offset >= FileHeader.SIZE && position % RecordFormat.ALIGNMENT == 0;
        if (shaped) {
            chain.checkNotDropped(position);
        }
        long end = side.knownEnd();
        boolean inRange = position < end || endAllowed && position == end;
        if (shaped && !inRange) {
            end = side.endPosition();
            inRange = position < end || endAllowed && position == end;
        }
        if (!shaped || !inRange) {
            throw new IllegalArgumentException("position " + position + " is not a record position in " + chain.dir()
                    + " (records lie in [" + side.startPosition() + ", " + side.endPosition() + ") at multiples of "
                    + RecordFormat.ALIGNMENT + ", from " + FileHeader.SIZE + " in each file of "
                    + chain.span() + " positions)");
        }
    }
}
