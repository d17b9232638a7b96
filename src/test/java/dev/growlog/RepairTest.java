package dev.growlog;

import dev.growlog.error.CorruptLogException;
import dev.growlog.error.LogLockedException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * verify() and the explicit repairs on a closed log with one damaged record in the middle.
 * A crash during a repair is not simulated here: it needs a process killed inside the repair.
 */
class RepairTest {
    static final int RECORDS = 300;
    /** Small segments, so the log has padding records too. */
    static final GrowLogConfig CONFIG = GrowLogConfig.builder().segmentSize(64 * 1024).initialSize(64 * 1024).build();

    @TempDir
    Path dir;

    private Path file;
    private final List<Long> positions = new ArrayList<>();
    private final List<byte[]> payloads = new ArrayList<>();

    @BeforeEach
    void writeLog() throws IOException {
        file = dir.resolve("damaged.glog");
        try (GrowLog log = GrowLog.open(file, CONFIG)) {
            for (int i = 0; i < RECORDS; i++) {
                byte[] line = Samples.apache().get(i);
                positions.add(log.append(line));
                payloads.add(line);
            }
        }
    }

    /** Flips a bit in the middle of record {@code index}'s payload. */
    private long damagePayloadOf(int index) throws IOException {
        long position = positions.get(index);
        Corruption.flipBit(file, position + 8 + payloads.get(index).length / 2, 3);
        return position;
    }

    private List<Long> scan(GrowLog log) throws IOException {
        List<Long> scanned = new ArrayList<>();
        try (LogReader reader = log.reader(log.startPosition())) {
            while (reader.next()) {
                int index = positions.indexOf(reader.position());
                assertThat(index).as("a record position as written: %d", reader.position()).isNotNegative();
                assertThat(reader.bytes()).isEqualTo(payloads.get(index));
                scanned.add(reader.position());
            }
        }
        return scanned;
    }

    @Test
    void verify_onALogWithOneFlippedPayloadBit_reportsExactlyThatRecord_andCountsTheOthers() throws Exception {
        int damaged = 150;
        long position = damagePayloadOf(damaged);
        try (GrowLog log = GrowLog.open(file)) {
            VerifyReport report = log.verify();
            assertThat(report.damage()).hasSize(1);
            Damage damage = report.damage().get(0);
            assertThat(damage.position()).isEqualTo(position);
            assertThat(damage.length()).isEqualTo(positions.get(damaged + 1) - position);
            assertThat(damage.reason()).contains("checksum");
            assertThat(report.records()).isEqualTo(RECORDS - 1);
            assertThat(report.clean()).isFalse();

            assertThatThrownBy(() -> log.read(position)).isInstanceOf(CorruptLogException.class)
                    .satisfies(e -> assertThat(((CorruptLogException) e).position()).isEqualTo(position));
            try (LogReader reader = log.reader(log.startPosition())) {
                for (int i = 0; i < damaged; i++) {
                    assertThat(reader.next()).isTrue();
                }
                assertThatThrownBy(reader::next).isInstanceOf(CorruptLogException.class);
            }
        }
    }

    @Test
    void repairSkip_keepsEveryOtherRecordAtItsPosition_andReadersPassTheDamagedOne() throws Exception {
        int damaged = 150;
        long position = damagePayloadOf(damaged);
        long endBefore;
        try (GrowLog log = GrowLog.openReadOnly(file)) {
            endBefore = log.endPosition();
        }

        RepairReport report = GrowLog.repair(file, RepairMode.SKIP);

        assertThat(report.damage()).extracting(Damage::position).containsExactly(position);
        assertThat(report.recordsKept()).isEqualTo(RECORDS - 1);
        assertThat(report.recordsDropped()).isZero();
        assertThat(report.endBefore()).isEqualTo(endBefore);
        assertThat(report.endAfter()).isEqualTo(endBefore);
        try (GrowLog log = GrowLog.open(file)) {
            assertThat(log.verify().clean()).isTrue();
            assertThat(log.stats().records()).isEqualTo(RECORDS - 1);
            List<Long> expected = new ArrayList<>(positions);
            expected.remove(damaged);
            assertThat(scan(log)).isEqualTo(expected);
            for (int i = 0; i < RECORDS; i++) {
                if (i != damaged) {
                    assertThat(log.read(positions.get(i))).isEqualTo(payloads.get(i));
                }
            }
            assertThatThrownBy(() -> log.read(position)).isInstanceOf(IllegalArgumentException.class);
            long next = log.append(payloads.get(0));
            assertThat(next).isEqualTo(endBefore);
        }
    }

