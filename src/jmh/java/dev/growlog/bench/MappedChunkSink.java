package dev.growlog.bench;

import dev.growlog.internal.format.RecordFormat;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Framed records copied into {@code MappedByteBuffer} chunks of one segment each, mapped with
 * {@code FileChannel.map}; a new chunk is mapped when the next record does not fit (mapping
 * past the end extends the file sparsely; nothing reserves its blocks).
 */
final class MappedChunkSink implements AppendSink {
    private static final VarHandle INTS = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int HEADER = 4096;
    private static final long MASK = SEGMENT_SIZE - 1L;

    private final Path dir;
    private final FileChannel channel;
    private final CRC32C crc = new CRC32C();
    private MappedByteBuffer chunk;
    private long chunkStart;
    /** Position of the next record. */
    private long end = HEADER;

    MappedChunkSink() throws IOException {
        dir = BenchFiles.newDirectory("mapped-append");
        channel = FileChannel.open(dir.resolve("mapped.log"), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
        map(0);
    }

    private void map(long start) throws IOException {
        chunk = channel.map(FileChannel.MapMode.READ_WRITE, start, SEGMENT_SIZE);
        chunk.order(ByteOrder.LITTLE_ENDIAN);
        chunkStart = start;
    }

    @Override
    public void append(byte[] payload) throws IOException {
        int length = payload.length;
        long position = end;
        long size = RecordFormat.recordSize(length);
        long segmentEnd = (position | MASK) + 1;
        if (position + size > segmentEnd) {
            int word = RecordFormat.paddingWord((int) (segmentEnd - position) - RecordFormat.HEADER_SIZE);
            publish((int) (position - chunkStart), RecordFormat.checksum(position, word), word);
            position = segmentEnd;
        }
        if (position == chunkStart + SEGMENT_SIZE) {
            map(position);
        }
        int word = RecordFormat.dataWord(length);
        int checksum = RecordFormat.checksum(crc, position, word, payload, 0, length);
        int at = (int) (position - chunkStart);
        chunk.put(at + RecordFormat.HEADER_SIZE, payload, 0, length);
        publish(at, checksum, word);
        end = position + size;
    }

    private void publish(int at, int checksum, int word) {
        chunk.putInt(at + RecordFormat.CRC_OFFSET, checksum);
        INTS.setRelease(chunk, at, word);
    }

    @Override
    public void close() throws IOException {
        chunk = null;
        channel.truncate(0);
        channel.close();
        BenchFiles.deleteRecursively(dir);
        System.gc(); // unmaps the dropped chunks (their cleaners run once they are unreachable)
    }
}
