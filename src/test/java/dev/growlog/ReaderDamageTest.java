package dev.growlog;

import dev.growlog.error.CorruptLogException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Damage in a file after the first is reported by {@code next()} and {@code forEach} at its
 * global position, with the offset in its file where the message gives one, after every good
 * record before it: a record that fails its checksum, a commit word zeroed below the writer's
 * end, a sealed file cut at a record boundary and one cut inside a record.
 */
class ReaderDamageTest {
    static final long SPAN = 128 * 1024;
    static final GrowLogConfig ROLLING = GrowLogConfig.builder().segmentSize(64 * 1024).rollSize(SPAN)
            .initialSize(8192).maxGrowthStep(64 * 1024).pretouchAhead(0).build();

    @TempDir
    Path dir;

    private final Map<Long, byte[]> written = new LinkedHashMap<>();

    /** Appends records until the writer is in file {@code files - 1}, with a dozen records there. */
    private void write(GrowLog log, int files) throws IOException {
        for (int i = 0; log.endPosition() / SPAN < files - 1 || recordsIn(files - 1).size() < 12; i++) {
            byte[] payload = Payloads.numbered(i, 100 + i * 37 % 900);
            written.put(log.append(payload), payload);
        }
    }

    private List<Long> recordsIn(long index) {
        return written.keySet().stream().filter(p -> p / SPAN == index).toList();
    }

    private List<Long> recordsBefore(long position) {
        return written.keySet().stream().filter(p -> p < position).toList();
    }

    private Path file(Path log, long index) {
        return LogFiles.dataFile(log, index, SPAN);
    }

    private Path closedLogOfThreeFiles() throws IOException {
        Path path = dir.resolve("log");
        try (GrowLog log = GrowLog.open(path, ROLLING)) {
            write(log, 3);
        }
        return path;
    }

    private static void truncate(Path file, long size) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size);
        }
    }

    /** What {@code next()} returns from the start until it throws; the exception must be a CorruptLogException. */
    private static CorruptLogException readUntilDamage(GrowLog log, List<Long> read) throws IOException {
        try (LogReader reader = log.reader(log.startPosition())) {
            while (reader.next()) {
                read.add(reader.position());
            }
        } catch (CorruptLogException expected) {
            return expected;
        }
        throw new AssertionError("no damage reported after " + read.size() + " records");
    }

    /** As {@link #readUntilDamage}, with {@code forEach}. */
    private static CorruptLogException scanUntilDamage(GrowLog log, List<Long> handled) throws IOException {
        try (LogReader reader = log.reader(log.startPosition())) {
            reader.forEach((position, payload) -> handled.add(position));
        } catch (CorruptLogException expected) {
            return expected;
        }
        throw new AssertionError("no damage reported after " + handled.size() + " records");
    }

    /** Both ways of reading report the damage at {@code position}, after every record before it. */
    private void assertReportedAt(GrowLog log, long position, String reason) throws IOException {
        List<Long> read = new ArrayList<>();
        CorruptLogException byNext = readUntilDamage(log, read);
        assertThat(read).as("records next() returned").containsExactlyElementsOf(recordsBefore(position));
        assertThat(byNext.position()).as("position reported by next()").isEqualTo(position);
        assertThat(byNext).hasMessageContaining(reason);

        List<Long> handled = new ArrayList<>();
        CorruptLogException byForEach = scanUntilDamage(log, handled);
        assertThat(handled).as("records forEach handled").containsExactlyElementsOf(recordsBefore(position));
        assertThat(byForEach.position()).as("position reported by forEach").isEqualTo(position);
        assertThat(byForEach).hasMessageContaining(reason);
    }

    @Test
    void aRecordFailingItsChecksum_inALaterFile_isReportedAtItsGlobalPosition() throws Exception {
        Path path = closedLogOfThreeFiles();
        long damaged = recordsIn(1).get(5);
        LogFiles.flipByte(file(path, 1), damaged % SPAN + LogFiles.RECORD_HEADER + 3);
        try (GrowLog log = GrowLog.openReadOnly(path)) {
            assertReportedAt(log, damaged, "checksum");
        }
    }

    @Test
    void aSealedLaterFileCutAtARecordBoundary_isReportedAtTheCut_withItsOffsetInTheFile() throws Exception {
        Path path = closedLogOfThreeFiles();
        long cut = recordsIn(1).get(7);
        truncate(file(path, 1), cut % SPAN);
        try (GrowLog log = GrowLog.openReadOnly(path)) {
            assertReportedAt(log, cut, "ends at offset " + (cut - SPAN) + " before its span end " + SPAN);
        }
    }

    @Test
    void aSealedLaterFileCutInsideARecord_isReportedAtThatRecord_asRunningPastTheEndOfTheFile() throws Exception {
        Path path = closedLogOfThreeFiles();
        long cut = recordsIn(1).get(7);
        truncate(file(path, 1), cut % SPAN + LogFiles.RECORD_HEADER + written.get(cut).length / 2);
        try (GrowLog log = GrowLog.openReadOnly(path)) {
            assertReportedAt(log, cut, "record runs past the end of the file");
        }
    }

    @Test
    void aCommitWordZeroedBelowTheWritersEnd_inALaterFile_isDamage_notTheEndOfTheLog() throws Exception {
        Path path = dir.resolve("log");
        try (GrowLog log = GrowLog.open(path, ROLLING)) {
            write(log, 2);
            long zeroed = recordsIn(1).get(6);
            LogFiles.writeInt(file(path, 1), zeroed % SPAN, 0); // the writer's file, through its shared pages
            assertReportedAt(log, zeroed, "zero commit word below the end of the log");
        }
    }
}
