package dev.growlog.internal.format;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The record layout. Every record starts at a file position that is a multiple of 8 and never
 * straddles a segment boundary.
 *
 * <pre>
 *   0               4               8
 *   +---------------+---------------+-------------------------------+------------+
 *   |  commit word  |    CRC32C     |    payload (length bytes)     |  zero pad  |
 *   +---------------+---------------+-------------------------------+------------+
 *                                                         record size = 8 + align8(length)
 *
 *   all integers little-endian
 *   commit word   bits 31..30: type   01 = data, 10 = padding, 11 = skipped (00 is invalid)
 *                 bits 29..0 : payload length in bytes (0 allowed)
 *                 the whole word 0: nothing written here yet, the end of the log
 *   CRC32C        over position (8 bytes) | commit word (4 bytes) | payload (data only)
 *   padding       fills the rest of a segment when the next record does not fit in it;
 *                 its length reaches the segment end exactly; its CRC covers no payload
 *   skipped       a damaged range that an explicit repair gave up on; readers pass over its
 *                 8 + align8(length) bytes; its CRC covers no payload
 * </pre>
 *
 * The writer stores payload and CRC first and the commit word last, with release semantics;
 * readers load the commit word with acquire semantics, so a non-zero word means a complete
 * record.
 */
public final class RecordFormat {
    /** Bytes before the payload: commit word and CRC32C. */
    public static final int HEADER_SIZE = 8;
    /** Every record starts at a multiple of this. */
    public static final int ALIGNMENT = 8;
    /** Largest length a commit word can carry. */
    public static final int MAX_LENGTH = (1 << 30) - 1;

    public static final int CRC_OFFSET = 4;
    /** Bytes the CRC32C covers before the payload: position (8) and commit word (4). */
    public static final int CHECKSUM_PREFIX_SIZE = 12;

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private static final int TYPE_MASK = 0xC000_0000;
    private static final int TYPE_DATA = 0x4000_0000;
    private static final int TYPE_PADDING = 0x8000_0000;
    private static final int TYPE_SKIPPED = 0xC000_0000;
    private static final int LENGTH_MASK = 0x3FFF_FFFF;

    private RecordFormat() {
    }

    public static int dataWord(int length) {
        return TYPE_DATA | length;
    }

    public static int paddingWord(int length) {
        return TYPE_PADDING | length;
    }

    public static int skippedWord(int length) {
        return TYPE_SKIPPED | length;
    }

    public static boolean isSkipped(int word) {
        return (word & TYPE_MASK) == TYPE_SKIPPED;
    }

    public static boolean isData(int word) {
        return (word & TYPE_MASK) == TYPE_DATA;
    }

    public static boolean isPadding(int word) {
        return (word & TYPE_MASK) == TYPE_PADDING;
    }

    public static int length(int word) {
        return word & LENGTH_MASK;
    }

    /** Bytes a record with this payload length occupies, header and alignment included. */
    public static long recordSize(long length) {
        return HEADER_SIZE + align(length);
    }

    public static long align(long value) {
        return (value + ALIGNMENT - 1) & -ALIGNMENT;
    }

    /**
     * Checks a commit word read at {@code position}: returns null when its type and length are
     * plausible for a record that must end by {@code segmentEnd}, else the reason it is not.
     */
    public static String checkWord(int word, long position, long segmentEnd) {
        long room = segmentEnd - position - HEADER_SIZE;
        if (isData(word) || isSkipped(word)) {
            return length(word) <= room ? null
                    : "record length " + length(word) + " runs past the segment end (room=" + room + ")";
        }
        if (isPadding(word)) {
            return length(word) == room ? null
                    : "padding length " + length(word) + " does not reach the segment end (expected=" + room + ")";
        }
        return "invalid record type in commit word 0x" + Integer.toHexString(word);
    }

    /**
     * Writes the {@value #CHECKSUM_PREFIX_SIZE} bytes the CRC32C covers before the payload
     * (position, then commit word, little-endian) into {@code target} at {@code at}.
     */
    public static void writeChecksumPrefix(byte[] target, int at, long position, int word) {
        LONGS.set(target, at, position);
        INTS.set(target, at + 8, word);
    }

    private static void startChecksum(CRC32C crc, byte[] scratch12, long position, int word) {
        crc.reset();
        writeChecksumPrefix(scratch12, 0, position, word);
        crc.update(scratch12, 0, CHECKSUM_PREFIX_SIZE);
    }

    /** The checksum of a record without payload bytes (padding). */
    public static int checksum(CRC32C crc, byte[] scratch12, long position, int word) {
        startChecksum(crc, scratch12, position, word);
        return (int) crc.getValue();
    }

    /** The checksum of a record whose payload is in an array. */
    public static int checksum(CRC32C crc, byte[] scratch12, long position, int word, byte[] payload, int offset,
                               int length) {
        startChecksum(crc, scratch12, position, word);
        crc.update(payload, offset, length);
        return (int) crc.getValue();
    }

    /** The checksum of a record whose payload is between the buffer's position and limit. */
    public static int checksum(CRC32C crc, byte[] scratch12, long position, int word, ByteBuffer payload) {
        startChecksum(crc, scratch12, position, word);
        int start = payload.position();
        crc.update(payload);
        payload.position(start);
        return (int) crc.getValue();
    }

    /**
     * The checksum of a record whose payload is in an array right after room for its prefix:
     * writes the prefix at {@code prefixAt}, then runs one CRC32C update over prefix and the
     * {@code length} payload bytes at {@code prefixAt + CHECKSUM_PREFIX_SIZE}.
     */
    public static int checksumWithPrefix(CRC32C crc, byte[] buffer, int prefixAt, long position, int word,
                                         int length) {
        writeChecksumPrefix(buffer, prefixAt, position, word);
        crc.reset();
        crc.update(buffer, prefixAt, CHECKSUM_PREFIX_SIZE + length);
        return (int) crc.getValue();
    }
}
