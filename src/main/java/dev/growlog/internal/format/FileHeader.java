package dev.growlog.internal.format;

import dev.growlog.error.CorruptLogException;
import dev.growlog.error.UnsupportedFormatException;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The file header: the first 4096 bytes of every log. Records start right after it.
 *
 * <pre>
 *   offset size  field               written
 *   0      8     magic "GROWLOG\0"   at creation
 *   8      4     format version (2)  at creation
 *   12     4     header size (4096)  at creation
 *   16     4     segment size        at creation; a power of two, 64 KiB .. 1 GiB
 *   20     4     reserved (0)
 *   24     8     file id (random)    at creation
 *   32     4     CRC32C of 0..32     at creation
 *   36     4     reserved (0)
 *   40     8     checkpoint          every record before it is durable and valid
 *   48     8     checkpoint records  number of data records before the checkpoint
 *   56     8     checkpoint bytes    payload bytes of those records
 *   64     4     clean shutdown      1 when the last writer closed cleanly, else 0
 *   68     4     CRC32C of 40..68    with every checkpoint
 *   72..4096     zero
 *   all integers little-endian
 * </pre>
 *
 * The checkpoint block (40..72) lies in one disk sector and carries its own checksum: a torn
 * write of it is detected, and recovery then scans from the first record.
 */
public final class FileHeader {
    public static final int SIZE = 4096;
    public static final int VERSION = 2;
    public static final int MIN_SEGMENT_SIZE = 64 * 1024;
    public static final int MAX_SEGMENT_SIZE = 1 << 30;

    private static final byte[] MAGIC = "GROWLOG\0".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION_OFFSET = 8;
    private static final int HEADER_SIZE_OFFSET = 12;
    private static final int SEGMENT_SIZE_OFFSET = 16;
    private static final int FILE_ID_OFFSET = 24;
    private static final int HEADER_CRC_OFFSET = 32;
    private static final int CHECKPOINT_OFFSET = 40;
    private static final int CHECKPOINT_RECORDS_OFFSET = 48;
    private static final int CHECKPOINT_BYTES_OFFSET = 56;
    private static final int CLEAN_OFFSET = 64;
    private static final int CHECKPOINT_CRC_OFFSET = 68;

    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** What a header says. {@code checkpointValid} is false when the checkpoint block is torn. */
    public record Fields(int version, int segmentSize, long fileId, long checkpoint, long checkpointRecords,
                         long checkpointBytes, boolean cleanShutdown, boolean checkpointValid) {
    }

    private FileHeader() {
    }

    /** Writes a new header with an empty log's checkpoint into {@code page} (absolute puts only). */
    public static void write(ByteBuffer page, int segmentSize, long fileId) {
        ByteBuffer p = page.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        p.put(0, MAGIC);
        p.putInt(VERSION_OFFSET, VERSION);
        p.putInt(HEADER_SIZE_OFFSET, SIZE);
        p.putInt(SEGMENT_SIZE_OFFSET, segmentSize);
        p.putLong(FILE_ID_OFFSET, fileId);
        p.putInt(HEADER_CRC_OFFSET, crc(p, 0, HEADER_CRC_OFFSET));
        writeCheckpoint(page, SIZE, 0, 0, false);
    }

    /** Records a new checkpoint. */
    public static void writeCheckpoint(ByteBuffer page, long checkpoint, long records, long bytes, boolean clean) {
        ByteBuffer p = page.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        p.putLong(CHECKPOINT_RECORDS_OFFSET, records);
        p.putLong(CHECKPOINT_BYTES_OFFSET, bytes);
        p.putInt(CLEAN_OFFSET, clean ? 1 : 0);
        if (p.isDirect()) {
            LONGS.setRelease(p, CHECKPOINT_OFFSET, checkpoint);
        } else {
            p.putLong(CHECKPOINT_OFFSET, checkpoint);
        }
        p.putInt(CHECKPOINT_CRC_OFFSET, crc(p, CHECKPOINT_OFFSET, CHECKPOINT_CRC_OFFSET - CHECKPOINT_OFFSET));
    }

