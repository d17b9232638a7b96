package dev.growlog.internal.recovery;

import dev.growlog.internal.format.RecordFormat;
import dev.growlog.internal.mapping.GrowableMapping;

/**
 * Scans forward from a record position, validating every record, to find where the valid log
 * ends. Stateless; always terminates: each step moves forward by at least one record header.
 */
public final class RecordScanner {

    /**
     * Where a scan stopped and why.
     *
     * @param end      position after the last valid record
     * @param records  valid data records scanned
     * @param bytes    payload bytes of those records
     * @param clean    true when the scan stopped at a zero commit word or the mapped end;
     *                 false when it stopped at a record that failed validation
     * @param problem  why the record at {@code end} is invalid, or null when clean
     */
    public record Result(long end, long records, long bytes, boolean clean, String problem) {
    }

    private RecordScanner() {
    }

    /** Scans from {@code from}; call inside a lease, or from the thread that grows the mapping. */
    public static Result scan(GrowableMapping mapping, long from) {
        RecordCursor cursor = new RecordCursor(mapping);
        long position = from;
        long records = 0;
        long bytes = 0;
        while (true) {
            switch (cursor.inspect(position)) {
                case END:
                    return new Result(position, records, bytes, true, null);
                case NOT_MAPPED:
                    if (position + RecordFormat.HEADER_SIZE > mapping.mappedLength()) {
                        return new Result(position, records, bytes, true, null);
                    }
                    return new Result(position, records, bytes, false, "record length " + cursor.length()
                            + " runs past the end of the file (mapped=" + mapping.mappedLength() + ")");
                case INVALID:
                    return new Result(position, records, bytes, false, cursor.problem());
                case PADDING:
                    position = cursor.next();
                    break;
                case RECORD:
                    if (!cursor.verifyInPlace()) {
                        return new Result(position, records, bytes, false, cursor.problem());
                    }
                    records++;
                    bytes += cursor.length();
                    position = cursor.next();
                    break;
                default:
                    throw new AssertionError();
            }
        }
    }
}
