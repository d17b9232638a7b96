package dev.growlog.bench;

import dev.growlog.GrowLog;
import dev.growlog.GrowLogConfig;
import dev.growlog.internal.nativeio.Syscalls;
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
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Whether an append costs more in a big log, and what a forced move of the mapping costs the
 * writer. Single-shot: each measured operation is timed on its own.
 *
 * <h2>Flat growth</h2>
 * {@link #appendBatch}: one operation appends {@value #BATCH_RECORDS} records of
 * {@value #BATCH_PAYLOAD} B (about 264 MiB) with the default configuration (64 GiB headroom,
 * the pretoucher on), growth included, into a log that already holds {@code startSize} bytes:
 * 16 MiB or 16 GiB, written with 1 MiB records before the trial and synced, so its pages are
 * clean and on disk. Iterations continue where the previous one stopped. The disk needs about
 * 20 GiB free.
 *
 * <h2>Forced moves</h2>
 * {@link #growlogMove} and {@link #rawMove}: one operation is one growth by 64 MiB of a mapping
 * of 1 GiB and more (+64 MiB per operation), every page of which was written, with no headroom,
 * so that every growth moves the mapping. growlog's operation is the one append that needs the
 * growth (with {@code headroom(0)} and the pretoucher off, so the writer grows and moves); the
 * raw operation makes the calls such a growth needs and nothing else ({@code fallocate},
 * {@code ftruncate}, a 2 MiB-aligned address reservation, {@code mremap(MREMAP_FIXED)}), then
 * writes one byte where that append's record goes, the first page of the new part, as the
 * append does. No reader holds a lease here, so the move waits for none.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = JvmArgs.NATIVE_ACCESS)
public class GrowthBenchmark {
    static final int BATCH_RECORDS = 1 << 20;
    static final int BATCH_PAYLOAD = 256;
    static final long MOVE_START = 1L << 30;
    static final long MOVE_STEP = 64L << 20;

    /** A log of {@code startSize} bytes, written and synced before the trial. */
    @State(Scope.Thread)
    public static class Sized {
        @Param({"16MiB", "16GiB"})
        public String startSize;

        Path dir;
        GrowLog log;
        final byte[] payload = Payloads.random(BATCH_PAYLOAD);

        @Setup(Level.Trial)
        public void fill() throws IOException {
            long target = startSize.equals("16GiB") ? 16L << 30 : 16L << 20;
            dir = BenchFiles.newDirectory("growlog-growth");
            log = GrowLog.open(dir.resolve("growth.glog"));
            byte[] big = Payloads.random(1 << 20);
            while (log.endPosition() < target) {
                log.append(big);
            }
            log.sync();
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            BenchFiles.dropAndClose(log);
            BenchFiles.deleteRecursively(dir);
        }
    }

    @Benchmark
    @Warmup(iterations = 3)
    @Measurement(iterations = 10)
    public long appendBatch(Sized s) throws IOException {
        GrowLog log = s.log;
        byte[] payload = s.payload;
        long last = 0;
        for (int i = 0; i < BATCH_RECORDS; i++) {
            last = log.append(payload);
        }
        return last;
    }

    /** A growlog log whose every growth moves; before each operation it is filled to its mapped end. */
    @State(Scope.Thread)
    public static class MovingLog {
        Path dir;
        GrowLog log;
        final byte[] payload = Payloads.random(BATCH_PAYLOAD);

        @Setup(Level.Trial)
        public void open() throws IOException {
            dir = BenchFiles.newDirectory("growlog-move");
            log = GrowLog.open(dir.resolve("move.glog"), GrowLogConfig.builder().initialSize(MOVE_START)
                    .maxGrowthStep(MOVE_STEP).headroom(0).pretouchAhead(0).build());
        }

        /** Appends until the next record no longer fits the mapping: the next append grows. */
        @Setup(Level.Invocation)
        public void fillToTheEnd() throws IOException {
            long room = BATCH_PAYLOAD + 8;
            while (log.endPosition() + room <= log.stats().mappedSize()) {
                log.append(payload);
            }
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            long moves = log.stats().moves();
            long growths = log.stats().growths();
            if (moves != growths) {
                throw new IllegalStateException(growths + " growths but " + moves + " moves: not every growth moved");
            }
            BenchFiles.dropAndClose(log);
            BenchFiles.deleteRecursively(dir);
        }
    }

    @Benchmark
    @Warmup(iterations = 5)
    @Measurement(iterations = 30)
    public long growlogMove(MovingLog s) throws IOException {
        return s.log.append(s.payload);
    }

    /** The calls of a moving growth on a bare mapping of the same size, all of whose pages were written. */
    @State(Scope.Thread)
    public static class RawMoving {
        private final Syscalls sys = Syscalls.libc();
        Path dir;
        Path file;
        int fd;
        long base;
        long mapped;
        /** Bytes from the start whose pages were written. */
        long written;

        @Setup(Level.Trial)
        public void open() throws IOException {
            dir = BenchFiles.newDirectory("raw-move");
            file = dir.resolve("raw.log");
            fd = sys.open(file, true, true);
            sys.allocate(file, fd, 0, MOVE_START);
            sys.truncate(file, fd, MOVE_START);
            base = RawMappingSink.reserveAligned(sys, MOVE_START);
            sys.mapFileAt(file, fd, base, MOVE_START, true);
            mapped = MOVE_START;
            writeNewPages();
        }

        /** Writes the pages the last growth added, as growlog's appends do. */
        @Setup(Level.Invocation)
        public void writeNewPages() throws IOException {
            sys.populateWrite(file, base + written, mapped - written);
            written = mapped;
        }

        void grow() throws IOException {
            long newLength = mapped + MOVE_STEP;
            sys.allocate(file, fd, mapped, MOVE_STEP);
            sys.truncate(file, fd, newLength);
            long newBase = RawMappingSink.reserveAligned(sys, newLength);
            sys.remapTo(file, base, mapped, newLength, newBase);
            base = newBase;
            // The append that needed the growth writes its record at the start of the new part.
            sys.view(base + mapped, BATCH_PAYLOAD + 8).put(0, (byte) 1);
            mapped = newLength;
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            sys.unmap(file, base, mapped);
            sys.truncate(file, fd, 0);
            sys.close(file, fd);
            BenchFiles.deleteRecursively(dir);
        }
    }

    @Benchmark
    @Warmup(iterations = 5)
    @Measurement(iterations = 30)
    public long rawMove(RawMoving s) throws IOException {
        s.grow();
        return s.base;
    }
}