    /**
     * Reads and checks a header.
     *
     * @param fileSize the file's size, to tell an empty or short file from a damaged header
     */
    public static Fields read(ByteBuffer page, long fileSize, Path file)
            throws UnsupportedFormatException, CorruptLogException {
        if (fileSize == 0) {
            throw new UnsupportedFormatException(file, "not a growlog file: " + file + " is empty (size=0)");
        }
        ByteBuffer p = page.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (fileSize < SIZE || !hasMagic(p)) {
            throw new UnsupportedFormatException(file, "not a growlog file: " + file
                    + " does not start with the growlog magic (size=" + fileSize + ")");
        }
        int version = p.getInt(VERSION_OFFSET);
        if (version != VERSION) {
            throw new UnsupportedFormatException(file, "unsupported format version in " + file + ": actual="
                    + version + " expected=" + VERSION + (version > VERSION ? " (written by a newer growlog)" : version == 1
                    ? " (an older format: version 1 checked records differently; read it with the growlog that wrote it)"
                    : ""));
        }
        int expectedCrc = crc(p, 0, HEADER_CRC_OFFSET);
        int actualCrc = p.getInt(HEADER_CRC_OFFSET);
        if (expectedCrc != actualCrc) {
            throw new CorruptLogException(file, HEADER_CRC_OFFSET, "header checksum actual=0x"
                    + Integer.toHexString(actualCrc) + " expected=0x" + Integer.toHexString(expectedCrc));
        }
        int headerSize = p.getInt(HEADER_SIZE_OFFSET);
        int segmentSize = p.getInt(SEGMENT_SIZE_OFFSET);
        if (headerSize != SIZE || !validSegmentSize(segmentSize)) {
            throw new CorruptLogException(file, HEADER_SIZE_OFFSET, "header sizes actual=" + headerSize + "/"
                    + segmentSize + " expected=" + SIZE + "/a power of two in [" + MIN_SEGMENT_SIZE + ", "
                    + MAX_SEGMENT_SIZE + "]");
        }
        long checkpoint = p.getLong(CHECKPOINT_OFFSET);
        long records = p.getLong(CHECKPOINT_RECORDS_OFFSET);
        long bytes = p.getLong(CHECKPOINT_BYTES_OFFSET);
        boolean valid = p.getInt(CHECKPOINT_CRC_OFFSET)
                == crc(p, CHECKPOINT_OFFSET, CHECKPOINT_CRC_OFFSET - CHECKPOINT_OFFSET);
        boolean clean = valid && p.getInt(CLEAN_OFFSET) == 1; // a torn block vouches for nothing
        return new Fields(version, segmentSize, p.getLong(FILE_ID_OFFSET), checkpoint, records, bytes, clean, valid);
    }

    /** The checkpoint of a mapped header page, read with acquire semantics. */
    /** The file id of a mapped header page. */
    public static long fileId(ByteBuffer mappedPage) {
        return mappedPage.order(ByteOrder.LITTLE_ENDIAN).getLong(FILE_ID_OFFSET);
    }

    public static long checkpoint(ByteBuffer mappedPage) {
        return (long) LONGS.getAcquire(mappedPage, CHECKPOINT_OFFSET);
    }

    public static boolean validSegmentSize(int segmentSize) {
        return segmentSize >= MIN_SEGMENT_SIZE && segmentSize <= MAX_SEGMENT_SIZE && Integer.bitCount(segmentSize) == 1;
    }

    private static boolean hasMagic(ByteBuffer p) {
        for (int i = 0; i < MAGIC.length; i++) {
            if (p.get(i) != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    private static int crc(ByteBuffer p, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(p.slice(offset, length));
        return (int) crc.getValue();
    }
}
