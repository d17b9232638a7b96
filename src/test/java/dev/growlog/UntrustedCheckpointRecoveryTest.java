package dev.growlog;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Recovery without a usable checkpoint cannot tell durable records from torn ones, so it must
 * keep every valid record and report the damage between them instead of cutting there.
 */
class UntrustedCheckpointRecoveryTest {
    @TempDir
    Path dir;

    @Test
    void open_withATornCheckpointBlockAndOneDamagedRecord_keepsTheValidRecordsAfterIt() throws Exception {
        Path file = dir.resolve("torn.glog");
        List<Long> positions = new ArrayList<>();
        try (GrowLog log = GrowLog.open(file)) {
            for (int i = 0; i < 300; i++) {
                positions.add(log.append(Samples.apache().get(i)));
            }
        }
        Corruption.flipBit(file, LogFiles.CHECKPOINT_OFFSET + 4, 1);                      // the checkpoint block is torn
        Corruption.flipBit(file, positions.get(100) + 20, 1); // and record 100 hit a bad sector
        try (GrowLog log = GrowLog.open(file)) {
            RecoveryReport report = log.recoveryReport();
            assertThat(report.cleanShutdown()).as("a torn block vouches for nothing").isFalse();
            assertThat(report.scannedFrom()).isEqualTo(log.startPosition());
            assertThat(report.tailCut()).isFalse();
            assertThat(report.damage()).singleElement().extracting(Damage::position).isEqualTo(positions.get(100));
            assertThat(report.summary()).contains("1 damaged range left in place");
            assertThat(log.verify().damage()).hasSize(1);
            assertThat(log.read(positions.get(200))).isEqualTo(Samples.apache().get(200));
            assertThat(log.read(positions.get(299))).isEqualTo(Samples.apache().get(299));
            assertThat(log.stats().records()).isEqualTo(299);
        }
        RepairReport repaired = GrowLog.repair(file, RepairMode.SKIP);
        assertThat(repaired.recordsKept()).isEqualTo(299);
        try (GrowLog log = GrowLog.open(file)) {
            assertThat(log.verify().clean()).isTrue();
            assertThat(log.recoveryReport().damage()).isEmpty();
        }
    }

    @Test
    void open_withATornCheckpointBlockAndATornTail_cutsOnlyTheTail() throws Exception {
        Path file = dir.resolve("tail.glog");
        List<Long> positions = new ArrayList<>();
        try (GrowLog log = GrowLog.open(file)) {
            for (int i = 0; i < 50; i++) {
                positions.add(log.append(Samples.apache().get(i)));
            }
        }
        Corruption.flipBit(file, LogFiles.CHECKPOINT_OFFSET + 4, 1);
        Corruption.flipBit(file, positions.get(49) + 20, 1); // the last record: nothing valid follows it
        try (GrowLog log = GrowLog.open(file)) {
            assertThat(log.recoveryReport().tailCut()).isTrue();
            assertThat(log.recoveryReport().damage()).isEmpty();
            assertThat(log.endPosition()).isEqualTo(positions.get(49));
            assertThat(log.read(positions.get(48))).isEqualTo(Samples.apache().get(48));
        }
    }
}
