package dev.growlog;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The record and byte counts in {@link GrowLogStats}: kept by the writer as it appends, restored
 * on open from the checkpoint plus the records scanned after it (or from a full scan when the
 * checkpoint is unusable), and found by a read-only log as it follows the writer.
 */
class StatsTest {
    private static final GrowLogConfig CONFIG = GrowLogConfig.builder().pretouchAhead(0).build();

    @TempDir
    Path dir;

    /** Payloads of 0 to count-1 bytes from {@code first} on; returns the end position they reach from {@code from}. */
    private static long appendRising(GrowLog log, int first, int count, long from) throws IOException {
        long end = from;
        for (int length = first; length < first + count; length++) {
            assertThat(log.append(new byte[length])).isEqualTo(end);
            end += LogFiles.recordSize(length);
        }
        return end;
    }

    private static long sum(int first, int count) {
        return (long) count * (2L * first + count - 1) / 2;
    }

    private static void assertCounts(GrowLog log, long records, long bytes, long end) throws IOException {
        GrowLogStats stats = log.stats();
        assertThat(stats.records()).as("records").isEqualTo(records);
        assertThat(stats.payloadBytes()).as("payload bytes").isEqualTo(bytes);
        assertThat(stats.startPosition()).isEqualTo(LogFiles.HEADER_SIZE);
        assertThat(stats.endPosition()).as("end").isEqualTo(end);
    }

    @Test
    void counts_ofTheWriter_andAfterACleanReopen_areWhatWasAppended() throws IOException {
        Path file = dir.resolve("clean.glog");
        long end;
        try (GrowLog log = GrowLog.open(file, CONFIG)) {
            end = appendRising(log, 0, 20, log.startPosition());
            assertCounts(log, 20, sum(0, 20), end);
        }
        try (GrowLog log = GrowLog.open(file, CONFIG)) {
            assertCounts(log, 20, sum(0, 20), end);
            end = appendRising(log, 100, 3, end);
            assertCounts(log, 23, sum(0, 20) + sum(100, 3), end);
        }
    }

    @Test
    void counts_afterACrash_addTheRecordsAfterTheCheckpointToThoseBeforeIt() throws IOException {
        Path file = dir.resolve("live.glog");
        Path image = dir.resolve("crashed.glog");
        long end;
        try (GrowLog log = GrowLog.open(file, CONFIG)) {
            long synced = appendRising(log, 0, 20, log.startPosition());
            log.sync();
            end = appendRising(log, 50, 7, synced);
            LogFiles.copy(file, image); // the writer is still open: an unclean image with a checkpoint at `synced`
            assertThat(log.checkpointInFile()).isEqualTo(synced);
        }
        long records = 27;
        long bytes = sum(0, 20) + sum(50, 7);
        try (GrowLog readOnly = GrowLog.openReadOnly(image)) {
            assertThat(readOnly.recoveryReport().recordsScanned()).isEqualTo(7);
            assertCounts(readOnly, records, bytes, end);
        }
        try (GrowLog log = GrowLog.open(image, CONFIG)) {
            assertThat(log.recoveryReport().cleanShutdown()).isFalse();
            assertThat(log.recoveryReport().recordsScanned()).isEqualTo(7);
            assertCounts(log, records, bytes, end);
            assertThat(log.stats().syncedPosition()).as("open syncs what recovery kept").isEqualTo(end);
        }
    }

    @Test
    void counts_afterACrashWithAnUnusableCheckpoint_comeFromAScanOfTheWholeLog() throws IOException {
        Path file = dir.resolve("live.glog");
        Path image = dir.resolve("torn-checkpoint.glog");
        long end;
        try (GrowLog log = GrowLog.open(file, CONFIG)) {
            long synced = appendRising(log, 0, 20, log.startPosition());
            log.sync();
            end = appendRising(log, 50, 7, synced);
            LogFiles.copy(file, image);
        }
        LogFiles.flipByte(image, LogFiles.CHECKPOINT_CRC_OFFSET); // the checkpoint block fails its checksum
        try (GrowLog readOnly = GrowLog.openReadOnly(image)) {
            assertCounts(readOnly, 27, sum(0, 20) + sum(50, 7), end);
        }
        try (GrowLog log = GrowLog.open(image, CONFIG)) {
            assertThat(log.recoveryReport().scannedFrom()).isEqualTo(LogFiles.HEADER_SIZE);
            assertCounts(log, 27, sum(0, 20) + sum(50, 7), end);
        }
    }

    @Test
    void counts_ofAReadOnlyLog_growAsItFollowsTheWriter() throws IOException {
        Path logDir = dir.resolve("followed");
        try (GrowLog writer = GrowLog.open(logDir, CONFIG)) {
            long end = appendRising(writer, 0, 10, writer.startPosition());
            try (GrowLog readOnly = GrowLog.openReadOnly(logDir)) {
                assertCounts(readOnly, 10, sum(0, 10), end);
                end = appendRising(writer, 10, 10, end);
                assertCounts(readOnly, 20, sum(0, 20), end);
                assertThat(readOnly.stats().fileSize()).isEqualTo(LogFiles.size(logDir));
            }
        }
    }
}
