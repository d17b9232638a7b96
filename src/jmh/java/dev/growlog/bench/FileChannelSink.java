package dev.growlog.bench;

import dev.growlog.internal.format.RecordFormat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * {@code FileChannel.write} of framed records through a direct staging buffer, written out
 * whenever the next record does not fit. The kernel copies each buffer into the page cache.
 */
final class FileChannelSink implements AppendSink {
    /** As much as a growlog batch of the benchmark holds: 64 KiB kept in the process. */
    private static final int STAGING = 64 << 10;
    private static final int HEADER = 4096;
    private static final long MASK = SEGMENT_SIZE - 1L;

    private final Path dir;
    private final FileChannel channel;
    private final ByteBuffer staging = ByteBuffer.allocateDirect(STAGING).order(ByteOrder.LITTLE_ENDIAN);
    private final CRC32C crc = new CRC32C();
    /** File position of the next record. */
    private long end = HEADER;

    FileChannelSink() throws IOException {
        dir = BenchFiles.newDirectory("filechannel-append");
        channel = FileChannel.open(dir.resolve("channel.log"), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE);
        channel.position(HEADER);
    }

    @Override
    public void append(byte[] payload) throws IOException {
        int length = payload.length;
        long position = end;
        int size = (int) RecordFormat.recordSize(length);
        long segmentEnd = (position | MASK) + 1;
        if (position + size > segmentEnd) {
            int padding = (int) (segmentEnd - position);
            int word = RecordFormat.paddingWord(padding - RecordFormat.HEADER_SIZE);
            room(padding);
            staging.putInt(word).putInt(RecordFormat.checksum(position, word));
            zeros(padding - RecordFormat.HEADER_SIZE);
            position = segmentEnd;
        }
        int word = RecordFormat.dataWord(length);
        room(size);
        staging.putInt(word).putInt(RecordFormat.checksum(crc, position, word, payload, 0, length));
        staging.put(payload, 0, length);
        zeros(size - RecordFormat.HEADER_SIZE - length);
        end = position + size;
    }

    private void room(int bytes) throws IOException {
        if (staging.remaining() < bytes) {
            flush();
        }
        while (staging.remaining() < bytes) { // padding longer than the staging buffer
            zeros(staging.remaining());
            flush();
        }
    }

    private void zeros(int count) {
        for (int i = 0; i < count; i++) {
            staging.put((byte) 0);
        }
    }

    private void flush() throws IOException {
        staging.flip();
        while (staging.hasRemaining()) {
            channel.write(staging);
        }
        staging.clear();
    }

    @Override
    public void close() throws IOException {
        channel.truncate(0);
        channel.close();
        BenchFiles.deleteRecursively(dir);
    }
}
