package dev.growlog;

import dev.growlog.internal.file.AppendBatch;
import dev.growlog.internal.format.RecordFormat;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * Records gathered to be appended in one call, {@link GrowLog#append(RecordBatch)}: one lock, one
 * growth check, one wake-up of tailers and one publish of the end for all of them. Each record's
 * CRC32C is computed when it is {@linkplain #add(byte[]) added}, on the adding thread and outside
 * the log's lock; the append only seals it with the record's position.
 *
 * <pre>{@code
 * RecordBatch batch = new RecordBatch();
 * for (byte[] line : lines) {
 *     batch.add(line);
 * }
 * log.append(batch);                // every record is appended when this returns
 * long first = batch.position(0);
 * batch.clear();                    // reuse it for the next batch
 * }</pre>
 *
 * <p>A batch holds its records framed as the log file will (each payload after an 8-byte header
 * and padded to a multiple of 8 bytes), so that the append copies them into the log in one piece
 * per segment.
 *
 * <p>NOTE: not thread-safe. A batch copies each payload when it is added, so the caller may
 * reuse its arrays at once. After an append, {@link #position(int)} gives each record's position
 * until the batch is cleared or added to.
 */
public final class RecordBatch {
    private static final int INITIAL_RECORDS = 64;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** The most bytes a batch's array may hold. */
    private static final int MAX_BYTES = Integer.MAX_VALUE - 8;

    /**
     * Records framed as in a log file, one after another: record i's header is at starts[i], its
     * payload follows, then zeros to a multiple of 8 bytes. Headers stay zero here: the appender
     * writes each commit word and checksum in the log.
     */
    private byte[] data;
    /** Bytes of {@link #data} in use. */
    private int used;
    private long payloadBytes;
    private int[] starts = new int[INITIAL_RECORDS];
    private int[] lengths = new int[INITIAL_RECORDS];
    /** CRC32C of each payload alone, before the seal of its position. */
    private int[] crcs = new int[INITIAL_RECORDS];
    /** Each record's position once appended; valid while {@link #appended} is true. */
    private long[] positions = new long[INITIAL_RECORDS];
    private int count;
    private boolean appended;
    private final CRC32C crc = new CRC32C();
    /** The view the appender reads; see {@link #forAppend()}. */
    private final AppendBatch forAppend = new Records();

    /** An empty batch with room for 64 KiB of records to start with; it grows as needed. */
    public RecordBatch() {
        this(64 * 1024);
    }

    /**
     * An empty batch with room for {@code initialBytes} of records to start with. Each record
     * takes its payload and 8 to 15 bytes of framing.
     *
     * @param initialBytes bytes to make room for; the batch grows past it as needed
     * @throws IllegalArgumentException when negative
     */
    public RecordBatch(int initialBytes) {
        if (initialBytes < 0) {
            throw new IllegalArgumentException("initialBytes must not be negative: " + initialBytes);
        }
        this.data = new byte[initialBytes];
    }

    /**
     * Adds a record, copying its bytes.
     *
     * @param payload the record's bytes
     * @return this batch
     */
    public RecordBatch add(byte[] payload) {
        return add(payload, 0, payload.length);
    }

    /**
     * Adds {@code length} bytes of {@code payload} from {@code offset} as one record, copying them.
     *
     * @param payload holds the record's bytes
     * @param offset  where the record's bytes start in {@code payload}
     * @param length  how many bytes the record has
     * @return this batch
     * @throws IndexOutOfBoundsException when the range lies outside {@code payload}
     * @throws IllegalArgumentException when the batch would exceed 2 GiB of records
     */
    public RecordBatch add(byte[] payload, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, payload.length);
        int at = reserve(length);
        System.arraycopy(payload, offset, data, at, length);
        return added(at, length);
    }

    /**
     * Adds the bytes between the buffer's position and limit as one record, copying them. The
     * buffer's position and limit are left as they were.
     *
     * @param payload holds the record's bytes between its position and limit
     * @return this batch
     * @throws IllegalArgumentException when the batch would exceed 2 GiB of records
     */
    public RecordBatch add(ByteBuffer payload) {
        int length = payload.remaining();
        int at = reserve(length);
        payload.get(payload.position(), data, at, length);
        return added(at, length);
    }

    /**
     * Makes room for a record of {@code length} payload bytes at the end of {@link #data}, zeroes
     * its header and its last 8 bytes (the array is reused, and the payload may not fill them),
     * and returns where its payload goes.
     */
    private int reserve(int length) {
        if (appended) {
            clear();
        }
        long size = RecordFormat.recordSize(length);
        if (size > MAX_BYTES - used) {
            throw new IllegalArgumentException("a batch holds at most 2 GiB of records: " + used + " bytes held, "
                    + size + " more refused");
        }
        int end = used + (int) size;
        if (end > data.length) {
            data = Arrays.copyOf(data, (int) Math.min(MAX_BYTES, Math.max(end, 2L * data.length)));
        }
        if (count == starts.length) {
            int more = 2 * count;
            starts = Arrays.copyOf(starts, more);
            lengths = Arrays.copyOf(lengths, more);
            crcs = Arrays.copyOf(crcs, more);
            positions = Arrays.copyOf(positions, more);
        }
        LONGS.set(data, used, 0L);
        LONGS.set(data, end - 8, 0L);
        return used + RecordFormat.HEADER_SIZE;
    }

    /** Records the payload just copied to {@code at}: its length and CRC32C. */
    private RecordBatch added(int at, int length) {
        crc.reset();
        crc.update(data, at, length);
        starts[count] = used;
        lengths[count] = length;
        crcs[count] = (int) crc.getValue();
        count++;
        used = at + (int) RecordFormat.align(length);
        payloadBytes += length;
        return this;
    }

    /**
     * Records in the batch.
     *
     * @return how many records were added since the batch was made or cleared
     */
    public int size() {
        return count;
    }

    /**
     * Whether the batch holds no record.
     *
     * @return true when {@link #size()} is 0
     */
    public boolean isEmpty() {
        return count == 0;
    }

    /**
     * Payload bytes in the batch.
     *
     * @return the sum of the records' lengths
     */
    public long payloadBytes() {
        return payloadBytes;
    }

    /**
     * Empties the batch, keeping its memory for reuse. Adding to a batch that was appended
     * clears it first.
     *
     * @return this batch
     */
    public RecordBatch clear() {
        count = 0;
        used = 0;
        payloadBytes = 0;
        appended = false;
        return this;
    }

    /**
     * The position of record {@code index} in the log it was last appended to.
     *
     * @param index the record's index in the batch, from 0
     * @return the record's position
     * @throws IllegalStateException when the batch has not been appended since it was last
     *                               changed
     * @throws IndexOutOfBoundsException when {@code index} is not in [0, {@link #size()})
     */
    public long position(int index) {
        if (!appended) {
            throw new IllegalStateException("the batch has not been appended since it was last changed");
        }
        Objects.checkIndex(index, count);
        return positions[index];
    }

    /**
     * Payload length of record {@code index}.
     *
     * @param index the record's index in the batch, from 0
     * @return the record's length in bytes
     * @throws IndexOutOfBoundsException when {@code index} is not in [0, {@link #size()})
     */
    public int length(int index) {
        Objects.checkIndex(index, count);
        return lengths[index];
    }

    /** Largest payload in the batch; 0 when empty. */
    int longest() {
        int longest = 0;
        for (int i = 0; i < count; i++) {
            longest = Math.max(longest, lengths[i]);
        }
        return longest;
    }

    /**
     * This batch as the appender reads it, under the append lock. A view, not public accessors:
     * the appender lies in an internal package, and users must not reach the batch's arrays.
     */
    AppendBatch forAppend() {
        return forAppend;
    }

    private final class Records implements AppendBatch {
        @Override
        public int size() {
            return count;
        }

        @Override
        public long payloadBytes() {
            return payloadBytes;
        }

        @Override
        public byte[] data() {
            return data;
        }

        @Override
        public int start(int index) {
            return starts[index];
        }

        @Override
        public int length(int index) {
            return RecordBatch.this.length(index);
        }

        @Override
        public int crc(int index) {
            return crcs[index];
        }

        @Override
        public long[] positions() {
            return positions;
        }

        @Override
        public void appended() {
            appended = true;
        }
    }
}
