package dev.growlog;

import dev.growlog.internal.chain.DataFiles;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Recovery on open cuts a torn tail: whatever follows the last valid record after the
 * checkpoint is dropped and zeroed, everything before it is kept, and appends continue there.
 *
 * <p>A crash is simulated by copying the file while the writer still has it open: the log is
 * a shared mapping, so the copy holds exactly what a process killed at that moment leaves
 * behind (the header says "not shut down cleanly"). {@link CrossProcessTest} does the same with
 * a real SIGKILL.
 */
@ExtendWith(Seeded.class)
class TornTailRecoveryTest {
    /** Segments larger than the file, so a record can run past the end of the file. */
    static final GrowLogConfig CONFIG = GrowLogConfig.builder()
            .segmentSize(256 * 1024).initialSize(16 * 1024).maxGrowthStep(16 * 1024).build();

    @TempDir
    Path dir;

    /** What a crash left: the file image, and the records appended before it. */
    record Crash(Path image, List<byte[]> payloads, List<Long> positions, long end) {
        long lastPosition() {
            return positions.get(positions.size() - 1);
        }

        byte[] last() {
            return payloads.get(payloads.size() - 1);
        }
    }

    /** Ways to tear the tail, and where each must leave the end of the log. */
    enum Damage {
        GARBLED_CRC_OF_LAST_RECORD {
            @Override
            long apply(Crash c) {
                LogFiles.flipByte(c.image(), c.lastPosition() + LogFiles.CRC_OFFSET);
                return c.lastPosition();
            }
        },
        GARBLED_PAYLOAD_OF_LAST_RECORD {
            @Override
            long apply(Crash c) {
                LogFiles.flipByte(c.image(), c.lastPosition() + LogFiles.RECORD_HEADER + c.last().length / 2);
                return c.lastPosition();
            }
        },
        WRONG_LENGTH_IN_LAST_COMMIT_WORD {
            @Override
            long apply(Crash c) {
                LogFiles.writeInt(c.image(), c.lastPosition(), LogFiles.TYPE_DATA | (c.last().length + 8));
                return c.lastPosition();
            }
        },
        INVALID_TYPE_IN_LAST_COMMIT_WORD {
            @Override
            long apply(Crash c) {
                LogFiles.writeInt(c.image(), c.lastPosition(), 0xC000_0000 | c.last().length);
                return c.lastPosition();
            }
        },
        HALF_WRITTEN_RECORD_AFTER_THE_END {
            @Override
            long apply(Crash c) {
                // A plausible commit word and checksum, but only part of the payload made it.
                byte[] payload = Payloads.random(7, 1000);
                int word = LogFiles.TYPE_DATA | payload.length;
                LogFiles.writeInt(c.image(), c.end() + LogFiles.CRC_OFFSET, LogFiles.recordCrc(c.end(), word, payload));
                LogFiles.write(c.image(), c.end() + LogFiles.RECORD_HEADER, Arrays.copyOf(payload, 300));
                LogFiles.writeInt(c.image(), c.end(), word);
                return c.end();
            }
        },
        RECORD_RUNNING_PAST_THE_END_OF_THE_FILE {
            @Override
            long apply(Crash c) {
                long size = LogFiles.size(c.image());
                LogFiles.writeInt(c.image(), c.end(), LogFiles.TYPE_DATA | (int) (size - c.end()));
                return c.end();
            }
        },
        FILE_TRUNCATED_INSIDE_THE_LAST_RECORD {
            @Override
            long apply(Crash c) throws IOException {
                try (FileChannel channel = FileChannel.open(LogFiles.first(c.image()), StandardOpenOption.WRITE)) {
                    channel.truncate(c.lastPosition() + LogFiles.RECORD_HEADER + c.last().length / 2);
                }
                return c.lastPosition();
            }
        };

        /** Damages the image; returns the position recovery must cut at. */
        abstract long apply(Crash crash) throws IOException;
    }

    /** Appends {@code count} random records (1..3000 bytes) and copies the file while it is open. */
    private Crash crash(int count, Random random) throws IOException {
        Path file = dir.resolve("live.glog");
        Path image = dir.resolve("crashed.glog");
        List<byte[]> payloads = new ArrayList<>();
        List<Long> positions = new ArrayList<>();
        try (GrowLog log = GrowLog.open(file, CONFIG)) {
            for (int i = 0; i < count; i++) {
                byte[] payload = Payloads.random(random, 1, 3000);
                positions.add(log.append(payload));
                payloads.add(payload);
            }
            LogFiles.copy(file, image);
            return new Crash(image, payloads, positions, log.endPosition());
        }
    }

