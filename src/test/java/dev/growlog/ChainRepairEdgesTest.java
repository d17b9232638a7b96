package dev.growlog;

import dev.growlog.error.CorruptLogException;
import dev.growlog.internal.chain.ChainRepairer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The edges of a repair across files: damage that ends exactly where the log starts, damage
 * after a start inside a file, missing files (what they become, what the report says of them),
 * a file that does not belong, how many files the report counts and what it says of a sealed
 * file whose end was lost.
 */
class ChainRepairEdgesTest {
    static final long SPAN = ChainRepairTest.SPAN;
    static final GrowLogConfig ROLLING = ChainRepairTest.ROLLING;
    static final long HEADER = LogFiles.HEADER_SIZE;

    @TempDir
    Path dir;

    private Path path;
    /** Every record written, by position, in order. */
    private final Map<Long, byte[]> written = new LinkedHashMap<>();

    @BeforeEach
    void writeLog() throws IOException {
        path = dir.resolve("chain");
        written.putAll(ChainRepairTest.writeChain(path));
        assertThat(dataFiles()).as("files of the log").hasSizeGreaterThanOrEqualTo(6);
    }

    private List<String> dataFiles() throws IOException {
        try (Stream<Path> files = Files.list(path)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".glog")).sorted().toList();
        }
    }

    /** The n-th record (0-based) that lies in file {@code index}. */
    private long recordInFile(long index, int n) {
        return written.keySet().stream().filter(p -> p / SPAN == index).skip(n).findFirst().orElseThrow();
    }

    /** Where appends went on after the last record written: independent of the log's own end. */
    private long endOfWritten() {
        long last = new ArrayList<>(written.keySet()).get(written.size() - 1);
        return last + LogFiles.recordSize(written.get(last).length);
    }

    private void damagePayloadAt(long position) throws IOException {
        Corruption.flipBit(LogFiles.dataFile(path, position / SPAN, SPAN),
                position % SPAN + 8 + written.get(position).length / 2, 3);
    }

    /** The bytes of {@code [from, to)}, global positions in one file. */
    private byte[] bytes(long from, long to) {
        return LogFiles.read(LogFiles.dataFile(path, from / SPAN, SPAN), from % SPAN, Math.toIntExact(to - from));
    }

    private List<Long> readAll(GrowLog log) throws IOException {
        List<Long> read = new ArrayList<>();
        try (LogReader reader = log.reader(log.startPosition())) {
            while (reader.next()) {
                assertThat(reader.bytes()).as("record at %d", reader.position())
                        .isEqualTo(written.get(reader.position()));
                read.add(reader.position());
            }
        }
        return read;
    }

    /**
     * Valid records in the files from file {@code index} on, but for {@code invalid}: what a
     * repair counts as kept, as stats count records (a file's records before the start included).
     */
    private long recordsInFilesFrom(long index, int invalid) {
        return written.keySet().stream().filter(p -> p / SPAN >= index).count() - invalid;
    }

    /** Moves the log's start to {@code start}, a record in the middle of a sealed file. */
    private void startAt(long start) throws IOException {
        try (GrowLog log = GrowLog.open(path, ROLLING)) {
            log.truncateBefore(start);
        }
        written.keySet().removeIf(p -> p < start);
    }

    @Test
    void repairSkip_leavesDamageThatEndsRightAtTheStartUntouched_andSkipsDamageAfterTheStart() throws Exception {
        long beforeStart = recordInFile(2, 8);
        long start = recordInFile(2, 9);
        List<Long> damaged = List.of(recordInFile(2, 12), recordInFile(3, 0));
        byte[] beforeStartPayload = written.get(beforeStart);
        long kept = recordsInFilesFrom(2, 3);
        startAt(start);
        Corruption.flipBit(LogFiles.dataFile(path, 2, SPAN), beforeStart % SPAN + 8 + beforeStartPayload.length / 2,
                3);
        for (long position : damaged) {
            damagePayloadAt(position);
        }
        byte[] untouched = bytes(beforeStart, start);

        RepairReport report = GrowLog.repair(path, RepairMode.SKIP);

        assertThat(report.damage()).as("the damaged record just before the start is not the log's")
                .extracting(Damage::position).containsExactlyElementsOf(damaged);
        assertThat(report.filesDamaged()).isEqualTo(2);
        assertThat(bytes(beforeStart, start)).as("the damage before the start, left as it was").isEqualTo(untouched);
        assertThat(report.recordsKept()).isEqualTo(kept);
        damaged.forEach(written::remove);
        try (GrowLog log = GrowLog.open(path, ROLLING)) {
            assertThat(log.startPosition()).isEqualTo(start);
            assertThat(log.stats().records()).isEqualTo(kept);
            assertThat(log.verify().clean()).isTrue();
            assertThat(readAll(log)).containsExactlyElementsOf(written.keySet());
        }
    }

    @Test
    void repairTruncate_ofDamageThatEndsRightAtTheStart_cutsNothing_andDeletesNoFile() throws Exception {
        long beforeStart = recordInFile(2, 8);
        long start = recordInFile(2, 9);
        byte[] beforeStartPayload = written.get(beforeStart);
        long kept = recordsInFilesFrom(2, 1);
        startAt(start);
        Corruption.flipBit(LogFiles.dataFile(path, 2, SPAN), beforeStart % SPAN + 8 + beforeStartPayload.length / 2,
                3);
        List<String> files = dataFiles();

        RepairReport report = GrowLog.repair(path, RepairMode.TRUNCATE);

        assertThat(report.damage()).isEmpty();
        assertThat(report.filesDeleted()).isZero();
        assertThat(report.recordsKept()).isEqualTo(kept);
        assertThat(report.endBefore()).isEqualTo(endOfWritten());
        assertThat(report.endAfter()).isEqualTo(endOfWritten());
        assertThat(dataFiles()).isEqualTo(files);
        try (GrowLog log = GrowLog.open(path, ROLLING)) {
            assertThat(readAll(log)).containsExactlyElementsOf(written.keySet());
        }
    }

    @Test
    void repairTruncate_ofDamageAfterAStartInsideASealedFile_cutsAtTheDamage() throws Exception {
        long start = recordInFile(2, 9);
        long damaged = recordInFile(2, 12);
        startAt(start);
        damagePayloadAt(damaged);

        RepairReport report = GrowLog.repair(path, RepairMode.TRUNCATE);

        assertThat(report.damage()).extracting(Damage::position).containsExactly(damaged);
        assertThat(report.endAfter()).isEqualTo(damaged);
        assertThat(dataFiles()).containsExactly(LogFiles.dataFileName(2 * SPAN));
        assertThat(report.recordsKept()).as("the file's records before the damage, as stats count them")
                .isEqualTo(12);
        written.keySet().removeIf(p -> p >= damaged);
        try (GrowLog log = GrowLog.open(path, ROLLING)) {
            assertThat(readAll(log)).containsExactlyElementsOf(written.keySet());
            assertThat(log.endPosition()).isEqualTo(damaged);
        }
    }

    @Test
    void repairTruncate_ofAMissingMiddleFile_reportsTheWholeFileAsOneRange_andTheLogsEndBeforeTheRepair()
            throws Exception {
        Files.delete(LogFiles.dataFile(path, 2, SPAN));
        int files = dataFiles().size();

        RepairReport report = GrowLog.repair(path, RepairMode.TRUNCATE);

        assertThat(report.damage()).hasSize(1);
        Damage missing = report.damage().get(0);
        assertThat(missing.position()).isEqualTo(2 * SPAN + HEADER);
        assertThat(missing.length()).as("every record position of the file").isEqualTo(SPAN - HEADER);
        assertThat(missing.reason()).contains(LogFiles.dataFileName(2 * SPAN)).contains("missing")
                .contains("the log was cut before it");
        assertThat(report.endBefore()).as("where the last file, deleted by the repair, ended")
                .isEqualTo(endOfWritten());
        assertThat(report.endAfter()).as("the end of the sealed file before the gap").isEqualTo(2 * SPAN);
        assertThat(report.filesDeleted()).isEqualTo(files - 2);
        assertThat(report.filesDamaged()).isEqualTo(1);
    }

    @Test
    void repairSkip_ofMissingMiddleFiles_makesEachAgain_reportsEachAsItsWholeSpan_andKeepsTheLogsEnd()
            throws Exception {
        Files.delete(LogFiles.dataFile(path, 2, SPAN));
        Files.delete(LogFiles.dataFile(path, 3, SPAN));
        List<String> steps = new ArrayList<>();

        RepairReport report = ChainRepairer.repair(path, RepairMode.SKIP, steps::add);

        assertThat(steps).as("each file made again is a step").containsExactly("made file 2", "made file 3");
        assertThat(report.damage()).extracting(Damage::position, Damage::length).containsExactly(
                tuple(2 * SPAN + HEADER, SPAN - HEADER),
                tuple(3 * SPAN + HEADER, SPAN - HEADER));
        assertThat(report.damage()).allSatisfy(d -> assertThat(d.reason())
                .contains("made again, empty, sealed to its span end"));
        assertThat(report.filesDamaged()).isEqualTo(2);
        assertThat(report.endBefore()).isEqualTo(endOfWritten());
        assertThat(report.endAfter()).isEqualTo(endOfWritten());
        assertThat(dataFiles()).contains(LogFiles.dataFileName(2 * SPAN), LogFiles.dataFileName(3 * SPAN));
        written.keySet().removeIf(p -> p / SPAN == 2 || p / SPAN == 3);
        assertThat(report.recordsKept()).isEqualTo(written.size());
        try (GrowLog log = GrowLog.open(path, ROLLING)) {
            assertThat(log.verify().clean()).isTrue();
            assertThat(readAll(log)).containsExactlyElementsOf(written.keySet());
        }
    }

    @Test
    void aStrayDataFileOffASpanBoundary_isRefusedByRepairInEitherMode_namingIt_andNothingChanges() throws Exception {
        String stray = LogFiles.dataFileName(SPAN + 8);
        Files.createFile(path.resolve(stray));
        List<String> files = dataFiles();

        for (RepairMode mode : RepairMode.values()) {
            assertThatThrownBy(() -> GrowLog.repair(path, mode)).as("%s", mode)
                    .isInstanceOf(CorruptLogException.class).hasMessageContaining(stray)
                    .hasMessageContaining("does not belong");
            assertThat(dataFiles()).isEqualTo(files);
        }
    }

    @Test
    void repairSkip_ofTwoDamagedRecordsInOneSealedFile_countsOneDamagedFile() throws Exception {
        List<Long> damaged = List.of(recordInFile(1, 3), recordInFile(1, 20));
        for (long position : damaged) {
            damagePayloadAt(position);
        }

        RepairReport report = GrowLog.repair(path, RepairMode.SKIP);

        assertThat(report.damage()).extracting(Damage::position).containsExactlyElementsOf(damaged);
        assertThat(report.filesDamaged()).isEqualTo(1);
        assertThat(report.summary()).isEqualTo("skipped 2 damaged ranges, kept " + (written.size() - 2)
                + " records, end " + endOfWritten());
    }

    @Test
    void aSealedFileCutInsideARecord_isReportedWithWhyItsLastRecordIsBad() throws Exception {
        long cut = recordInFile(2, 30);
        int length = written.get(cut).length;
        truncate(2, cut % SPAN + 8 + length / 2);

        RepairReport report = GrowLog.repair(path, RepairMode.SKIP);

        assertThat(report.damage()).extracting(Damage::position).containsExactly(cut);
        assertThat(report.damage().get(0).length()).isEqualTo(3 * SPAN - cut);
        assertThat(report.damage().get(0).reason())
                .startsWith("sealed file " + LogFiles.dataFile(path, 2, SPAN).toAbsolutePath() + " ends at offset "
                        + cut % SPAN + " before its span end " + SPAN + " (size=")
                .contains("truncated, or its padding lost; record length " + length + " runs past the end of the file");
    }

    @Test
    void aSealedFileCutAtARecordBoundary_isReportedAsALostEnd_withNothingMoreToSay() throws Exception {
        long next = recordInFile(1, 12);
        truncate(1, next % SPAN);

        RepairReport report = GrowLog.repair(path, RepairMode.SKIP);

        assertThat(report.damage()).extracting(Damage::position).containsExactly(next);
        assertThat(report.damage().get(0).length()).isEqualTo(2 * SPAN - next);
        assertThat(report.damage().get(0).reason())
                .startsWith("sealed file " + LogFiles.dataFile(path, 1, SPAN).toAbsolutePath() + " ends at offset "
                        + next % SPAN + " before its span end " + SPAN + " (size=")
                .endsWith("): truncated, or its padding lost");
    }

    /** Cuts data file {@code index} to {@code size} bytes, as an interrupted copy would. */
    private void truncate(long index, long size) throws IOException {
        try (FileChannel channel = FileChannel.open(LogFiles.dataFile(path, index, SPAN), StandardOpenOption.WRITE)) {
            channel.truncate(size);
        }
    }
}
