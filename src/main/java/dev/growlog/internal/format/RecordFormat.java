package dev.growlog.internal.format;

import java.nio.ByteBuffer;
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
 *   CRC32C        crc32c(payload) XOR seal(position, commit word); padding and skipped
 *                 records have no payload bytes in it (crc32c of nothing is 0)
 *   seal(p, w)    fmix32(w XOR fmix32(int(p >>> 3) XOR int(p >>> 35) * 0x9E3779B9)), with
 *                 int(x) the low 32 bits and fmix32 MurmurHash3's 32-bit finalizer
 *   padding       fills the rest of a segment when the next record does not fit in it;
 *                 its length reaches the segment end exactly; its CRC covers no payload
 *   skipped       a damaged range that an explicit repair gave up on; readers pass over its
 *                 8 + align8(length) bytes; its CRC covers no payload
 * </pre>
 *
 * The writer stores payload and CRC first and the commit word last, with release semantics;
 * readers load the commit word with acquire semantics, so a non-zero word means a complete
 * record.
 *
 * <p>A record is checked with one CRC32C pass over its payload, bytes that lie together in the
 * file. The seal binds the result to the record's commit word and position: it is a bijection
 * of the word for a fixed position, and of the position within any 32 GiB-aligned window for a
 * fixed word, so a changed word, or a record copied or shifted by less than 32 GiB, never
 * validates (farther copies fail as a random 32-bit checksum would).
 */
public final class RecordFormat {
    /** Bytes before the payload: commit word and CRC32C. */
    public static final int HEADER_SIZE = 8;
    /** Every record starts at a multiple of this. */
    public static final int ALIGNMENT = 8;
    /** Largest length a commit word can carry. */
    public static final int MAX_LENGTH = (1 << 30) - 1;

    public static final int CRC_OFFSET = 4;

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
     * The value XORed into a record's CRC32C that binds it to its position and commit word; see
     * the class comment.
     */
    public static int seal(long position, int word) {
        return fmix32(word ^ fmix32((int) (position >>> 3) ^ (int) (position >>> 35) * 0x9E37_79B9));
    }

    /** MurmurHash3's 32-bit finalizer: a bijection that mixes every input bit into every output bit. */
    private static int fmix32(int h) {
        h ^= h >>> 16;
        h *= 0x85EB_CA6B;
        h ^= h >>> 13;
        h *= 0xC2B2_AE35;
        return h ^ (h >>> 16);
    }

    /** The checksum of a record whose payload's CRC32C is {@code payloadCrc}. */
    public static int sealed(int payloadCrc, long position, int word) {
        return payloadCrc ^ seal(position, word);
    }

    /** The checksum of a record without payload bytes (padding, skipped). */
    public static int checksum(long position, int word) {
        return seal(position, word);
    }

    /** The checksum of a record whose payload is in an array. */
    public static int checksum(CRC32C crc, long position, int word, byte[] payload, int offset, int length) {
        crc.reset();
        crc.update(payload, offset, length);
        return (int) crc.getValue() ^ seal(position, word);
    }

    /**
     * The checksum of a record whose payload is between the buffer's position and limit; the
     * buffer's position is left as it was.
     */
    public static int checksum(CRC32C crc, long position, int word, ByteBuffer payload) {
        crc.reset();
        int start = payload.position();
        crc.update(payload);
        payload.position(start);
        return (int) crc.getValue() ^ seal(position, word);
    }
}
