package dev.growlog.bench;

import dev.growlog.internal.format.RecordFormat;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.wire.DocumentContext;

import java.io.IOException;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Chronicle Queue with default settings: each record is one document holding the same CRC32C
 * (over a running sequence number, the commit word growlog would write, and the payload)
 * followed by the payload. Chronicle's own 4-byte document header stands in for the commit word.
 *
 * <p>NOTE: the open-source Chronicle Queue has no working pretoucher: {@code
 * ExcerptAppender.pretouch()} and {@code createPretoucher()} are Enterprise features, so no
 * pretouched variant is measured. It needs the JVM options in {@link JvmArgs} on JDK 17+.
 */
final class ChronicleSink implements AppendSink {
    private final Path dir;
    private final ChronicleQueue queue;
    private final ExcerptAppender appender;
    private final CRC32C crc = new CRC32C();
    private long sequence;

    ChronicleSink() {
        dir = BenchFiles.newDirectory("chronicle-append");
        queue = ChronicleQueue.singleBuilder(dir).build();
        appender = queue.createAppender();
    }

    @Override
    public void append(byte[] payload) {
        int length = payload.length;
        int checksum = RecordFormat.checksum(crc, sequence++, RecordFormat.dataWord(length), payload, 0,
                length);
        try (DocumentContext document = appender.writingDocument()) {
            Bytes<?> bytes = document.wire().bytes();
            bytes.writeInt(checksum);
            bytes.write(payload, 0, length);
        }
    }

    @Override
    public void close() throws IOException {
        appender.close();
        queue.close();
        BenchFiles.deleteRecursively(dir);
    }
}
