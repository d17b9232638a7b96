package dev.growlog.bench;

import dev.growlog.RecordBatch;
import dev.growlog.internal.format.RecordFormat;

import java.io.IOException;

/**
 * growlog through {@code append(RecordBatch)}: records are gathered until they fill
 * {@value #BATCH_BYTES} bytes in the file, as {@link FileChannelSink} stages them, then appended
 * in one call. A record is appended (in the page cache) when its batch is; until then it sits in
 * the process, the same promise as the staging buffer's.
 */
final class GrowLogBatchSink implements AppendSink {
    /** File bytes (framing included) gathered before a batch is appended. */
    static final int BATCH_BYTES = 64 * 1024;

    private final GrowLogSink sink;
    private final RecordBatch batch = new RecordBatch(BATCH_BYTES);
    /** File bytes the records in {@link #batch} will take. */
    private long framed;

    private GrowLogBatchSink(GrowLogSink sink) {
        this.sink = sink;
    }

    /** A new log with the default configuration, as {@link GrowLogSink#growing()}. */
    static GrowLogBatchSink growing() throws IOException {
        return new GrowLogBatchSink(GrowLogSink.growing());
    }

    /** A pre-faulted log, as {@link GrowLogSink#prefaulted(long)}. */
    static GrowLogBatchSink prefaulted(long size) throws IOException {
        return new GrowLogBatchSink(GrowLogSink.prefaulted(size));
    }

    @Override
    public void append(byte[] payload) throws IOException {
        batch.add(payload);
        framed += RecordFormat.recordSize(payload.length);
        if (framed >= BATCH_BYTES) {
            sink.log().append(batch);
            batch.clear();
            framed = 0;
        }
    }

    @Override
    public void close() throws IOException {
        if (!batch.isEmpty()) {
            sink.log().append(batch);
        }
        sink.close();
    }
}
