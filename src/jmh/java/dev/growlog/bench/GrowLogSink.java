package dev.growlog.bench;

import dev.growlog.GrowLog;
import dev.growlog.GrowLogConfig;
import dev.growlog.internal.mapping.GrowableMapping;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/** growlog itself, through its public {@code append(byte[])}. */
final class GrowLogSink implements AppendSink {
    private final Path dir;
    private final GrowLog log;

    private GrowLogSink(Path dir, GrowLog log) {
        this.dir = dir;
        this.log = log;
    }

    /** A new log with the default configuration: 1 MiB to start with, growing as it fills. */
    static GrowLogSink growing() throws IOException {
        return open(GrowLogConfig.defaults());
    }

    /**
     * A new log that rolls to a new file every 64 MiB (32 MiB segments), as {@code RollBenchmark}
     * rolls, so rolls fall inside a latency window.
     */
    static GrowLogSink rolling() throws IOException {
        return open(GrowLogConfig.builder().segmentSize(32 << 20).rollSize(64L << 20).build());
    }

    /**
     * A new log created {@code size} bytes long with every page already faulted in for
     * writing, so appends up to that size neither grow the file nor take a page fault.
     */
    static GrowLogSink prefaulted(long size) throws IOException {
        long rollSize = Math.max(GrowLogConfig.builder().build().rollSize(), Long.highestOneBit(size) << 1);
        GrowLogSink sink = open(GrowLogConfig.builder().initialSize(size).rollSize(rollSize).build());
        prefault(sink.log);
        return sink;
    }

    private static GrowLogSink open(GrowLogConfig config) throws IOException {
        Path dir = BenchFiles.newDirectory("growlog-append");
        return new GrowLogSink(dir, GrowLog.open(dir.resolve("bench.glog"), config));
    }

    GrowLog log() {
        return log;
    }

    @Override
    public void append(byte[] payload) throws IOException {
        log.append(payload);
    }

    @Override
    public void close() throws IOException {
        BenchFiles.dropAndClose(log);
        BenchFiles.deleteRecursively(dir);
    }

    /**
     * Writes a zero into the last byte of every page through the log's own mapping, which
     * faults each page in for writing: the ceiling the pretoucher works towards, measured
     * without it. The benchmark reaches the mapping reflectively; the zeros change nothing (zero
     * is "end of log" and the header page ends in zeros).
     */
    static void prefault(GrowLog log) throws IOException {
        GrowableMapping mapping;
        try {
            Method accessor = GrowLog.class.getDeclaredMethod("mapping");
            accessor.setAccessible(true);
            mapping = (GrowableMapping) accessor.invoke(log);
        } catch (ReflectiveOperationException e) {
            throw new IOException("cannot reach the mapping of " + log.directory() + " to pre-fault it", e);
        }
        long mapped = mapping.mappedLength();
        int segmentSize = mapping.segmentSize();
        for (long segment = 0; segment * segmentSize < mapped; segment++) {
            ByteBuffer view = mapping.segment(segment);
            for (int page = 4095; page < view.capacity(); page += 4096) {
                view.put(page, (byte) 0);
            }
        }
    }
}
