package dev.growlog.cli;

import dev.growlog.internal.format.RecordFormat;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The benchmark's baseline: the same record framing as growlog written with plain
 * {@code FileChannel.write} through a staging buffer, and read back with {@code FileChannel.read}.
 *
 * <pre>
 *   0        4        8
 *   | length | CRC32C | payload | zero pad to a multiple of 8 |     little-endian
 *   CRC32C of the payload XOR seal(position, length), as growlog computes it
 * </pre>
 *
 * <p>NOTE: up to {@link #STAGING} bytes of appended records sit in this process until the
 * buffer is written, so a killed process loses them; growlog's appended records are already in
 * the page cache. The baseline is the cheaper promise.
 */
final class FileChannelBaseline implements Closeable {
    /** Bytes staged in the process before a {@code write}. */
    static final int STAGING = 64 * 1024;

    private final FileChannel channel;
    private final ByteBuffer staging = ByteBuffer.allocateDirect(STAGING).order(ByteOrder.LITTLE_ENDIAN);
    private final CRC32C crc = new CRC32C();
    /** Position of the next record in the file. */
    private long end;

    FileChannelBaseline(Path file) throws IOException {
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
    }

    /** Appends a record; returns its position. */
    long append(byte[] payload) throws IOException {
        int size = 8 + align(payload.length);
        if (size > STAGING) {
            throw new IllegalArgumentException("record of " + payload.length + " bytes exceeds the staging buffer");
        }
        if (staging.remaining() < size) {
            drain();
        }
        long position = end;
        staging.putInt(payload.length).putInt(checksum(position, payload.length, payload, 0));
        staging.put(payload);
        for (int pad = align(payload.length) - payload.length; pad > 0; pad--) {
            staging.put((byte) 0);
        }
        end += size;
        return position;
    }

    /** Writes what is staged; then syncs the file data. */
    void sync() throws IOException {
        drain();
        channel.force(false);
    }

    /** Reads every record from the start, checking each; returns the number of records. */
    long scan() throws IOException {
        drain();
        ByteBuffer in = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        byte[] payload = new byte[4096];
        long position = 0;
        long records = 0;
        in.flip();
        while (position < end) {
            if (in.remaining() < 8 || in.remaining() < 8 + align(in.getInt(in.position()))) {
                in.compact();
                if (channel.read(in, position + in.position()) < 0) {
                    throw new IOException("baseline file ends early at position " + position);
                }
                in.flip();
                continue;
            }
            int length = in.getInt();
            int expected = in.getInt();
            if (payload.length < length) {
                payload = new byte[length];
            }
            in.get(payload, 0, length);
            in.position(in.position() + align(length) - length);
            if (checksum(position, length, payload, 0) != expected) {
                throw new IOException("baseline record at " + position + " fails its checksum");
            }
            position += 8 + align(length);
            records++;
        }
        return records;
    }

    private void drain() throws IOException {
        staging.flip();
        while (staging.hasRemaining()) {
            channel.write(staging);
        }
        staging.clear();
    }

    private int checksum(long position, int length, byte[] payload, int offset) {
        return RecordFormat.checksum(crc, position, length, payload, offset, length);
    }

    private static int align(int length) {
        return (length + 7) & -8;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
