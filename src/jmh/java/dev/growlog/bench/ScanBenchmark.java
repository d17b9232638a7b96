package dev.growlog.bench;

import dev.growlog.GrowLog;
import dev.growlog.GrowLogConfig;
import dev.growlog.LogReader;
import dev.growlog.RecordHandler;
import dev.growlog.internal.format.FileHeader;
import dev.growlog.internal.format.RecordFormat;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

/**
 * Sequential scans with checksum validation against a bare CRC32C pass over the same bytes,
 * and random reads by position, over a log of about {@value #FILL_BYTES} bytes written before
 * the trial (it stays in the page cache: these are memory-speed numbers, not disk reads).
 *
 * <h2>Scans</h2>
 * One operation covers every record of the log; the {@code records} and {@code bytes}
 * secondary metrics give the rates. {@link #forEachVerified} is the zero-copy
 * {@link LogReader#forEach} (CRC32C checked in the mapping); {@link #nextVerified} copies each
 * batch out and checks it there. {@link #crc32cMapped} and {@link #crc32cHeap} run
 * {@link CRC32C} once over the same file bytes (from the first record to the end), through a
 * {@code MappedByteBuffer} of the file and through a heap copy of it: the limit a validating
 * scan can approach. {@link #crc32cPerRecord} does the CRC32C work a validating scan cannot
 * avoid and nothing else: it walks the mapped file by commit words, as {@link #randomReadRaw}
 * reads one record, and checks each record's checksum (the CRC32C of its payload in the mapping,
 * sealed with its position and commit word, {@link RecordFormat#checksum}), with no lease,
 * batch, copy or bounds check. The gap
 * between it and {@link #crc32cMapped} is the cost of checksumming each record separately
 * (a reset, a short update and a dependent result per record), which one bulk pass does not
 * pay; the gap between the verified scans and it is the reader's own overhead.
 *
 * <p>{@link #chronicleTailer} is the peer: a Chronicle Queue holding the same payloads, one
 * document of raw payload bytes each, read by a tailer that copies each payload out and
 * computes CRC32C over the copy (Chronicle keeps no checksum of its own, so the peer does the
 * validation work growlog does). Its {@code records} and {@code bytes} count the growlog log's
 * records and file bytes, so its rates compare with the others directly.
 *
 * <h2>Random reads</h2>
 * One operation reads one record at a uniformly random position: {@link #randomRead}
 * ({@link GrowLog#read(long)}, a checked copy), {@link #randomReadZeroCopy}
 * ({@link GrowLog#read(long, RecordHandler)}), {@link #randomReadReadOnly} (a copy through a
 * second, read-only open of the same file) and {@link #randomReadRaw}, the limit: the same
 * copy and CRC32C check straight from a {@code MappedByteBuffer}, no lease and no checks.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = JvmArgs.NATIVE_ACCESS)
public class ScanBenchmark {
    static final long FILL_BYTES = 256L << 20;

    @State(Scope.Benchmark)
    public static class Filled {
        @Param({"64", "1024", "4096"})
        public int payloadSize;

        Path dir;
        GrowLog log;
        GrowLog readOnly;
        long[] positions;
        long end;
        FileChannel channel;
        /** The file from offset 0 to the end of the last record. */
        MappedByteBuffer mapped;
        /** The bytes from the first record to the end, copied to the heap. */
        byte[] heap;

        @Setup(Level.Trial)
        public void fill() throws IOException {
            dir = BenchFiles.newDirectory("growlog-scan");
            // One file, so that the bare scans below can map it whole.
            log = GrowLog.open(dir.resolve("scan.glog"), GrowLogConfig.builder().rollSize(1L << 40).build());
            byte[] payload = Payloads.random(payloadSize);
            positions = new long[(int) (FILL_BYTES / Payloads.recordSize(payloadSize))];
            for (int i = 0; i < positions.length; i++) {
                positions[i] = log.append(payload);
            }
            end = log.endPosition();
            readOnly = GrowLog.openReadOnly(log.directory());
            channel = FileChannel.open(BenchFiles.firstDataFile(log), StandardOpenOption.READ);
            mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, end);
            mapped.order(ByteOrder.LITTLE_ENDIAN);
            heap = new byte[(int) (end - FileHeader.SIZE)];
            mapped.get(FileHeader.SIZE, heap);
        }

        long randomPosition() {
            return positions[ThreadLocalRandom.current().nextInt(positions.length)];
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            mapped = null;
            channel.close();
            readOnly.close();
            BenchFiles.dropAndClose(log);
            BenchFiles.deleteRecursively(dir);
        }
    }

    /** Records and bytes covered, reported by JMH as rates. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Scanned {
        public long records;
        public long bytes;

        @Setup(Level.Iteration)
        public void reset() {
            records = 0;
            bytes = 0;
        }

        void add(Filled f) {
            records += f.positions.length;
            bytes += f.end - FileHeader.SIZE;
        }
    }

    /** Touches the last byte of every payload it is handed. */
    @State(Scope.Thread)
    public static class Touch implements RecordHandler {
        long sum;

        @Override
        public void onRecord(long position, ByteBuffer payload) {
            sum += payload.get(payload.limit() - 1);
        }
    }

    @Benchmark
    public long forEachVerified(Filled f, Scanned scanned, Touch touch) throws IOException {
        long count;
        try (LogReader reader = f.log.reader(f.log.startPosition())) {
            count = reader.forEach(touch);
        }
        check(f, count);
        scanned.add(f);
        return touch.sum;
    }

    @Benchmark
    public long nextVerified(Filled f, Scanned scanned) throws IOException {
        long sum = 0;
        long count = 0;
        try (LogReader reader = f.log.reader(f.log.startPosition())) {
            while (reader.next()) {
                ByteBuffer payload = reader.payload();
                sum += payload.get(payload.limit() - 1);
                count++;
            }
        }
        check(f, count);
        scanned.add(f);
        return sum;
    }

    @Benchmark
    public long crc32cMapped(Filled f, Scanned scanned) {
        CRC32C crc = new CRC32C();
        crc.update(f.mapped.slice(FileHeader.SIZE, (int) (f.end - FileHeader.SIZE)));
        scanned.add(f);
        return crc.getValue();
    }

    @Benchmark
    public long crc32cHeap(Filled f, Scanned scanned) {
        CRC32C crc = new CRC32C();
        crc.update(f.heap, 0, f.heap.length);
        scanned.add(f);
        return crc.getValue();
    }

    /** Reusable state for the per-record CRC32C walk. */
    @State(Scope.Thread)
    public static class PerRecord {
        final CRC32C crc = new CRC32C();
        ByteBuffer frame;

        @Setup(Level.Trial)
        public void frame(Filled f) {
            frame = f.mapped.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    @Benchmark
    public long crc32cPerRecord(Filled f, PerRecord r, Scanned scanned) {
        ByteBuffer frame = r.frame;
        int end = (int) f.end;
        long count = 0;
        int at = (int) f.positions[0];
        while (at < end) {
            int word = frame.getInt(at);
            int length = RecordFormat.length(word);
            int actual;
            if (RecordFormat.isData(word)) {
                frame.limit(at + RecordFormat.HEADER_SIZE + length).position(at + RecordFormat.HEADER_SIZE);
                actual = RecordFormat.checksum(r.crc, at, word, frame);
                frame.clear();
                count++;
            } else {
                actual = RecordFormat.checksum(at, word);
            }
            if (actual != frame.getInt(at + RecordFormat.CRC_OFFSET)) {
                throw new IllegalStateException("checksum mismatch at " + at);
            }
            at += (int) RecordFormat.recordSize(length);
        }
        check(f, count);
        scanned.add(f);
        return count;
    }

    /**
     * A Chronicle Queue with the same payloads as {@link Filled}, as many, each one document of
     * raw payload bytes; the CRC32C every copy must have.
     */
    @State(Scope.Benchmark)
    public static class ChronicleFilled {
        Path dir;
        ChronicleQueue queue;
        int expectedCrc;

        @Setup(Level.Trial)
        public void fill(Filled f) {
            dir = BenchFiles.newDirectory("chronicle-scan");
            queue = ChronicleQueue.singleBuilder(dir).build();
            byte[] payload = Payloads.random(f.payloadSize);
            try (ExcerptAppender appender = queue.createAppender()) {
                for (int i = 0; i < f.positions.length; i++) {
                    try (DocumentContext document = appender.writingDocument()) {
                        document.wire().bytes().write(payload, 0, payload.length);
                    }
                }
            }
            CRC32C crc = new CRC32C();
            crc.update(payload, 0, payload.length);
            expectedCrc = (int) crc.getValue();
        }

        @TearDown(Level.Trial)
        public void close() {
            queue.close();
            BenchFiles.deleteRecursively(dir);
        }
    }

    /** Reusable state for the Chronicle tailer: the copy target and the CRC32C. */
    @State(Scope.Thread)
    public static class ChronicleCopy {
        final CRC32C crc = new CRC32C();
        byte[] copy;

        @Setup(Level.Trial)
        public void allocate(Filled f) {
            copy = new byte[f.payloadSize];
        }
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {JvmArgs.NATIVE_ACCESS, JvmArgs.CQ_OPEN_NIO, JvmArgs.CQ_OPEN_REFLECT,
        JvmArgs.CQ_EXPORT_REF, JvmArgs.CQ_NO_ANALYTICS})
    public long chronicleTailer(Filled f, ChronicleFilled q, ChronicleCopy c, Scanned scanned) {
        byte[] copy = c.copy;
        CRC32C crc = c.crc;
        long sum = 0;
        long count = 0;
        try (ExcerptTailer tailer = q.queue.createTailer()) {
            while (true) {
                try (DocumentContext document = tailer.readingDocument()) {
                    if (!document.isPresent()) {
                        break;
                    }
                    Bytes<?> bytes = document.wire().bytes();
                    int length = bytes.read(copy, 0, (int) bytes.readRemaining());
                    crc.reset();
                    crc.update(copy, 0, length);
                    if ((int) crc.getValue() != q.expectedCrc) {
                        throw new IllegalStateException("checksum mismatch at index " + tailer.index());
                    }
                    sum += copy[length - 1];
                    count++;
                }
            }
        }
        check(f, count);
        scanned.add(f);
        return sum;
    }

    private static void check(Filled f, long count) {
        if (count != f.positions.length) {
            throw new IllegalStateException("scanned " + count + " records, expected " + f.positions.length);
        }
    }

    @Benchmark
    public byte[] randomRead(Filled f) throws IOException {
        return f.log.read(f.randomPosition());
    }

    @Benchmark
    public long randomReadZeroCopy(Filled f, Touch touch) throws IOException {
        f.log.read(f.randomPosition(), touch);
        return touch.sum;
    }

    @Benchmark
    public byte[] randomReadReadOnly(Filled f) throws IOException {
        return f.readOnly.read(f.randomPosition());
    }

    /** Reusable CRC state for the raw random read, like growlog's per-cursor state. */
    @State(Scope.Thread)
    public static class RawReader {
        final CRC32C crc = new CRC32C();
    }

    @Benchmark
    public byte[] randomReadRaw(Filled f, RawReader r) {
        long position = f.randomPosition();
        int at = (int) position;
        int word = f.mapped.getInt(at);
        int length = RecordFormat.length(word);
        byte[] payload = new byte[length];
        f.mapped.get(at + RecordFormat.HEADER_SIZE, payload);
        if (RecordFormat.checksum(r.crc, position, word, payload, 0, length)
                != f.mapped.getInt(at + RecordFormat.CRC_OFFSET)) {
            throw new IllegalStateException("checksum mismatch at " + position);
        }
        return payload;
    }
}
