package dev.growlog.internal.chain;

import dev.growlog.FaultySyscalls;
import dev.growlog.GrowLog;
import dev.growlog.GrowLogConfig;
import dev.growlog.GrowLogHooks;
import dev.growlog.LogFiles;
import dev.growlog.Payloads;
import dev.growlog.error.CorruptLogException;
import dev.growlog.error.NativeCallException;
import dev.growlog.internal.chain.StateFile;
import dev.growlog.internal.nativeio.Syscalls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The start file is a {@link StateFile}: a start written survives, a write torn by a crash (a
 * garbled newest slot) leaves the start before it, never a later one, damage to both slots is
 * reported naming the file, and a start that could not be written changes nothing: the log
 * keeps its start and its files, and the next truncation works.
 */
class StartFileTest {
    private static final long LOG_ID = 0x1234_5678_9abcL;
    private static final Syscalls SYS = Syscalls.libc();

    @TempDir
    Path dir;

    @Test
    void read_withoutAStartFile_isMinusOne() throws IOException {
        assertThat(StartFile.read(dir, LOG_ID, SYS)).isEqualTo(-1);
    }

    @Test
    void write_thenRead_givesTheLatestStart_inAFileOfTwoSlots() throws IOException {
        StartFile.write(dir, LOG_ID, 4096, SYS);
        assertThat(StartFile.read(dir, LOG_ID, SYS)).isEqualTo(4096);
        StartFile.write(dir, LOG_ID, 8192, SYS);
        StartFile.write(dir, LOG_ID, 1 << 20, SYS);
        assertThat(StartFile.read(dir, LOG_ID, SYS)).isEqualTo(1 << 20);
        assertThat(Files.size(dir.resolve(StartFile.NAME))).isEqualTo(StateFile.FILE_SIZE);
        assertThat(DataFiles.temporary(dir)).as("temporary files left").isEmpty();
    }

    @Test
    void aTornNewestSlot_leavesTheStartBeforeIt_andTheNextWriteGoesOn() throws IOException {
        StartFile.write(dir, LOG_ID, 4096, SYS); // sequence 0 and 1, both 4096
        StartFile.write(dir, LOG_ID, 8192, SYS); // sequence 2, slot 0
        garble(0);
        assertThat(StartFile.read(dir, LOG_ID, SYS)).as("the slot before the torn one").isEqualTo(4096);
        StartFile.write(dir, LOG_ID, 12288, SYS);
        assertThat(StartFile.read(dir, LOG_ID, SYS)).isEqualTo(12288);
    }

    @Test
    void bothSlotsDamaged_isReportedAsCorrupt_namingTheFile() throws IOException {
        StartFile.write(dir, LOG_ID, 4096, SYS);
        garble(0);
        garble(1);
        assertThatThrownBy(() -> StartFile.read(dir, LOG_ID, SYS)).isInstanceOf(CorruptLogException.class)
                .hasMessageContaining(dir.resolve(StartFile.NAME).toString()).hasMessageContaining("no valid slot");
    }

    @Test
    void theStartFileOfAnotherLog_isRefused() throws IOException {
        StartFile.write(dir, LOG_ID, 4096, SYS);
        assertThatThrownBy(() -> StartFile.read(dir, LOG_ID + 1, SYS)).isInstanceOf(CorruptLogException.class)
                .hasMessageContaining("belongs to another log");
        assertThatThrownBy(() -> StartFile.write(dir, LOG_ID + 1, 8192, SYS))
                .isInstanceOf(CorruptLogException.class);
        assertThat(StartFile.read(dir, LOG_ID, SYS)).isEqualTo(4096);
    }

    @Test
    void aLogWhoseNewestStartIsTorn_opensAtTheStartBefore_withItsRecords() throws IOException {
        Path path = dir.resolve("log");
        List<Long> positions = new ArrayList<>();
        try (GrowLog log = GrowLog.open(path)) {
            for (int i = 0; i < 10; i++) {
                positions.add(log.append(Payloads.numbered(i, 100)));
            }
            log.truncateBefore(positions.get(2)); // creates the file: sequences 0 and 1
            log.truncateBefore(positions.get(5)); // sequence 2, slot 0
        }
        Path file = path.resolve(StartFile.NAME);
        LogFiles.flipByte(file, 20); // a byte of slot 0's payload: as a write torn by a crash
        try (GrowLog reopened = GrowLog.open(path)) {
            assertThat(reopened.startPosition()).isEqualTo(positions.get(2));
            assertThat(Payloads.numberOf(reopened.read(positions.get(2)))).isEqualTo(2);
            reopened.truncateBefore(positions.get(7));
        }
        try (GrowLog reopened = GrowLog.openReadOnly(path)) {
            assertThat(reopened.startPosition()).isEqualTo(positions.get(7));
        }
    }

    @Test
    void aStartWriteThatFails_changesNothing_andTheNextTruncationWorks() throws IOException {
        FaultySyscalls sys = new FaultySyscalls();
        Path path = dir.resolve("log");
        List<Long> positions = new ArrayList<>();
        try (GrowLog log = GrowLogHooks.open(path, GrowLogConfig.defaults(), sys)) {
            for (int i = 0; i < 10; i++) {
                positions.add(log.append(Payloads.numbered(i, 100)));
            }
            log.truncateBefore(positions.get(2));
            sys.failNth(FaultySyscalls.Call.FDATASYNC, 1, "EIO"); // the start file's, after its pwrite
            assertThatThrownBy(() -> log.truncateBefore(positions.get(5))).isInstanceOf(NativeCallException.class)
                    .hasMessageContaining("fdatasync").hasMessageContaining(StartFile.NAME);
            assertThat(log.startPosition()).isEqualTo(positions.get(2));
            assertThat(Payloads.numberOf(log.read(positions.get(3)))).isEqualTo(3);
            assertThat(StartFile.read(path, LogFiles.readLong(path, LogFiles.LOG_ID_OFFSET), SYS))
                    .as("the failed write's slot was made invalid").isEqualTo(positions.get(2));
            log.truncateBefore(positions.get(6));
            assertThat(log.startPosition()).isEqualTo(positions.get(6));
            assertThat(log.append(Payloads.numbered(10, 100))).isGreaterThan(positions.get(9));
        }
        try (GrowLog reopened = GrowLog.open(path)) {
            assertThat(reopened.startPosition()).isEqualTo(positions.get(6));
        }
    }

    /** Flips a byte inside the payload of slot {@code slot}, so that its CRC32C fails. */
    private void garble(int slot) {
        LogFiles.flipByte(dir.resolve(StartFile.NAME), (long) slot * StateFile.SLOT_SIZE + 20);
    }
}
