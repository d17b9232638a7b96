package dev.growlog;

import dev.growlog.error.CorruptLogException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A record damaged before the checkpoint (after a sync or a clean close) is not a torn tail:
 * recovery leaves it alone, and reading it is a {@link CorruptLogException} that names the file
 * and the position. Its bytes are never returned, and the records around it still are.
 */
@ExtendWith(Seeded.class)
class CorruptRecordTest {
    private static final GrowLogConfig CONFIG = GrowLogConfig.builder()
            .segmentSize(64 * 1024).initialSize(8192).maxGrowthStep(64 * 1024).build();
    private static final int RECORDS = 30;
    private static final int DAMAGED = 15;

    @TempDir
    Path dir;

    private final List<byte[]> payloads = new ArrayList<>();
    private final List<Long> positions = new ArrayList<>();

    /** Writes {@link #RECORDS} random records (at least 16 bytes each) and closes the log cleanly. */
    private Path closedLog(Random random) throws IOException {
        Path file = dir.resolve("middle.glog");
        try (GrowLog log = GrowLog.open(file, CONFIG)) {
            for (int i = 0; i < RECORDS; i++) {
                payloads.add(Payloads.random(random, 16, 6000));
                positions.add(log.append(payloads.get(i)));
            }
        }
        return file;
    }

    private long damaged() {
        return positions.get(DAMAGED);
    }

    @Test
    void read_ofARecordWithAFlippedPayloadByte_throwsCorruptLogExceptionNamingFileAndPosition(Random random)
            throws IOException {
        Path file = closedLog(random);
        LogFiles.flipByte(file, damaged() + LogFiles.RECORD_HEADER + payloads.get(DAMAGED).length / 2);

        try (GrowLog log = GrowLog.open(file, CONFIG)) {
            assertThat(log.recoveryReport().tailCut()).as("damage before the checkpoint is no torn tail").isFalse();
            assertThat(log.endPosition()).isEqualTo(positions.get(RECORDS - 1)
                    + LogFiles.recordSize(payloads.get(RECORDS - 1).length));

            CorruptLogException e = catchCorrupt(() -> log.read(damaged()));
            assertThat(e.position()).isEqualTo(damaged());
            assertThat(e.file()).isEqualTo(LogFiles.first(file).toAbsolutePath());
            assertThat(e.getMessage()).contains(file.getFileName().toString()).contains(Long.toString(damaged()));

            for (int i = 0; i < RECORDS; i++) {
                if (i != DAMAGED) {
                    assertThat(log.read(positions.get(i))).as("record %d", i).isEqualTo(payloads.get(i));
                }
            }
        }
    }

    @Test
    void scan_overARecordWithAFlippedPayloadByte_returnsTheRecordsBeforeIt_thenThrowsAtIt(Random random)
            throws IOException {
        Path file = closedLog(random);
        LogFiles.flipByte(file, damaged() + LogFiles.RECORD_HEADER + payloads.get(DAMAGED).length - 1);

        try (GrowLog log = GrowLog.open(file, CONFIG)) {
            assertScanStopsAtTheDamage(log);
        }
        try (GrowLog log = GrowLog.openReadOnly(file)) {
            assertScanStopsAtTheDamage(log);
            assertThat(catchCorrupt(() -> log.read(damaged())).position()).isEqualTo(damaged());
        }
    }

    /** The zero-copy paths check each record's CRC32C in place, as the copying ones do. */
    @Test
    void forEachAndZeroCopyRead_overARecordWithAFlippedPayloadByte_handTheRecordsBeforeIt_thenThrowAtIt(
            Random random) throws IOException {
        Path file = closedLog(random);
        LogFiles.flipByte(file, damaged() + LogFiles.RECORD_HEADER + payloads.get(DAMAGED).length / 3);

        try (GrowLog log = GrowLog.open(file, CONFIG)) {
            assertForEachStopsAtTheDamage(log);
            assertThat(catchCorrupt(() -> log.read(damaged(), (p, payload) -> {
                throw new AssertionError("the damaged record at " + p + " was handed to a handler");
            })).position()).isEqualTo(damaged());
        }
        try (GrowLog log = GrowLog.openReadOnly(file)) {
            assertForEachStopsAtTheDamage(log);
        }
    }

    @Test
    void scan_overARecordWithADamagedCommitWord_throwsAtIt_andRandomReadRefusesIt(Random random)
            throws IOException {
        Path file = closedLog(random);
        LogFiles.writeInt(file, damaged(), 0xC000_0010);

        try (GrowLog log = GrowLog.open(file, CONFIG)) {
            assertScanStopsAtTheDamage(log);
            // A random read cannot tell a damaged commit word from a position that is not a
            // record; either answer is a clear refusal, never data.
            Throwable e = catchThrowable(() -> log.read(damaged()));
            assertThat(e).isInstanceOfAny(CorruptLogException.class, IllegalArgumentException.class)
                    .hasMessageContaining(Long.toString(damaged()));
            assertThat(log.read(positions.get(DAMAGED + 1))).isEqualTo(payloads.get(DAMAGED + 1));
        }
    }

    /**
     * A zero commit word means "nothing written here yet", but inside committed data it can only
     * be damage: a scan that took it for the end would silently lose every record after it.
     */
    @Test
    void scan_overARecordWhoseCommitWordWasZeroed_throwsAtIt_insteadOfEndingEarly(Random random)
            throws IOException {
        Path file = closedLog(random);
        LogFiles.writeInt(file, damaged(), 0);

        try (GrowLog log = GrowLog.open(file, CONFIG)) {
            assertScanStopsAtTheDamage(log);
            assertThat(log.read(positions.get(DAMAGED + 1))).isEqualTo(payloads.get(DAMAGED + 1));
        }
        try (GrowLog log = GrowLog.openReadOnly(file)) {
            assertScanStopsAtTheDamage(log);
        }
    }

