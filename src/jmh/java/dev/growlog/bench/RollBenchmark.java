package dev.growlog.bench;

import dev.growlog.GrowLog;
import dev.growlog.GrowLogConfig;
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
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * What rolling costs the writer: appends into a log that rolls to a new file every 64 MiB
 * ({@code rolling}) against appends into one file that only grows ({@code oneFile}), with the
 * same 32 MiB segments and the same pretoucher, a fresh log per iteration, no sync. The next
 * file is prepared in the background, so a roll on the writer's path is a rename and a switch;
 * the goal is rolling / one file ≥ 0.95.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = JvmArgs.NATIVE_ACCESS)
public class RollBenchmark {
    static final int SEGMENT = 32 << 20;
    static final long ROLL = 64L << 20;

    /** One log per iteration, rolling or not as the benchmark method says. */
    @State(Scope.Thread)
    public static class Log {
        @Param({"64", "1024"})
        public int payloadSize;

        byte[] payload;
        Path dir;
        GrowLog log;

        @Setup(Level.Iteration)
        public void open(BenchmarkParams params) throws IOException {
            payload = Payloads.random(payloadSize);
            boolean rolling = params.getBenchmark().endsWith(".rolling");
            GrowLogConfig.Builder config = GrowLogConfig.builder().segmentSize(SEGMENT);
            config.rollSize(rolling ? ROLL : 1L << 40);
            dir = BenchFiles.newDirectory("growlog-roll");
            log = GrowLog.open(dir.resolve("log"), config.build());
        }

        @TearDown(Level.Iteration)
        public void close() throws IOException {
            BenchFiles.dropAndClose(log);
            BenchFiles.deleteRecursively(dir);
        }
    }

    @Benchmark
    public long oneFile(Log s) throws IOException {
        return s.log.append(s.payload);
    }

    @Benchmark
    public long rolling(Log s) throws IOException {
        return s.log.append(s.payload);
    }
}
