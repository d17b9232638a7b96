package dev.growlog;

import dev.growlog.error.CorruptLogException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The start file of a log, {@value #NAME} in its directory: the durable start position.
 *
 * <pre>
 *   offset size  field
 *   0      8     magic "GLSTART\0"
 *   8      8     log id (as in every data file's header)
 *   16     8     start position (global)
 *   24     4     CRC32C of 0..24
 *   28     4     reserved (0)
 *   all integers little-endian; 32 bytes
 * </pre>
 *
 * <h2>Crash safety</h2>
 * A new start is written as a complete temporary file, fdatasynced, renamed over the old one and
 * the directory fsynced, so the start file is always either the old one or the new one, and a
 * start that {@link #write} returned from survives power loss. Without a start file, the log
 * starts at the first record of its lowest data file.
 */
final class StartFile {
    static final String NAME = "start";
    static final int SIZE = 32;
    private static final byte[] MAGIC = "GLSTART\0".getBytes(StandardCharsets.US_ASCII);

    private StartFile() {
    }

    /** The start position the file in {@code dir} records, or -1 when there is none. */
    static long read(Path dir, long logId) throws IOException {
        Path file = dir.resolve(NAME);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException absent) {
            return -1;
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length != SIZE || b.getLong(0) != ByteBuffer.wrap(MAGIC).order(ByteOrder.LITTLE_ENDIAN).getLong(0)
                || b.getInt(24) != crc(bytes)) {
            throw new CorruptLogException(file, 0, "start file " + file + " is damaged (size=" + bytes.length
                    + "); it is only ever replaced whole, so this is damage from outside");
        }
        if (b.getLong(8) != logId) {
            throw new CorruptLogException(file, 8, "start file " + file + " belongs to another log: log id actual=0x"
                    + Long.toHexString(b.getLong(8)) + " expected=0x" + Long.toHexString(logId));
        }
        return b.getLong(16);
    }

    /** Makes {@code start} the durable start of the log in {@code dir}. */
    static void write(Path dir, long logId, long start) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, MAGIC).putLong(8, logId).putLong(16, start);
        b.putInt(24, crc(b.array()));
        Path temp = dir.resolve("." + NAME + ".writing");
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (b.hasRemaining()) {
                channel.write(b);
            }
            channel.force(false);
        }
        Files.move(temp, dir.resolve(NAME), StandardCopyOption.ATOMIC_MOVE);
        syncDirectory(dir);
    }

    /** Makes the directory's entries (renames, deletions, new files) durable. */
    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true);
        }
    }

    private static int crc(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, 24);
        return (int) crc.getValue();
    }
}
