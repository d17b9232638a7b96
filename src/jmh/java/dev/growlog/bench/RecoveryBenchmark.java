package dev.growlog.bench;

import dev.growlog.GrowLog;
import dev.growlog.RecoveryReport;
import dev.growlog.internal.format.RecordFormat;
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
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

/**
 * Time for {@link GrowLog#open} to recover a {@value #LOG_BYTES}-byte log after an unclean
 * shutdown, in milliseconds per open.
 *
 * <p>The log is written once per trial (1 KiB payloads) and closed. Before every open the
 * state a kill leaves behind is recreated: the header's checkpoint block is rewritten with the
 * clean-shutdown flag cleared and the checkpoint either {@code nearEnd} (the last record
 * starting at least 1 MiB before the end, as after a recent sync) or {@code atStart} (the first
 * record, as if nothing was ever synced), and a torn record (a commit word whose CRC32C does
 * not match) is written after the last record. Recovery must then scan from the checkpoint,
 * validate every record, cut the torn tail and zero what follows. The file is in the page
 * cache (it was just written), so this measures the scan, not disk reads.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = JvmArgs.NATIVE_ACCESS)
public class RecoveryBenchmark {
    static final long LOG_BYTES = 1L << 30;
    private static final int PAYLOAD = 1024;
    /** Header fields, from {@code FileHeader}'s layout. */
    private static final int CHECKPOINT_OFFSET = 40;
    private static final int CHECKPOINT_CRC_OFFSET = 68;

    @State(Scope.Benchmark)
    public static class Crashed {
        @Param({"nearEnd", "atStart"})
        public String checkpoint;

        Path dir;
        Path file;
        /** Position after the last record. */
        long end;
        /** Checkpoint position to restore before each open, and records/bytes before it. */
        long checkpointPosition;
        long checkpointRecords;
        long checkpointBytes;
        long recordsAfterCheckpoint;
        GrowLog opened;

        @Setup(Level.Trial)
        public void write() throws IOException {
            dir = BenchFiles.newDirectory("growlog-recovery");
            file = dir.resolve("recovery.glog");
            byte[] payload = Payloads.random(PAYLOAD);
            long records = 0;
            long nearEnd = LOG_BYTES - (1 << 20);
            try (GrowLog log = GrowLog.open(file)) {
                checkpointPosition = log.startPosition();
                // Leave room for the torn record inside the file: growlog sizes files in whole
                // pages, and a write past the end would leave a size no crash can produce.
                while (log.endPosition() + 2L * Payloads.recordSize(PAYLOAD) <= LOG_BYTES) {
                    long position = log.append(payload);
                    if (checkpoint.equals("nearEnd") && position <= nearEnd) {
                        checkpointPosition = position;
                        checkpointRecords = records;
                    }
                    records++;
                }
                end = log.endPosition();
            }
            if (Files.size(file) < end + Payloads.recordSize(PAYLOAD)) {
                throw new IllegalStateException("no room for a torn record after " + end + " in " + file);
            }
            checkpointBytes = checkpointRecords * PAYLOAD;
            recordsAfterCheckpoint = records - checkpointRecords;
        }

        /** Puts the file back in the state a killed writer leaves. */
        @Setup(Level.Iteration)
        public void crash() throws IOException {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                ByteBuffer block = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
                block.putLong(0, checkpointPosition).putLong(8, checkpointRecords).putLong(16, checkpointBytes)
                        .putInt(24, 0);
                CRC32C crc = new CRC32C();
                crc.update(block.slice(0, CHECKPOINT_CRC_OFFSET - CHECKPOINT_OFFSET));
                block.putInt(CHECKPOINT_CRC_OFFSET - CHECKPOINT_OFFSET, (int) crc.getValue());
                channel.write(block, CHECKPOINT_OFFSET);

                ByteBuffer torn = ByteBuffer.allocate(Payloads.recordSize(PAYLOAD)).order(ByteOrder.LITTLE_ENDIAN);
                torn.putInt(0, RecordFormat.dataWord(PAYLOAD)).putInt(4, 0xBAD_C0DE);
                channel.write(torn, end);
            }
        }

        @TearDown(Level.Iteration)
        public void check() throws IOException {
            RecoveryReport report = opened.recoveryReport();
            opened.close();
            if (report.cleanShutdown() || report.scannedFrom() != checkpointPosition || report.endPosition() != end
                    || report.recordsScanned() != recordsAfterCheckpoint || !report.tailCut()) {
                throw new IllegalStateException("unexpected recovery: " + report.summary());
            }
            System.out.print(" [" + report.summary() + "] ");
        }

        @TearDown(Level.Trial)
        public void delete() {
            BenchFiles.deleteRecursively(dir);
        }
    }

    @Benchmark
    public GrowLog open(Crashed c) throws IOException {
        c.opened = GrowLog.open(c.file);
        return c.opened;
    }
}