    @Test
    void repairTruncate_cutsAtTheDamagedRecord_andReportsTheValidRecordsDropped() throws Exception {
        int damaged = 150;
        long position = damagePayloadOf(damaged);

        RepairReport report = GrowLog.repair(file, RepairMode.TRUNCATE);

        assertThat(report.damage()).extracting(Damage::position).containsExactly(position);
        assertThat(report.recordsKept()).isEqualTo(damaged);
        assertThat(report.recordsDropped()).isEqualTo(RECORDS - damaged - 1);
        assertThat(report.endAfter()).isEqualTo(position);
        assertThat(report.summary()).contains("dropped " + (RECORDS - damaged - 1));
        try (GrowLog log = GrowLog.open(file)) {
            assertThat(log.endPosition()).isEqualTo(position);
            assertThat(log.verify().clean()).isTrue();
            assertThat(scan(log)).isEqualTo(positions.subList(0, damaged));
            assertThat(log.append(payloads.get(0))).isEqualTo(position);
        }
        try (GrowLog log = GrowLog.open(file)) {
            assertThat(log.stats().records()).isEqualTo(damaged + 1);
            assertThat(log.read(position)).isEqualTo(payloads.get(0));
        }
    }

    /** Zeroes record {@code index}'s commit word: a committed record now reads as "nothing written here". */
    private long zeroCommitWordOf(int index) throws IOException {
        long position = positions.get(index);
        try (FileChannel channel = FileChannel.open(LogFiles.first(file), StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.allocate(4), position);
        }
        return position;
    }

    @Test
    void readersAndTailers_atAZeroedRecordBeforeTheEnd_reportIt_insteadOfStoppingAsIfAtTheEnd() throws Exception {
        int damaged = 150;
        long position = zeroCommitWordOf(damaged);
        try (GrowLog log = GrowLog.open(file)) {
            assertThat(log.verify().damage()).extracting(Damage::position).containsExactly(position);
            try (LogReader reader = log.reader(log.startPosition())) {
                for (int i = 0; i < damaged; i++) {
                    assertThat(reader.next()).isTrue();
                }
                assertThatThrownBy(reader::next).isInstanceOf(CorruptLogException.class)
                        .hasMessageContaining("zero commit word");
            }
            // In the writer's process a tailer would otherwise spin at the hole for as long as it polls.
            try (Tailer tailer = log.tailer(positions.get(damaged - 1))) {
                assertThat(tailer.poll(1, TimeUnit.SECONDS)).isTrue();
                assertThatThrownBy(() -> tailer.poll(10, TimeUnit.SECONDS)).isInstanceOf(CorruptLogException.class);
            }
        }
        try (GrowLog log = GrowLog.openReadOnly(file); Tailer tailer = log.tailer(positions.get(damaged - 1))) {
            assertThat(tailer.poll(1, TimeUnit.SECONDS)).isTrue();
            assertThatThrownBy(() -> tailer.poll(10, TimeUnit.SECONDS)).isInstanceOf(CorruptLogException.class)
                    .satisfies(e -> assertThat(((CorruptLogException) e).position()).isEqualTo(position));
            try (LogReader reader = log.reader(positions.get(damaged - 1))) {
                assertThatThrownBy(() -> reader.forEach((p, payload) -> { })).isInstanceOf(CorruptLogException.class);
            }
        }

        RepairReport report = GrowLog.repair(file, RepairMode.SKIP);
        assertThat(report.damage()).extracting(Damage::position).containsExactly(position);
        try (GrowLog log = GrowLog.open(file)) {
            List<Long> expected = new ArrayList<>(positions);
            expected.remove(damaged);
            assertThat(scan(log)).isEqualTo(expected);
        }
    }

    @Test
    void theFirstRecordDamaged_isCorruption_notABadPosition_forReadersAndReads() throws Exception {
        long start = damagePayloadOf(0);
        try (GrowLog log = GrowLog.openReadOnly(file); LogReader reader = log.reader(log.startPosition())) {
            assertThatThrownBy(reader::next).isInstanceOf(CorruptLogException.class);
            assertThatThrownBy(() -> log.read(start)).isInstanceOf(CorruptLogException.class);
        }
        zeroCommitWordOf(0);
        try (GrowLog log = GrowLog.openReadOnly(file); LogReader reader = log.reader(log.startPosition())) {
            assertThatThrownBy(reader::next).isInstanceOf(CorruptLogException.class);
            assertThatThrownBy(() -> log.read(start)).isInstanceOf(CorruptLogException.class);
            // Elsewhere a position without a record is the caller's mistake.
            assertThatThrownBy(() -> log.read(positions.get(1) + 8)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void repairingACleanLog_changesNotOneByte_inEitherMode() throws Exception {
        byte[] before = Files.readAllBytes(LogFiles.first(file));
        for (RepairMode mode : RepairMode.values()) {
            RepairReport report = GrowLog.repair(file, mode);
            assertThat(report.damage()).isEmpty();
            assertThat(report.recordsKept()).isEqualTo(RECORDS);
            assertThat(report.recordsDropped()).isZero();
            assertThat(report.endAfter()).isEqualTo(report.endBefore());
            assertThat(Files.readAllBytes(LogFiles.first(file))).as("the file after a %s repair", mode).isEqualTo(before);
        }
    }

    @Test
    void repair_ofALogThatIsOpenForWriting_isRefused() throws Exception {
        try (GrowLog log = GrowLog.open(file)) {
            assertThatThrownBy(() -> GrowLog.repair(file, RepairMode.SKIP)).isInstanceOf(LogLockedException.class);
            assertThat(log.verify().clean()).isTrue();
        }
    }
}
