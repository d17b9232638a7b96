package dev.growlog.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * Splits a byte stream into records, one per line, byte for byte.
 *
 * <p>A line ends at LF ({@code \n}); the record is the line's bytes without that LF. Nothing
 * else is removed: a CR before the LF stays in the record, so a CRLF file is also stored and
 * read back exactly. Empty lines are empty records. A last line without an LF is a record too.
 *
 * <p>With a multi-line start pattern, a line in which the pattern is found (as {@code grep}
 * finds it: anchor it with {@code ^}) starts a new record, and every other line is added to the
 * current record after an LF; a first line that does not match starts a record anyway. The
 * pattern is matched against the line decoded as UTF-8.
 *
 * <p>When the input throws {@link InputStoppedException} (a stop was requested), the splitter
 * ends as at the end of the input, except that a line cut off without its LF is not a record:
 * {@link #incompleteLine()} and {@link #incompleteBytes()} say what was left out. In multi-line
 * mode the record being gathered is complete up to that line and is returned.
 *
 * <p>NOTE: not thread-safe. {@link #buffer()} is reused: it is valid until the next call to
 * {@link #next()}.
 */
final class RecordSplitter {
    private final InputStream in;
    /** Starts a record in multi-line mode; null: every line is a record. */
    private final Pattern start;
    /** Largest record accepted, in bytes. */
    private final int maxRecord;
    /** Where the input came from, for messages. */
    private final String source;

    private final byte[] chunk = new byte[1 << 16];
    /** Unread bytes of {@link #chunk} lie in [chunkPos, chunkEnd). */
    private int chunkPos;
    private int chunkEnd;
    private boolean eof;
    /** The input was stopped ({@link InputStoppedException}) rather than ended. */
    private boolean stopped;
    /** Line number and bytes of a line cut off by a stop, not returned; 0 when none. */
    private long incompleteLine;
    private int incompleteBytes;
    private long bytesRead;
    private long lineNumber;

    /** The line just read, {@link #lineLength} bytes. */
    private byte[] line = new byte[256];
    private int lineLength;

    /** The record returned by {@link #next()}, and (multi-line) the one being gathered. */
    private byte[] record = new byte[256];
    private int recordLength;
    private byte[] pending = new byte[256];
    private int pendingLength = -1;
    /** Line on which {@link #pending} started. */
    private long pendingLine;
    private long recordLine;

    RecordSplitter(InputStream in, Pattern start, int maxRecord, String source) {
        this.in = in;
        this.start = start;
        this.maxRecord = maxRecord;
        this.source = source;
    }

    /** Moves to the next record; false at the end of the input. */
    boolean next() throws IOException {
        if (start == null) {
            if (!readLine()) {
                return false;
            }
            byte[] swap = record;
            record = line;
            line = swap;
            recordLength = lineLength;
            recordLine = lineNumber;
            return true;
        }
        while (readLine()) {
            if (pendingLength >= 0 && !start.matcher(new String(line, 0, lineLength, StandardCharsets.UTF_8)).find()) {
                pending = append(pending, pendingLength, (byte) '\n', line, lineLength, pendingLine);
                pendingLength += 1 + lineLength;
                continue;
            }
            boolean complete = pendingLength >= 0;
            if (complete) {
                takePending();
            }
            pending = ensure(pending, lineLength);
            System.arraycopy(line, 0, pending, 0, lineLength);
            pendingLength = lineLength;
            pendingLine = lineNumber;
            if (complete) {
                return true;
            }
        }
        if (pendingLength < 0) {
            return false;
        }
        takePending();
        pendingLength = -1;
        return true;
    }

    private void takePending() {
        byte[] swap = record;
        record = pending;
        pending = swap;
        recordLength = pendingLength;
        recordLine = pendingLine;
    }

    /** The current record's bytes: the first {@link #length()} bytes. */
    byte[] buffer() {
        return record;
    }

    int length() {
        return recordLength;
    }

    /** Line number (from 1) on which the current record starts. */
    long line() {
        return recordLine;
    }

    /**
     * Whether a whole line is already read in, so that the next {@link #next()} of a line needs
     * no input that has not arrived yet.
     */
    boolean lineBuffered() {
        for (int i = chunkPos; i < chunkEnd; i++) {
            if (chunk[i] == '\n') {
                return true;
            }
        }
        return false;
    }

    /** Bytes consumed from the input so far. */
    long bytesRead() {
        return bytesRead;
    }

    /** Where the input came from, for messages. */
    String source() {
        return source;
    }

    /** True when a stop request ended the input before its end. */
    boolean stopped() {
        return stopped;
    }

    /** Line number (from 1) of a line cut off by a stop and left out; 0 when none was. */
    long incompleteLine() {
        return incompleteLine;
    }

    /** Bytes of the line cut off by a stop that were read and left out. */
    int incompleteBytes() {
        return incompleteBytes;
    }

    /** Reads the next line into {@link #line} without its LF; false at the end of the input. */
    private boolean readLine() throws IOException {
        lineLength = 0;
        boolean any = false;
        while (true) {
            if (chunkPos == chunkEnd && !fill()) {
                if (any && stopped) {
                    incompleteLine = lineNumber + 1;
                    incompleteBytes = lineLength;
                    lineLength = 0;
                    return false;
                }
                if (any) {
                    lineNumber++;
                }
                return any;
            }
            any = true;
            int lf = indexOfLf(chunk, chunkPos, chunkEnd);
            int end = lf < 0 ? chunkEnd : lf;
            line = append(line, lineLength, chunk, chunkPos, end - chunkPos, lineNumber + 1);
            lineLength += end - chunkPos;
            if (lf >= 0) {
                chunkPos = lf + 1;
                lineNumber++;
                return true;
            }
            chunkPos = chunkEnd;
        }
    }

    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        int n;
        try {
            n = in.read(chunk, 0, chunk.length);
        } catch (InputStoppedException e) {
            stopped = true;
            n = -1;
        }
        if (n < 0) {
            eof = true;
            return false;
        }
        chunkPos = 0;
        chunkEnd = n;
        bytesRead += n;
        return true;
    }

    private static int indexOfLf(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** Appends {@code length} bytes to {@code target} after {@code used}, growing it; checks the size limit. */
    private byte[] append(byte[] target, int used, byte[] bytes, int offset, int length, long startLine) {
        byte[] grown = ensureWithin(target, used, length, startLine);
        System.arraycopy(bytes, offset, grown, used, length);
        return grown;
    }

    private byte[] append(byte[] target, int used, byte separator, byte[] bytes, int length, long startLine) {
        byte[] grown = ensureWithin(target, used, 1 + length, startLine);
        grown[used] = separator;
        System.arraycopy(bytes, 0, grown, used + 1, length);
        return grown;
    }

    private byte[] ensureWithin(byte[] target, int used, int more, long startLine) {
        if ((long) used + more > maxRecord) {
            String what = start == null ? "line " : "the record starting on line ";
            throw new CliException(ExitCodes.USAGE, source + ": " + what + startLine
                    + " is longer than the largest record this log accepts (" + maxRecord + " bytes)");
        }
        return ensure(target, used + more);
    }

    private static byte[] ensure(byte[] target, int size) {
        if (target.length >= size) {
            return target;
        }
        long doubled = Math.min(Integer.MAX_VALUE - 8L, 2L * target.length);
        return Arrays.copyOf(target, (int) Math.max(size, doubled));
    }
}
