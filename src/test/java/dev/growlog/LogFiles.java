package dev.growlog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Reads and damages log files from the outside, through {@link FileChannel}, the way a crash, a
 * bad disk or another program would. The offsets restate the documented on-disk format (the
 * diagrams in {@code FileHeader} and {@code RecordFormat}) independently, so a change of the
 * format breaks these tests on purpose.
 */
public final class LogFiles {
    /** Bytes of the file header; the first record starts here. */
    static final int HEADER_SIZE = 4096;
    static final byte[] MAGIC = "GROWLOG\0".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION_OFFSET = 8;
    static final int HEADER_SIZE_OFFSET = 12;
    static final int SEGMENT_SIZE_OFFSET = 16;
    public static final int LOG_ID_OFFSET = 24;
    static final int BASE_OFFSET = 32;
    static final int SPAN_OFFSET = 40;
    static final int HEADER_CRC_OFFSET = 48;
    static final int CHECKPOINT_OFFSET = 56;
    static final int CHECKPOINT_RECORDS_OFFSET = 64;
    static final int CHECKPOINT_BYTES_OFFSET = 72;
    public static final int CLEAN_OFFSET = 80;
    static final int CHECKPOINT_CRC_OFFSET = 84;
    /** The default span of a data file (rollSize). */
    static final long DEFAULT_SPAN = 256L << 20;

    /** Record framing: commit word, CRC32C, payload padded to a multiple of 8. */
    static final int RECORD_HEADER = 8;
    static final int CRC_OFFSET = 4;
    static final int TYPE_MASK = 0xC000_0000;
    static final int TYPE_DATA = 0x4000_0000;
    static final int TYPE_PADDING = 0x8000_0000;
    static final int LENGTH_MASK = 0x3FFF_FFFF;

    private LogFiles() {
    }

    /** The name of the data file whose base position is {@code base}. */
    public static String dataFileName(long base) {
        return String.format("%020d.glog", base);
    }

    /** Data file {@code index} of an open log. */
    static Path dataFile(GrowLog log, long index) {
        return log.directory().resolve(dataFileName(index * log.chain().span()));
    }

    /** Data file {@code index} of the log in {@code dir} whose files span {@code span} positions. */
    public static Path dataFile(Path dir, long index, long span) {
        return dir.resolve(dataFileName(index * span));
    }

    /**
     * The file the byte helpers below work on: a data file as given, or for a log directory its
     * first data file (where every position of a log that never rolled lies).
     */
    static Path first(Path path) {
        return Files.isDirectory(path) ? path.resolve(dataFileName(0)) : path;
    }

    /** Bytes a record with {@code length} payload bytes takes in the file. */
    static long recordSize(int length) {
        return RECORD_HEADER + ((length + 7L) & -8L);
    }

    /**
     * The checksum a record at {@code position} with this commit word and payload carries, as
     * docs/FORMAT.md defines it: CRC32C of the payload XOR seal(position, word).
     */
    static int recordCrc(long position, int word, byte[] payload) {
        CRC32C crc = new CRC32C();
        crc.update(payload);
        int inner = fmix32((int) (position >>> 3) ^ (int) (position >>> 35) * 0x9E3779B9);
        return (int) crc.getValue() ^ fmix32(word ^ inner);
    }

    /** MurmurHash3's 32-bit finalizer. */
    private static int fmix32(int h) {
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        h ^= h >>> 16;
        return h;
    }

    /**
     * A new header page of format version 2 as the format describes it: magic, version, header
     * size, segment size, file id, the header CRC32C over bytes 0..32, and an empty log's
     * checkpoint (at the first record, no records, not clean) with its own CRC32C.
     */
    static ByteBuffer headerPage(int segmentSize, long logId) {
        return headerPage(segmentSize, logId, 0, Math.max(DEFAULT_SPAN, 2L * segmentSize));
    }

