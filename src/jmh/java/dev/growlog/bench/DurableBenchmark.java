package dev.growlog.bench;

import dev.growlog.GrowLog;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Durable appends per second (summed over the appending threads), 256-byte records, on the
 * normal disk.
 *
 * <p>{@code groupCommit}: every thread calls {@link GrowLog#appendDurable(byte[])}; a thread
 * that needs its record durable syncs everything appended so far, so threads waiting behind it
 * share that sync. {@code syncPerAppend}: every append is followed by its own {@code sync()},
 * the pair held under one lock so that no sync covers another thread's record: one
 * {@code msync} plus header checkpoint per record, whatever the number of threads.
 *
 * <p>Secondary metrics: {@code records} (appends per second, as the score) and {@code syncs}
 * (syncs per second of the log, from its counters); their ratio is the records each sync made
 * durable, N at best with N threads.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = JvmArgs.NATIVE_ACCESS)
@State(Scope.Benchmark)
public class DurableBenchmark {
    static final int PAYLOAD = 256;

    @Param({"groupCommit", "syncPerAppend"})
    public String mode;

    private Path dir;
    private GrowLog log;
    private final byte[] payload = Payloads.random(PAYLOAD);
    private final Object oneAtATime = new Object();
    /** The log's syncs when it closed, -1 while open; see {@link #syncs()}. */
    private long syncsAtClose = -1;

    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = BenchFiles.newDirectory("growlog-durable");
        log = GrowLog.open(dir.resolve("durable.glog"));
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        synchronized (this) {
            syncsAtClose = log.stats().syncs();
            log.close();
        }
        BenchFiles.deleteRecursively(dir);
    }

    /**
     * The log's syncs so far. JMH may run the trial's tear-down, which closes the log, before the
     * last thread's iteration tear-down that reads this: then the count at close is the count.
     */
    synchronized long syncs() throws IOException {
        return syncsAtClose >= 0 ? syncsAtClose : log.stats().syncs();
    }

    /** Per thread: its appends; thread 0 also reports the log's syncs over the iteration. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counts {
        public long records;
        public long syncs;
        private boolean first;
        private long syncsBefore;

        @Setup(Level.Iteration)
        public void start(DurableBenchmark benchmark, ThreadParams thread) throws IOException {
            records = 0;
            syncs = 0;
            first = thread.getThreadIndex() == 0;
            syncsBefore = first ? benchmark.syncs() : 0;
        }

        @TearDown(Level.Iteration)
        public void end(DurableBenchmark benchmark) throws IOException {
            if (first) {
                syncs = benchmark.syncs() - syncsBefore;
            }
        }
    }

    private long append(Counts counts) throws IOException {
        counts.records++;
        return append();
    }

    private long append() throws IOException {
        if (mode.equals("groupCommit")) {
            return log.appendDurable(payload);
        }
        synchronized (oneAtATime) {
            long position = log.append(payload);
            log.sync();
            return position;
        }
    }

    @Benchmark
    @Threads(1)
    public long threads1(Counts counts) throws IOException {
        return append(counts);
    }

    @Benchmark
    @Threads(2)
    public long threads2(Counts counts) throws IOException {
        return append(counts);
    }

    @Benchmark
    @Threads(4)
    public long threads4(Counts counts) throws IOException {
        return append(counts);
    }

    @Benchmark
    @Threads(16)
    public long threads16(Counts counts) throws IOException {
        return append(counts);
    }
}