    /** The start position is a record position by definition: damage there is damage, not a bad argument. */
    @Test
    void scan_fromTheStart_overADamagedFirstRecord_throwsCorruptLogException(Random random) throws IOException {
        Path file = closedLog(random);
        long first = positions.get(0);
        LogFiles.writeInt(file, first, 0xC000_0010);

        try (GrowLog log = GrowLog.open(file, CONFIG); LogReader reader = log.reader(log.startPosition())) {
            assertThat(catchCorrupt(reader::next).position()).isEqualTo(first);
        }
        LogFiles.writeInt(file, first, 0);
        try (GrowLog log = GrowLog.open(file, CONFIG); LogReader reader = log.reader(log.startPosition())) {
            assertThat(catchCorrupt(reader::next).position()).isEqualTo(first);
        }
    }

    @Test
    void read_ofADamagedRecord_beforeTheLastSync_ofACrashedLog_isReportedNotCut(Random random) throws IOException {
        Path file = dir.resolve("synced.glog");
        Path image = dir.resolve("crashed.glog");
        try (GrowLog log = GrowLog.open(file, CONFIG)) {
            for (int i = 0; i < RECORDS; i++) {
                payloads.add(Payloads.random(random, 16, 3000));
                positions.add(log.append(payloads.get(i)));
            }
            log.sync();
            LogFiles.copy(file, image);
        }
        LogFiles.flipByte(image, damaged() + LogFiles.RECORD_HEADER);

        try (GrowLog log = GrowLog.open(image, CONFIG)) {
            assertThat(log.recoveryReport().cleanShutdown()).isFalse();
            assertThat(log.recoveryReport().tailCut()).isFalse();
            assertThat(log.stats().records()).isEqualTo(RECORDS);
            assertThat(catchCorrupt(() -> log.read(damaged())).position()).isEqualTo(damaged());
            assertScanStopsAtTheDamage(log);

            // The log stays appendable; the damage stays reported.
            long next = log.append(new byte[] {1, 2, 3});
            assertThat(log.read(next)).containsExactly(1, 2, 3);
            assertThat(catchCorrupt(() -> log.read(damaged())).position()).isEqualTo(damaged());
        }
    }

    @Test
    void scan_overADamagedPaddingRecord_throwsAtThePadding() throws IOException {
        Path file = dir.resolve("padding.glog");
        long padding;
        long after;
        try (GrowLog log = GrowLog.open(file, CONFIG)) {
            log.append(new byte[40_000]);
            padding = log.endPosition();
            after = log.append(new byte[40_000]);
        }
        assertThat(after).isEqualTo(64 * 1024);
        LogFiles.flipByte(file, padding + LogFiles.CRC_OFFSET);

        try (GrowLog log = GrowLog.open(file, CONFIG); LogReader reader = log.reader(log.startPosition())) {
            assertThat(reader.next()).isTrue();
            CorruptLogException e = catchCorrupt(reader::next);
            assertThat(e.position()).isEqualTo(padding);
            assertThat(log.read(after)).hasSize(40_000);
        }
    }

    /** A scan returns exactly the records before the damage, then throws there, again and again. */
    private void assertScanStopsAtTheDamage(GrowLog log) throws IOException {
        try (LogReader reader = log.reader(log.startPosition())) {
            for (int i = 0; i < DAMAGED; i++) {
                assertThat(reader.next()).isTrue();
                assertThat(reader.position()).isEqualTo(positions.get(i));
                assertThat(reader.bytes()).isEqualTo(payloads.get(i));
            }
            for (int attempt = 0; attempt < 2; attempt++) {
                CorruptLogException e = catchCorrupt(reader::next);
                assertThat(e.position()).isEqualTo(damaged());
                assertThat(e.getMessage()).contains(LogFiles.dataFile(log, 0).toString());
                // After the failure the reader offers the last good record or none, never the
                // damaged bytes (which its buffer may hold by now).
                Throwable noCurrent = catchThrowable(reader::bytes);
                if (noCurrent == null) {
                    assertThat(reader.bytes()).as("current record after the failure")
                            .isEqualTo(payloads.get(DAMAGED - 1));
                    assertThat(reader.position()).isEqualTo(positions.get(DAMAGED - 1));
                } else {
                    assertThat(noCurrent).isInstanceOf(IllegalStateException.class);
                    assertThatThrownBy(reader::payload).isInstanceOf(IllegalStateException.class);
                }
            }
        }
    }

    /** A zero-copy scan hands exactly the records before the damage, then throws there. */
    private void assertForEachStopsAtTheDamage(GrowLog log) throws IOException {
        try (LogReader reader = log.reader(log.startPosition())) {
            List<byte[]> handed = new ArrayList<>();
            List<Long> at = new ArrayList<>();
            CorruptLogException e = catchCorrupt(() -> reader.forEach((position, payload) -> {
                byte[] copy = new byte[payload.remaining()];
                payload.duplicate().get(copy);
                handed.add(copy);
                at.add(position);
            }));
            assertThat(e.position()).isEqualTo(damaged());
            assertThat(at).containsExactlyElementsOf(positions.subList(0, DAMAGED));
            for (int i = 0; i < DAMAGED; i++) {
                assertThat(handed.get(i)).as("record %d", i).isEqualTo(payloads.get(i));
            }
        }
    }

    private static CorruptLogException catchCorrupt(ThrowingCallable call) {
        Throwable thrown = catchThrowable(call);
        assertThat(thrown).isInstanceOf(CorruptLogException.class);
        return (CorruptLogException) thrown;
    }
}
