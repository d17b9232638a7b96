package dev.growlog.internal.recovery;

import dev.growlog.internal.format.RecordFormat;
import dev.growlog.internal.mapping.GrowableMapping;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Scans forward from a record position, validating every record. Stateless; always
 * terminates: each step moves forward by at least one 8-byte word, and nothing is allocated
 * from a length field.
 *
 * <p>{@link #scan} stops at the first record that fails validation, as recovery needs.
 * {@link #verify} goes on past damage: it looks for the next valid record at every 8-byte
 * boundary after it (a match needs a CRC32C over its own position to agree, so a false match
 * is a 1 in 2^32 event per candidate) and reports each damaged range.
 *
 * <p>Call inside a lease, or from the thread that grows the mapping.
 */
public final class RecordScanner {
    /** Damaged ranges reported at most; the scan still counts everything after. */
    public static final int MAX_REPORTED = 1000;
    /**
     * Bytes a long scan outside a lease ({@link #inLeases}) covers inside one lease: a move of the
     * mapping waits for at most one piece.
     */
    public static final long LEASE_PIECE = 8L << 20;
    /** How far {@link #scan} looks past damage to tell a torn tail from a damaged record. */
    private static final long LOOK_AHEAD = 1 << 20;

    /** A damaged range {@code [position, position + length)} and why it is damaged. */
    public record Damage(long position, long length, String reason) {
    }

    /**
     * What a scan found.
     *
     * @param end     position after the last valid record
     * @param records valid data records
     * @param bytes   payload bytes of those records
     * @param damage  damaged ranges, in order ({@link #scan}: at most the first one)
     * @param next    where a paused scan goes on; meaningless when {@code done}
     * @param done    true when the scan reached its end; false when it paused
     */
    public record Result(long end, long records, long bytes, List<Damage> damage, long next, boolean done) {
        /** True when nothing failed validation. */
        public boolean clean() {
            return damage.isEmpty();
        }

        /** Why the first damaged range is damaged, or null. */
        public String problem() {
            return damage.isEmpty() ? null : damage.get(0).reason();
        }
    }

    private RecordScanner() {
    }

    /** Scans from {@code from} to the first record that is not valid. */
    public static Result scan(GrowableMapping mapping, long from) {
        return scan(mapping, from, Long.MAX_VALUE);
    }

    /**
     * As {@link #scan(GrowableMapping, long)}, but pauses before a record that starts at or
     * after {@code pause}, so that callers can scan in short leases.
     */
    public static Result scan(GrowableMapping mapping, long from, long pause) {
        return run(mapping, 0, from, false, pause, Long.MAX_VALUE);
    }

    /** As {@link #scan(GrowableMapping, long)} for a file whose byte 0 is global position {@code base}. */
    public static Result scanFile(GrowableMapping mapping, long base, long from) {
        return run(mapping, base, from, false, Long.MAX_VALUE, Long.MAX_VALUE);
    }

    /**
     * Scans from {@code from} up to {@code limit} (or the end of the mapping), past damage;
     * pauses before a record that starts at or after {@code pause}.
     */
    public static Result verify(GrowableMapping mapping, long from, long pause, long limit) {
        return run(mapping, 0, from, true, pause, limit);
    }

    /** As {@link #verify} for a file whose byte 0 is global position {@code base}, with no pause. */
    public static Result verifyFile(GrowableMapping mapping, long base, long from, long limit) {
        return run(mapping, base, from, true, Long.MAX_VALUE, limit);
    }

    /**
     * Runs a scan ({@code past} false) or a verify ({@code past} true) in pieces of about
     * {@code chunk} bytes, each inside its own lease so that a long scan never holds off a move
     * for long; reports the position reached after each piece. Call outside a lease.
     */
    public static Result inLeases(GrowableMapping mapping, long from, boolean past, long limit, long chunk,
                                  LongConsumer progress) {
        return inLeases(mapping, 0, from, past, limit, chunk, progress);
    }

    /** As above, for a file whose byte 0 is global position {@code base}; positions are offsets in it. */
    public static Result inLeases(GrowableMapping mapping, long base, long from, boolean past, long limit,
                                  long chunk, LongConsumer progress) {
        long records = 0;
        long bytes = 0;
        long end = from;
        List<Damage> damage = new ArrayList<>();
        for (long position = from; ; ) {
            Result piece;
            mapping.acquire();
            try {
                piece = run(mapping, base, position, past, position + chunk, limit);
            } finally {
                mapping.release();
            }
            records += piece.records();
            bytes += piece.bytes();
            end = Math.max(end, piece.end());
            damage.addAll(piece.damage().subList(0, Math.min(piece.damage().size(), MAX_REPORTED - damage.size())));
            progress.accept(piece.next());
            if (piece.done() || !past && !piece.clean()) {
                return new Result(end, records, bytes, damage, piece.next(), true);
            }
            position = piece.next();
        }
    }

    private static Result run(GrowableMapping mapping, long base, long from, boolean past, long pause,
                              long limit) {
        RecordCursor cursor = new RecordCursor(mapping, base);
        List<Damage> damage = new ArrayList<>();
        long position = from;
        long end = from;
        long records = 0;
        long bytes = 0;
        while (true) {
            if (position >= limit) {
                return new Result(end, records, bytes, damage, position, true);
            }
            if (position >= pause) {
                return new Result(end, records, bytes, damage, position, false);
            }
            RecordCursor.Status status = cursor.inspect(position);
            String problem;
            if (status == RecordCursor.Status.RECORD && cursor.verifyInPlace()) {
                records++;
                bytes += cursor.length();
                position = cursor.next();
                end = position;
                continue;
            } else if (status == RecordCursor.Status.PADDING) {
                position = cursor.next();
                end = position;
                continue;
            } else if (status == RecordCursor.Status.END) {
                problem = "zero bytes before further records";
            } else if (status == RecordCursor.Status.NOT_MAPPED) {
                if (!cursor.pastMapping()) {
                    return new Result(end, records, bytes, damage, position, true);
                }
                problem = "record length " + cursor.length() + " runs past the end of the file (size="
                        + mapping.mappedLength() + ")";
            } else {
                problem = cursor.problem();
            }
            if (status == RecordCursor.Status.END && !past) {
                return new Result(end, records, bytes, damage, position, true);
            }
            long mapped = Math.min(limit, mapping.mappedLength());
            long resume = resync(cursor, position, past ? mapped : Math.min(mapped, position + LOOK_AHEAD));
            if (status == RecordCursor.Status.END && resume < 0) {
                return new Result(end, records, bytes, damage, position, true);
            }
            if (damage.size() < MAX_REPORTED) {
                long length = (resume < 0 ? mapped : resume) - position;
                String where = resume >= 0 ? " (valid records follow at " + (base + resume) + ")"
                        : past ? " (nothing valid follows)" : "";
                damage.add(new Damage(position, length, problem + where));
            }
            if (!past || resume < 0) {
                return new Result(end, records, bytes, damage, position, true);
            }
            position = resume;
        }
    }

    /** The next position in (damaged, limit) where a valid record or padding starts, or -1. */
    private static long resync(RecordCursor cursor, long damaged, long limit) {
        for (long p = damaged + RecordFormat.ALIGNMENT; p + RecordFormat.HEADER_SIZE <= limit;
             p += RecordFormat.ALIGNMENT) {
            RecordCursor.Status status = cursor.inspect(p);
            if (status == RecordCursor.Status.PADDING
                    || status == RecordCursor.Status.RECORD && cursor.verifyInPlace()) {
                return p;
            }
        }
        return -1;
    }
}