    @ParameterizedTest
    @EnumSource(Damage.class)
    void reopen_afterACrashWithATornTail_cutsItAtTheLastGoodRecord_andAppendsContinueThere(Damage damage,
                                                                                           Random random)
            throws IOException {
        Crash crash = crash(40, random);
        long cut = damage.apply(crash);
        int kept = crash.positions().indexOf(cut) >= 0 ? crash.positions().indexOf(cut) : crash.positions().size();
        List<byte[]> payloads = new ArrayList<>(crash.payloads().subList(0, kept));
        List<Long> positions = new ArrayList<>(crash.positions().subList(0, kept));

        try (GrowLog log = GrowLog.open(crash.image(), CONFIG)) {
            RecoveryReport report = log.recoveryReport();
            assertThat(report.cleanShutdown()).isFalse();
            assertThat(report.tailCut()).as(report.summary()).isTrue();
            assertThat(report.reason()).isNotBlank();
            assertThat(report.endPosition()).isEqualTo(cut);
            assertThat(log.endPosition()).isEqualTo(cut);
            assertThat(log.stats().records()).isEqualTo(kept);
            assertRecords(log, payloads, positions);
            long size = LogFiles.size(crash.image());
            assertThat(LogFiles.allZero(crash.image(), cut, size)).as("bytes after the cut are zero").isTrue();

            for (int i = 0; i < 3; i++) {
                byte[] payload = Payloads.random(random, 0, 5000);
                long position = log.append(payload);
                if (i == 0) {
                    assertThat(position).as("first append after recovery").isEqualTo(cut);
                }
                payloads.add(payload);
                positions.add(position);
            }
            assertRecords(log, payloads, positions);
        }

        try (GrowLog log = GrowLog.open(crash.image(), CONFIG)) {
            assertThat(log.recoveryReport().cleanShutdown()).isTrue();
            assertThat(log.recoveryReport().tailCut()).isFalse();
            assertRecords(log, payloads, positions);
        }
    }

    @Test
    void reopen_afterACrashWithoutDamage_keepsEveryAppendedRecord(Random random) throws IOException {
        Crash crash = crash(50, random);

        try (GrowLog log = GrowLog.open(crash.image(), CONFIG)) {
            RecoveryReport report = log.recoveryReport();
            assertThat(report.cleanShutdown()).isFalse();
            assertThat(report.tailCut()).isFalse();
            assertThat(report.reason()).isNull();
            assertThat(report.endPosition()).isEqualTo(crash.end());
            assertThat(log.stats().records()).isEqualTo(50);
            assertRecords(log, crash.payloads(), crash.positions());
        }
    }

    @Test
    void reopen_afterACleanCloseWithGarbageAfterTheEnd_cutsIt(Random random) throws IOException {
        Path file = dir.resolve("clean.glog");
        List<byte[]> payloads = new ArrayList<>();
        List<Long> positions = new ArrayList<>();
        long end;
        try (GrowLog log = GrowLog.open(file, CONFIG)) {
            for (int i = 0; i < 20; i++) {
                payloads.add(Payloads.random(random, 0, 2000));
                positions.add(log.append(payloads.get(i)));
            }
            end = log.endPosition();
        }
        LogFiles.write(file, end, Payloads.random(random.nextLong(), 100));

        try (GrowLog log = GrowLog.open(file, CONFIG)) {
            assertThat(log.recoveryReport().cleanShutdown()).isTrue();
            assertThat(log.recoveryReport().tailCut()).isTrue();
            assertThat(log.endPosition()).isEqualTo(end);
            assertThat(LogFiles.allZero(file, end, LogFiles.size(file))).isTrue();
            assertRecords(log, payloads, positions);
        }
    }

    @Test
    void reopen_afterPowerLossGarbledEverythingAfterTheLastSync_keepsEverySyncedRecord(Random random)
            throws IOException {
        Path file = dir.resolve("power.glog");
        Path image = dir.resolve("after-power-loss.glog");
        List<byte[]> payloads = new ArrayList<>();
        List<Long> positions = new ArrayList<>();
        long synced;
        try (GrowLog log = GrowLog.open(file, CONFIG)) {
            for (int i = 0; i < 30; i++) {
                payloads.add(Payloads.random(random, 0, 2000));
                positions.add(log.append(payloads.get(i)));
            }
            log.sync();
            synced = log.endPosition();
            assertThat(log.stats().syncedPosition()).isEqualTo(synced);
            for (int i = 0; i < 30; i++) {
                log.append(Payloads.random(random, 0, 2000));
            }
            LogFiles.copy(file, image);
        }
        long size = LogFiles.size(image);
        LogFiles.write(image, synced, Payloads.random(random.nextLong(), (int) (size - synced)));

        try (GrowLog log = GrowLog.open(image, CONFIG)) {
            RecoveryReport report = log.recoveryReport();
            assertThat(report.checkpoint()).isEqualTo(synced);
            assertThat(report.scannedFrom()).isEqualTo(synced);
            assertThat(report.tailCut()).isTrue();
            assertThat(log.endPosition()).isEqualTo(synced);
            assertThat(log.stats().records()).isEqualTo(30);
            assertRecords(log, payloads, positions);
        }
    }


