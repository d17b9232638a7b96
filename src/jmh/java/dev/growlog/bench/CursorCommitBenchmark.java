package dev.growlog.bench;

import dev.growlog.internal.chain.CursorFile;
import dev.growlog.internal.chain.CursorStore;
import dev.growlog.internal.chain.StateFile;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * Cost of one durable cursor commit ({@code pwrite} of a 4 KiB slot, then {@code fdatasync}),
 * against a baseline in the same run and directory: {@code FileChannel.write} of the same 4096
 * bytes at the same alternating offsets of an 8 KiB file, then {@code force(false)}. The ratio
 * of the two is the cursor store's overhead over the plainest durable write of its bytes.
 *
 * <pre>
 *   mvn -B -q -Pbench package -DskipTests
 *   java -jar target/benchmarks.jar CursorCommitBenchmark
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = JvmArgs.NATIVE_ACCESS)
@State(Scope.Benchmark)
public class CursorCommitBenchmark {
    private Path dir;
    private CursorFile cursor;
    private FileChannel channel;
    private final ByteBuffer slot = ByteBuffer.allocateDirect(StateFile.SLOT_SIZE);
    private long position;
    private long writes;

    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = BenchFiles.newDirectory("growlog-cursor");
        cursor = CursorStore.of(dir, 1).open("bench", 0);
        channel = FileChannel.open(dir.resolve("baseline"), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        channel.write(ByteBuffer.allocate(StateFile.FILE_SIZE), 0);
        channel.force(true);
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        cursor.close();
        channel.close();
        BenchFiles.deleteRecursively(dir);
    }

    @Benchmark
    public long commit() throws IOException {
        position += 8;
        cursor.commit(position);
        return position;
    }

    @Benchmark
    public long fileChannelWriteForce() throws IOException {
        slot.clear().putLong(0, ++writes);
        channel.write(slot, (writes & 1) * StateFile.SLOT_SIZE);
        channel.force(false);
        return writes;
    }
}
