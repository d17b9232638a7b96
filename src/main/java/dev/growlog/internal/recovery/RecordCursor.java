package dev.growlog.internal.recovery;

import dev.growlog.internal.format.RecordFormat;
import dev.growlog.internal.mapping.GrowableMapping;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Reads and validates one record at a time over a mapping. Each reader owns one cursor; it
 * keeps the current segment view and asks the mapping again only when the segment or the
 * generation changes. Every method must be called inside a lease (or by the thread that grows
 * the mapping).
 */
public final class RecordCursor {
    /** What {@link #inspect(long)} found. */
    public enum Status {
        /** A data record whose commit word is plausible; check its payload with {@link #copyPayload}. */
        RECORD,
        /** Padding to the end of a segment, or a skipped damaged range; continue at {@link #next()}. */
        PADDING,
        /** A zero commit word: nothing written here yet. */
        END,
        /** The record, or its header, lies past the mapped length. */
        NOT_MAPPED,
        /** The commit word is not a valid record; see {@link #problem()}. */
        INVALID
    }

    private static final VarHandle INTS = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle ARRAY_INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private final GrowableMapping mapping;
    /** Global position of the mapped file's byte 0: checksums bind records to base + offset. */
    private final long base;
    private final int segmentShift;
    private final CRC32C crc = new CRC32C();

    /** The current segment view, its index and the generation it belongs to. */
    private ByteBuffer view;
    /** A duplicate of {@link #view} whose position and limit frame payloads for in-place checks. */
    private ByteBuffer frame;
    private long viewSegment = -1;
    private long viewGeneration = -1;
    /**
     * Mapped length in bytes as last read; at most the current one while the generation is
     * {@link #viewGeneration} (the mapping only grows), read again when it falls short.
     */
    private long mapped;

    /** The last inspected record: position, offset in the view, commit word, next position. */
    private long position;
    private int offset;
    private int word;
    private long next;
    private String problem;
    /** Set by {@link #inspect} when a record's header was mapped but not all of it. */
    private boolean pastMapping;

    public RecordCursor(GrowableMapping mapping) {
        this(mapping, 0);
    }

    /** A cursor over a file whose byte 0 is global position {@code base}; positions are offsets in it. */
    public RecordCursor(GrowableMapping mapping, long base) {
        this.mapping = mapping;
        this.base = base;
        this.segmentShift = Integer.numberOfTrailingZeros(mapping.segmentSize());
    }

    /**
     * Looks at the record that starts at {@code position}. The common case (a data record in
     * the current view) stays small enough to be inlined into a scan loop; the rest is in
     * {@link #followMapping}, {@link #inspectOther} and {@link #checkData}.
     */
    public Status inspect(long position) {
        this.position = position;
        this.pastMapping = false;
        // Inside a lease the generation is fixed and the mapping only grows, in place: a
        // generation equal to the view's and a length read before are a safe lower bound.
        long generation = mapping.generation();
        if ((position + RecordFormat.HEADER_SIZE > mapped || generation != viewGeneration)
                && !followMapping(position + RecordFormat.HEADER_SIZE)) {
            return Status.NOT_MAPPED;
        }
        long segment = position >>> segmentShift;
        offset = (int) (position - (segment << segmentShift));
        if (segment != viewSegment || generation != viewGeneration
                || (long) offset + RecordFormat.HEADER_SIZE > view.capacity()) {
            view(segment, generation);
        }
        // Acquire: pairs with the writer's release store, also across processes.
        word = (int) INTS.getAcquire(view, offset);
        if (!RecordFormat.isData(word)) {
            return inspectOther(segment);
        }
        int length = RecordFormat.length(word);
        next = position + RecordFormat.recordSize(length);
        problem = null;
        if ((long) offset + RecordFormat.HEADER_SIZE + length > view.capacity()) {
            return checkData(segment, generation);
        }
        return Status.RECORD;
    }

    /**
     * Reads the mapped length again; true when {@code end} lies within it. The writer grows the
     * mapping before it publishes a record, and the commit word's acquire load makes that
     * growth visible.
     */
    private boolean followMapping(long end) {
        mapped = mapping.mappedLength();
        return end <= mapped;
    }

    /** A data record that ends past the current view: past the segment, past the mapping, or past an older view. */
    private Status checkData(long segment, long generation) {
        problem = RecordFormat.checkWord(word, position, (segment + 1) << segmentShift);
        if (problem != null) {
            return Status.INVALID;
        }
        long recordEnd = position + RecordFormat.HEADER_SIZE + RecordFormat.length(word);
        if (recordEnd > mapped && !followMapping(recordEnd)) {
            pastMapping = true;
            return Status.NOT_MAPPED;
        }
        view(segment, generation); // the view predates the growth the record needed
        return Status.RECORD;
    }