    @Test
    void reopen_ofALogThatFillsItsFileExactly_scansFromTheCheckpointAtTheEnd() throws IOException {
        Path logDir = dir.resolve("full");
        GrowLogConfig config = GrowLogConfig.builder().initialSize(8192).pretouchAhead(0).build();
        try (GrowLog log = GrowLog.open(logDir, config)) {
            log.append(new byte[8192 - LogFiles.HEADER_SIZE - LogFiles.RECORD_HEADER]);
        }
        assertThat(LogFiles.size(logDir)).isEqualTo(8192);
        assertThat(DataFiles.list(logDir)).as("data files").containsOnlyKeys(0L);
        try (GrowLog log = GrowLog.open(logDir, config)) {
            RecoveryReport report = log.recoveryReport();
            assertThat(report.checkpoint()).isEqualTo(8192);
            assertThat(report.scannedFrom()).as("a checkpoint at the file's end is plausible").isEqualTo(8192);
            assertThat(report.recordsScanned()).isZero();
            assertThat(log.stats().records()).isEqualTo(1);
            assertThat(log.endPosition()).isEqualTo(8192);
        }
    }

    @Test
    void reopen_withATornCheckpointBlock_scansFromTheFirstRecord_andKeepsEverything(Random random)
            throws IOException {
        Crash crash = crash(25, random);
        LogFiles.flipByte(crash.image(), LogFiles.CHECKPOINT_CRC_OFFSET);

        try (GrowLog log = GrowLog.open(crash.image(), CONFIG)) {
            RecoveryReport report = log.recoveryReport();
            assertThat(report.scannedFrom()).isEqualTo(LogFiles.HEADER_SIZE);
            assertThat(report.recordsScanned()).isEqualTo(25);
            assertThat(report.tailCut()).isFalse();
            assertThat(log.stats().records()).isEqualTo(25);
            assertRecords(log, crash.payloads(), crash.positions());
        }
    }

    @Test
    void openReadOnly_ofACrashedLog_changesNothing_andReadsTheGoodRecords(Random random) throws IOException {
        Crash crash = crash(20, random);
        long cut = Damage.GARBLED_PAYLOAD_OF_LAST_RECORD.apply(crash);
        String before = LogFiles.sha256(crash.image());

        try (GrowLog log = GrowLog.openReadOnly(crash.image())) {
            assertThat(log.recoveryReport().tailCut()).isTrue();
            assertThat(log.recoveryReport().zeroedBytes()).isZero();
            assertThat(log.endPosition()).isEqualTo(cut);
            for (int i = 0; i < 19; i++) {
                assertThat(log.read(crash.positions().get(i))).isEqualTo(crash.payloads().get(i));
            }
        }
        assertThat(LogFiles.sha256(crash.image())).isEqualTo(before);
    }

    @Test
    void openReadOnly_ofALogTruncatedInsideAPage_followsTheWriterThatRecoversAndGrowsIt(Random random)
            throws IOException {
        Crash crash = crash(20, random);
        long cut = Damage.FILE_TRUNCATED_INSIDE_THE_LAST_RECORD.apply(crash);
        assertThat(LogFiles.size(crash.image()) % 4096).as("file size in whole pages").isNotZero();
        List<byte[]> payloads = new ArrayList<>(crash.payloads().subList(0, 19));
        List<Long> positions = new ArrayList<>(crash.positions().subList(0, 19));

        try (GrowLog follower = GrowLog.openReadOnly(crash.image())) {
            assertThat(follower.endPosition()).isEqualTo(cut);
            try (GrowLog writer = GrowLog.open(crash.image(), CONFIG)) {
                for (int i = 0; i < 100; i++) {
                    payloads.add(Payloads.random(random, 1000, 3000));
                    positions.add(writer.append(payloads.get(payloads.size() - 1)));
                }
                assertThat(writer.stats().growths()).isPositive();
                assertThat(follower.endPosition()).isEqualTo(writer.endPosition());
            }
            assertRecords(follower, payloads, positions);
        }
    }

    /** Exactly these records, by position and by a scan from the start. */
    static void assertRecords(GrowLog log, List<byte[]> payloads, List<Long> positions) throws IOException {
        for (int i = 0; i < payloads.size(); i++) {
            assertThat(log.read(positions.get(i))).as("record %d at %d", i, positions.get(i)).isEqualTo(payloads.get(i));
        }
        try (LogReader reader = log.reader(log.startPosition())) {
            for (int i = 0; i < payloads.size(); i++) {
                assertThat(reader.next()).as("record %d found by the scan", i).isTrue();
                assertThat(reader.position()).isEqualTo(positions.get(i));
                assertThat(reader.bytes()).isEqualTo(payloads.get(i));
            }
            assertThat(reader.next()).as("a record after the last one").isFalse();
        }
    }
}