    static ByteBuffer headerPage(int segmentSize, long logId, long base, long span) {
        ByteBuffer page = ByteBuffer.allocate(HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        page.put(0, MAGIC).putInt(VERSION_OFFSET, 2).putInt(HEADER_SIZE_OFFSET, HEADER_SIZE)
                .putInt(SEGMENT_SIZE_OFFSET, segmentSize).putLong(LOG_ID_OFFSET, logId)
                .putLong(BASE_OFFSET, base).putLong(SPAN_OFFSET, span);
        page.putInt(HEADER_CRC_OFFSET, crc(Arrays.copyOf(page.array(), HEADER_CRC_OFFSET)));
        page.putLong(CHECKPOINT_OFFSET, HEADER_SIZE);
        page.putInt(CHECKPOINT_CRC_OFFSET,
                crc(Arrays.copyOfRange(page.array(), CHECKPOINT_OFFSET, CHECKPOINT_CRC_OFFSET)));
        return page;
    }

    /**
     * Writes a data record with {@code payload} at {@code position}, commit word and CRC32C as
     * the format describes them, and returns the position after it.
     */
    static long writeRecord(Path file, long position, byte[] payload) {
        int word = TYPE_DATA | payload.length;
        write(file, position, ByteBuffer.allocate(RECORD_HEADER + payload.length).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(word).putInt(recordCrc(position, word, payload)).put(payload).array());
        return position + recordSize(payload.length);
    }

    /** Writes padding at {@code position} that reaches {@code segmentEnd} exactly. */
    static void writePadding(Path file, long position, long segmentEnd) {
        int word = TYPE_PADDING | Math.toIntExact(segmentEnd - position - RECORD_HEADER);
        write(file, position, ByteBuffer.allocate(RECORD_HEADER).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(word).putInt(recordCrc(position, word, new byte[0])).array());
    }

    static byte[] read(Path file, long position, int length) {
        file = first(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(length);
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, position + buffer.position()) < 0) {
                    throw new IllegalArgumentException("file " + file + " ends before " + (position + length));
                }
            }
            return buffer.array();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void write(Path file, long position, byte[] bytes) {
        file = first(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer, position + buffer.position());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static int readInt(Path file, long position) {
        file = first(file);
        return ByteBuffer.wrap(read(file, position, 4)).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    public static long readLong(Path file, long position) {
        file = first(file);
        return ByteBuffer.wrap(read(file, position, 8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    static void writeInt(Path file, long position, int value) {
        file = first(file);
        write(file, position, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array());
    }

    /** Inverts every bit of the byte at {@code position}. */
    public static void flipByte(Path file, long position) {
        file = first(file);
        byte[] b = read(file, position, 1);
        b[0] = (byte) ~b[0];
        write(file, position, b);
    }

    /** True when every byte of {@code [from, to)} is zero. */
    static boolean allZero(Path file, long from, long to) {
        file = first(file);
        byte[] bytes = read(file, from, Math.toIntExact(to - from));
        for (byte b : bytes) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    /** Sets the header's format version and recomputes the header checksum, as a newer writer would. */
    static void setVersion(Path file, int version) {
        file = first(file);
        writeInt(file, VERSION_OFFSET, version);
        writeInt(file, HEADER_CRC_OFFSET, crc(read(file, 0, HEADER_CRC_OFFSET)));
    }

    /** Rewrites the checkpoint block (with a valid checksum). */
    static void setCheckpoint(Path file, long checkpoint, long records, long bytes, boolean clean) {
        file = first(file);
        ByteBuffer block = ByteBuffer.allocate(CHECKPOINT_CRC_OFFSET + 4 - CHECKPOINT_OFFSET)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(checkpoint).putLong(records).putLong(bytes).putInt(clean ? 1 : 0);
        block.putInt(crc(Arrays.copyOf(block.array(), CHECKPOINT_CRC_OFFSET - CHECKPOINT_OFFSET)));
        write(file, CHECKPOINT_OFFSET, block.array());
    }

    static int crc(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return (int) crc.getValue();
    }

    static long size(Path file) {
        file = first(file);
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sha256(Path file) {
        file = first(file);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** Copies a log (its directory's files, not the writer lock) or a single file to {@code target}. */
    static Path copy(Path source, Path target) throws IOException {
        if (!Files.isDirectory(source)) {
            return Files.copy(source, target);
        }
        Files.createDirectory(target);
        try (Stream<Path> entries = Files.list(source)) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                if (!entry.getFileName().toString().equals("lock")) {
                    Files.copy(entry, target.resolve(entry.getFileName()));
                }
            }
        }
        return target;
    }

    /** Deletes a log directory and its files, or a single file. */
    static void delete(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            try (Stream<Path> entries = Files.list(path)) {
                for (Path entry : (Iterable<Path>) entries::iterator) {
                    Files.delete(entry);
                }
            }
        }
        Files.delete(path);
    }

    /** Makes {@code log} a log directory whose first data file holds {@code bytes}. */
    static void writeFirst(Path log, byte[] bytes) throws IOException {
        Files.createDirectories(log);
        Files.write(first(log), bytes);
    }

    /**
     * Number of file descriptors this process has open on files under {@code dir} (deleted ones
     * included). Only those: other threads of the test JVM (a Kafka broker's clients, class
     * loading, the launcher) open and close descriptors of their own at any moment, so a count
     * of all of them would make a leak check fail falsely.
     */
    public static long openFileDescriptors(Path dir) {
        String prefix;
        try {
            prefix = dir.toRealPath().toString() + "/";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long count = 0;
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    if (Files.readSymbolicLink(fd).toString().startsWith(prefix)) {
                        count++;
                    }
                } catch (IOException closedMeanwhile) {
                    // closed since the listing: not open on dir
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return count;
    }
}