    /** Any commit word but a data record's: the end, padding, a skipped range, or damage. */
    private Status inspectOther(long segment) {
        if (word == 0) {
            return Status.END;
        }
        long segmentEnd = (segment + 1) << segmentShift;
        problem = RecordFormat.checkWord(word, position, segmentEnd);
        if (problem != null) {
            return Status.INVALID;
        }
        next = RecordFormat.isPadding(word) ? segmentEnd : position + RecordFormat.recordSize(length());
        return checksumMatches(RecordFormat.checksum(base + position, word)) ? Status.PADDING : Status.INVALID;
    }

    private void view(long segment, long generation) {
        view = mapping.segment(segment);
        frame = view.duplicate();
        viewSegment = segment;
        viewGeneration = generation;
    }

    /**
     * After NOT_MAPPED: true when the record's header was mapped but its payload ran past the
     * mapping (damage, or growth not followed yet); false when the header itself was not mapped
     * (the end of what is mapped).
     */
    public boolean pastMapping() {
        return pastMapping;
    }

    /** Payload length of the inspected record. */
    public int length() {
        return RecordFormat.length(word);
    }

    /** Position of the record after the inspected one. */
    public long next() {
        return next;
    }

    public long position() {
        return position;
    }

    public String problem() {
        return problem;
    }

    /** Records why the inspected position is not a valid record, when the caller knows better. */
    public void problem(String why) {
        problem = why;
    }

    /**
     * Copies the inspected record's payload into {@code target} at {@code at} and checks its
     * CRC32C there; false, with {@link #problem()} set, when it does not match.
     */
    public boolean copyPayload(byte[] target, int at) {
        int length = length();
        view.get(offset + RecordFormat.HEADER_SIZE, target, at, length);
        return checksumMatches(RecordFormat.checksum(crc, base + position, word, target, at, length));
    }

    /** Checks the inspected record's CRC32C over the mapped bytes, without copying. */
    public boolean verifyInPlace() {
        int start = offset + RecordFormat.HEADER_SIZE;
        frame.limit(start + length()).position(start);
        return checksumMatches(RecordFormat.checksum(crc, base + position, word, frame));
    }

    /** Offset of the inspected record (its commit word) within its segment. */
    public int offset() {
        return offset;
    }

    /** The inspected record's commit word, as loaded with acquire semantics. */
    public int word() {
        return word;
    }

    /**
     * Copies {@code length} bytes from offset {@code from} of the inspected record's segment
     * into {@code target} at {@code at}: whole records (headers included) inspected in this
     * segment since the cursor last looked at another one, so nothing unpublished.
     */
    public void copyRecords(int from, int length, byte[] target, int at) {
        view.get(from, target, at, length);
    }

    /**
     * Checks a record copied whole, header included, into {@code copy} at {@code at}: the record
     * at {@code position} whose commit word was inspected as {@code word}. False, with
     * {@link #problem()} set, when the copy's commit word differs or its CRC32C does not match.
     */
    public boolean verifyCopy(long position, int word, byte[] copy, int at) {
        int copied = (int) ARRAY_INTS.get(copy, at);
        if (copied != word) {
            problem = "commit word changed while read: actual=0x" + Integer.toHexString(copied)
                    + " expected=0x" + Integer.toHexString(word);
            return false;
        }
        int actual = RecordFormat.checksum(crc, base + position, word, copy, at + RecordFormat.HEADER_SIZE,
                RecordFormat.length(word));
        int expected = (int) ARRAY_INTS.get(copy, at + RecordFormat.CRC_OFFSET);
        if (actual != expected) {
            problem = "checksum actual=0x" + Integer.toHexString(actual) + " expected=0x" + Integer.toHexString(expected);
            return false;
        }
        return true;
    }

    /** Offset of the inspected record's payload within its segment. */
    public int payloadOffset() {
        return offset + RecordFormat.HEADER_SIZE;
    }

    private boolean checksumMatches(int actual) {
        int expected = view.getInt(offset + RecordFormat.CRC_OFFSET);
        if (actual != expected) {
            problem = "checksum actual=0x" + Integer.toHexString(actual) + " expected=0x" + Integer.toHexString(expected);
            return false;
        }
        return true;
    }
}
