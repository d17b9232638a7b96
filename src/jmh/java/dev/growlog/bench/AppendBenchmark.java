package dev.growlog.bench;

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
import org.openjdk.jmh.infra.BenchmarkParams;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Append throughput of one writer, no sync, in records per second (multiply by the record
 * size for bytes per second).
 *
 * <h2>Growing</h2>
 * {@link #growlog}, {@link #raw}, {@link #fileChannel}, {@link #mappedChunks} and
 * {@link #chronicle}: one append per operation into a file created fresh for every iteration
 * (growlog and the raw limit start at 1 MiB), so every page fault, {@code fallocate},
 * {@code ftruncate} and {@code mremap} of a log growing to a few GiB is inside the measured
 * time. See {@link AppendSink} for the framing work all of them do. Two diagnostics vary the raw
 * limit: {@link #rawUnaligned} places its reservation as growlog does (1 MiB off a 2 MiB
 * boundary with the default sizes) and {@link #rawSparse} skips {@code fallocate}.
 *
 * <h2>Pre-faulted</h2>
 * {@link #growlogPrefaulted} and {@link #rawPrefaulted}: one operation fills a log that was
 * created {@value #FILL_BYTES} bytes long and faulted in for writing beforehand (outside the
 * measured time), so no growth and no page fault happens: the ceiling set by the memory copy,
 * the CRC32C and the framing. The {@code records} secondary metric is the append rate.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = JvmArgs.NATIVE_ACCESS)
public class AppendBenchmark {
    /** Payload bytes one pre-faulted fill appends: well past the last-level cache. */
    static final long FILL_BYTES = 256L << 20;

    /** One growing sink per iteration, of the kind named by the benchmark method. */
    @State(Scope.Thread)
    public static class Growing {
        @Param({"64", "1024", "4096"})
        public int payloadSize;

        byte[] payload;
        AppendSink sink;

        @Setup(Level.Iteration)
        public void open(BenchmarkParams params) throws IOException {
            payload = Payloads.random(payloadSize);
            String method = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
            switch (method) {
                case "growlog":
                    sink = GrowLogSink.growing();
                    break;
                case "growlogBatch":
                    sink = GrowLogBatchSink.growing();
                    break;
                case "raw":
                    sink = RawMappingSink.growing();
                    break;
                case "rawUnaligned":
                    sink = RawMappingSink.growingUnaligned();
                    break;
                case "rawSparse":
                    sink = RawMappingSink.growingSparse();
                    break;
                case "fileChannel":
                    sink = new FileChannelSink();
                    break;
                case "mappedChunks":
                    sink = new MappedChunkSink();
                    break;
                case "chronicle":
                    sink = new ChronicleSink();
                    break;
                default:
                    throw new IllegalStateException("no sink for " + method);
            }
        }

        @TearDown(Level.Iteration)
        public void close() throws IOException {
            sink.close();
        }
    }

    @Benchmark
    public void growlog(Growing s) throws IOException {
        s.sink.append(s.payload);
    }

    /** growlog's batch API, records gathered into 64 KiB batches as the FileChannel peer stages them. */
    @Benchmark
    public void growlogBatch(Growing s) throws IOException {
        s.sink.append(s.payload);
    }

    @Benchmark
    public void raw(Growing s) throws IOException {
        s.sink.append(s.payload);
    }

    /** Diagnostic, not a peer: the raw limit with its reservation placed as growlog's is. */
    @Benchmark
    public void rawUnaligned(Growing s) throws IOException {
        s.sink.append(s.payload);
    }

    /** Diagnostic, not a peer: the raw limit without {@code fallocate} (unsafe on a full disk). */
    @Benchmark
    public void rawSparse(Growing s) throws IOException {
        s.sink.append(s.payload);
    }

    @Benchmark
    public void fileChannel(Growing s) throws IOException {
        s.sink.append(s.payload);
    }

    @Benchmark
    public void mappedChunks(Growing s) throws IOException {
        s.sink.append(s.payload);
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {JvmArgs.NATIVE_ACCESS, JvmArgs.CQ_OPEN_NIO, JvmArgs.CQ_OPEN_REFLECT,
        JvmArgs.CQ_EXPORT_REF, JvmArgs.CQ_NO_ANALYTICS})
    public void chronicle(Growing s) throws IOException {
        s.sink.append(s.payload);
    }

    /** A fresh pre-faulted sink for every fill; creating and faulting it is not measured. */
    @State(Scope.Thread)
    public static class Prefaulted {
        @Param({"64", "1024", "4096"})
        public int payloadSize;

        byte[] payload;
        /** Records in one fill. */
        int records;
        AppendSink sink;
        private boolean growlog;
        private boolean batch;

        @Setup(Level.Trial)
        public void prepare(BenchmarkParams params) {
            payload = Payloads.random(payloadSize);
            records = (int) (FILL_BYTES / Payloads.recordSize(payloadSize));
            growlog = params.getBenchmark().endsWith(".growlogPrefaulted");
            batch = params.getBenchmark().endsWith(".growlogBatchPrefaulted");
        }

        @Setup(Level.Invocation)
        public void open() throws IOException {
            // Room for the header and the padding at each segment end.
            long size = (4096 + FILL_BYTES + 8L * Payloads.recordSize(payloadSize) + 4095) & -4096L;
            sink = batch ? GrowLogBatchSink.prefaulted(size)
                    : growlog ? GrowLogSink.prefaulted(size) : RawMappingSink.prefaulted(size);
        }

        @TearDown(Level.Invocation)
        public void close() throws IOException {
            sink.close();
        }
    }

    /** Records appended, reported by JMH as a rate over the measured time. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Appended {
        public long records;

        @Setup(Level.Iteration)
        public void reset() {
            records = 0;
        }
    }

    @Benchmark
    @Measurement(iterations = 3, time = 2)
    public void growlogPrefaulted(Prefaulted s, Appended counted) throws IOException {
        fill(s, counted);
    }

    /** growlog's batch API into a pre-faulted log, 64 KiB batches as {@link #growlogBatch}. */
    @Benchmark
    @Measurement(iterations = 3, time = 2)
    public void growlogBatchPrefaulted(Prefaulted s, Appended counted) throws IOException {
        fill(s, counted);
    }

    @Benchmark
    @Measurement(iterations = 3, time = 2)
    public void rawPrefaulted(Prefaulted s, Appended counted) throws IOException {
        fill(s, counted);
    }

    private static void fill(Prefaulted s, Appended counted) throws IOException {
        AppendSink sink = s.sink;
        byte[] payload = s.payload;
        for (int i = s.records; i > 0; i--) {
            sink.append(payload);
        }
        counted.records += s.records;
    }
}
