package dev.growlog.bench;

import dev.growlog.GrowLog;
import dev.growlog.LogReader;
import dev.growlog.RecordHandler;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Read throughput of in-process readers, in records per second summed over the reader threads,
 * with and without a writer appending to the same log.
 *
 * <p>What is measured: each operation opens a reader at the first record and reads the first
 * {@value #RECORDS} records ({@value #PAYLOAD}-byte payloads, about 140 MiB) of a log filled
 * before the trial: {@code next*} with {@link LogReader#next()} and {@link LogReader#payload()}
 * (batched copies under one lease per batch), {@code forEach*} with the zero-copy
 * {@link LogReader#forEach}. Both touch the last payload byte of every record. With
 * {@code writer=appending} a background thread (not a JMH thread) appends records of the same
 * size at {@value #WRITER_RATE} records/s for the whole trial, past the records being read, so
 * the log grows (and its mapping grows in place) while they are read; with {@code writer=idle}
 * nothing else runs. The {@code _2readers} methods run two reader threads on the same log.
 *
 * <p>NOTE: the machine has 2 cores: two readers and a writer share them, so the two-reader
 * numbers show contention for CPU as well as for the log.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = JvmArgs.NATIVE_ACCESS)
public class ReadBenchmark {
    static final int RECORDS = 1 << 19;
    static final int PAYLOAD = 256;
    static final long WRITER_RATE = 250_000;

    /** The log, filled once per trial, and the optional writer. */
    @State(Scope.Benchmark)
    public static class Shared {
        @Param({"idle", "appending"})
        public String writer;

        Path dir;
        GrowLog log;
        BackgroundWriter background;

        @Setup(Level.Trial)
        public void fill() throws IOException {
            dir = BenchFiles.newDirectory("growlog-read");
            log = GrowLog.open(dir.resolve("read.glog"));
            byte[] payload = Payloads.random(PAYLOAD);
            for (int i = 0; i < RECORDS; i++) {
                log.append(payload);
            }
            if (writer.equals("appending")) {
                background = new BackgroundWriter(log, payload, WRITER_RATE);
                background.start();
            }
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            if (background != null) {
                background.close();
                System.out.printf("%nbackground writer: %.0f records/s, log grew to %d bytes%n",
                        background.achievedRate(), log.endPosition());
            }
            BenchFiles.dropAndClose(log);
            BenchFiles.deleteRecursively(dir);
        }
    }

    /**
     * The background writer's appends per second, as a secondary metric ({@code writerRecords})
     * counted by the first reader thread from the start to the end of each iteration (so over a
     * slightly longer window than the measured one).
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class WriterProgress {
        public long writerRecords;
        private long startCount;
        private boolean counts;

        @Setup(Level.Iteration)
        public void start(Shared s, ThreadParams thread) {
            writerRecords = 0;
            counts = s.background != null && thread.getThreadIndex() == 0;
            startCount = counts ? s.background.appended() : 0;
        }

        @TearDown(Level.Iteration)
        public void stop(Shared s) {
            writerRecords = counts ? s.background.appended() - startCount : 0;
        }
    }

    /** Stops a zero-copy scan after {@value #RECORDS} records, whatever the writer added since. */
    @State(Scope.Thread)
    public static class Counter implements RecordHandler {
        private static final RuntimeException DONE = new Done();
        int seen;
        long sum;

        @Override
        public void onRecord(long position, ByteBuffer payload) {
            sum += payload.get(payload.limit() - 1);
            if (++seen == RECORDS) {
                throw DONE;
            }
        }

        long scan(GrowLog log) throws IOException {
            seen = 0;
            try (LogReader reader = log.reader(log.startPosition())) {
                reader.forEach(this);
            } catch (RuntimeException e) {
                if (e != DONE) {
                    throw e;
                }
            }
            if (seen != RECORDS) {
                throw new IllegalStateException("scan saw " + seen + " records, expected " + RECORDS);
            }
            return sum;
        }
    }

    /** Thrown by a handler to end a scan early; shared, without a stack trace. */
    private static final class Done extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Done() {
            super("scan done", null, false, false);
        }
    }

    private static long next(GrowLog log) throws IOException {
        long sum = 0;
        try (LogReader reader = log.reader(log.startPosition())) {
            for (int i = 0; i < RECORDS; i++) {
                if (!reader.next()) {
                    throw new IllegalStateException("log ended after " + i + " records");
                }
                ByteBuffer payload = reader.payload();
                sum += payload.get(payload.limit() - 1);
            }
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public long next_1reader(Shared s, WriterProgress w) throws IOException {
        return next(s.log);
    }

    @Benchmark
    @Threads(2)
    @OperationsPerInvocation(RECORDS)
    public long next_2readers(Shared s, WriterProgress w) throws IOException {
        return next(s.log);
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public long forEach_1reader(Shared s, Counter counter, WriterProgress w) throws IOException {
        return counter.scan(s.log);
    }

    @Benchmark
    @Threads(2)
    @OperationsPerInvocation(RECORDS)
    public long forEach_2readers(Shared s, Counter counter, WriterProgress w) throws IOException {
        return counter.scan(s.log);
    }
}
