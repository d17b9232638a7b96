package dev.growlog;

import dev.growlog.error.CorruptLogException;
import dev.growlog.error.RecordsDroppedException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Explicit repair of a log of many files: damage in sealed files (and in the writer's) is
 * skipped or cut at, across the whole chain, with global positions in the report.
 */
public class ChainRepairTest {
    public static final long SPAN = 128 * 1024;
    public static final GrowLogConfig ROLLING = GrowLogConfig.builder().segmentSize(64 * 1024).rollSize(SPAN)
            .initialSize(8192).maxGrowthStep(64 * 1024).pretouchAhead(0).build();
    public static final int RECORDS = 1500;

    @TempDir
    Path dir;

    private Path path;
    /** Every record written, by position, in order. */
    private final Map<Long, byte[]> written = new LinkedHashMap<>();

    /**
     * Writes the log the chain repair tests start from at {@code path}: {@link #RECORDS} numbered
     * records of 100 to 999 bytes, rolling every {@link #SPAN} bytes. Returns them by position.
     */
    public static Map<Long, byte[]> writeChain(Path path) throws IOException {
        Map<Long, byte[]> written = new LinkedHashMap<>();
        try (GrowLog log = GrowLog.open(path, ROLLING)) {
            for (int i = 0; i < RECORDS; i++) {
                byte[] payload = Payloads.numbered(i, 100 + i % 900);
                written.put(log.append(payload), payload);
            }
        }
        return written;
    }

    @BeforeEach
    void writeLog() throws IOException {
        path = dir.resolve("chain");
        written.putAll(writeChain(path));
        assertThat(dataFiles()).as("files of the log").hasSizeGreaterThanOrEqualTo(6);
    }

    private List<String> dataFiles() throws IOException {
        try (Stream<Path> files = Files.list(path)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".glog")).sorted().toList();
        }
    }

    private List<Long> positions() {
        return new ArrayList<>(written.keySet());
    }

    /** The n-th record (0-based) that lies in file {@code index}. */
    private long recordInFile(long index, int n) {
        return positions().stream().filter(p -> p / SPAN == index).skip(n).findFirst().orElseThrow();
    }

    /** Flips a bit in the middle of the payload of the record at {@code position}. */
    private void damagePayloadAt(long position) throws IOException {
        Corruption.flipBit(LogFiles.dataFile(path, position / SPAN, SPAN),
                position % SPAN + 8 + written.get(position).length / 2, 3);
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

    /** Polls a tailer from the start until it finds nothing more; returns how many records it saw. */
    private static int drain(GrowLog log) throws Exception {
        int n = 0;
        try (Tailer tailer = log.tailer(log.startPosition())) {
            while (tailer.poll(10, TimeUnit.MILLISECONDS)) {
                n++;
            }
        }
        return n;
    }

    @Test
    void repairSkip_ofDamageInASealedFile_letsReadersReadThroughIt() throws Exception {
        long damaged = recordInFile(1, 10);
        damagePayloadAt(damaged);
        try (GrowLog log = GrowLog.openReadOnly(path)) {
            assertThat(log.verify().damage()).extracting(Damage::position).containsExactly(damaged);
            assertThatThrownBy(() -> readAll(log)).isInstanceOf(CorruptLogException.class);
        }

        RepairReport report = GrowLog.repair(path, RepairMode.SKIP);

        assertThat(report.damage()).extracting(Damage::position).containsExactly(damaged);
        assertThat(report.damage().get(0).reason()).as("a global position in the reason too")
                .contains("valid records follow at " + recordInFile(1, 11));
        assertThat(report.recordsKept()).isEqualTo(RECORDS - 1);
        assertThat(report.recordsDropped()).isZero();
        assertThat(report.endAfter()).isEqualTo(report.endBefore());
        written.remove(damaged);
        try (GrowLog log = GrowLog.open(path, ROLLING)) {
            assertThat(log.verify().clean()).isTrue();
            assertThat(readAll(log)).containsExactlyElementsOf(written.keySet());
        }
    }

    @Test
    void repairTruncate_ofDamageInASealedFile_cutsThere_deletesTheLaterFiles_andAppendsGoOnFromTheCut()
            throws Exception {
        long damaged = recordInFile(2, 5);
        damagePayloadAt(damaged);
        int before = dataFiles().size();

        RepairReport report = GrowLog.repair(path, RepairMode.TRUNCATE);

        long kept = positions().stream().filter(p -> p < damaged).count();
        assertThat(report.damage()).extracting(Damage::position).containsExactly(damaged);
        assertThat(report.recordsKept()).isEqualTo(kept);
        assertThat(report.recordsDropped()).isEqualTo(RECORDS - kept - 1);
        assertThat(report.endAfter()).isEqualTo(damaged);
        assertThat(dataFiles()).as("files after the cut, of %d", before).containsExactly(
                LogFiles.dataFileName(0), LogFiles.dataFileName(SPAN), LogFiles.dataFileName(2 * SPAN));
        written.keySet().removeIf(p -> p >= damaged);
        try (GrowLog log = GrowLog.open(path, ROLLING)) {
            assertThat(log.endPosition()).isEqualTo(damaged);
            assertThat(log.verify().clean()).isTrue();
            assertThat(readAll(log)).containsExactlyElementsOf(written.keySet());
            byte[] next = Payloads.numbered(9999, 50);
            assertThat(log.append(next)).isEqualTo(damaged);
            written.put(damaged, next);
            assertThat(readAll(log)).containsExactlyElementsOf(written.keySet());
        }
    }

    @Test
    void repairSkip_ofDamageInSeveralFiles_sealedAndTheWritersAlike_skipsEachRange_withGlobalPositions()
            throws Exception {
        int files = dataFiles().size();
        List<Long> damaged = List.of(recordInFile(0, 3), recordInFile(1, 0), recordInFile(3, 7),
                recordInFile(files - 1, 2));
        for (long position : damaged) {
            damagePayloadAt(position);
        }
        try (GrowLog log = GrowLog.openReadOnly(path)) {
            assertThat(log.verify().damage()).extracting(Damage::position).containsExactlyElementsOf(damaged);
        }

        RepairReport report = GrowLog.repair(path, RepairMode.SKIP);

        assertThat(report.damage()).extracting(Damage::position).containsExactlyElementsOf(damaged);
        assertThat(report.recordsKept()).isEqualTo(RECORDS - damaged.size());
        assertThat(report.summary()).isEqualTo("skipped 4 damaged ranges in 4 files, kept " + (RECORDS - 4)
                + " records, end " + report.endAfter());
        damaged.forEach(written::remove);
        try (GrowLog log = GrowLog.open(path, ROLLING)) {
            VerifyReport verify = log.verify();
            assertThat(verify.clean()).isTrue();
            assertThat(verify.records()).isEqualTo(RECORDS - damaged.size());
            assertThat(readAll(log)).containsExactlyElementsOf(written.keySet());
            assertThat(log.stats().records()).isEqualTo(RECORDS - damaged.size());
        }
        try (GrowLog log = GrowLog.openReadOnly(path)) {
            assertThat(readAll(log)).containsExactlyElementsOf(written.keySet());
        }
    }

    @Test
    void repairTruncate_ofDamageInSeveralFiles_cutsAtTheFirst_andReportsEveryRange() throws Exception {
        List<Long> damaged = List.of(recordInFile(1, 4), recordInFile(2, 1), recordInFile(4, 0));
        for (long position : damaged) {
            damagePayloadAt(position);
        }
        int before = dataFiles().size();

        RepairReport report = GrowLog.repair(path, RepairMode.TRUNCATE);

        long first = damaged.get(0);
        long kept = positions().stream().filter(p -> p < first).count();
        assertThat(report.damage()).extracting(Damage::position).containsExactlyElementsOf(damaged);
        assertThat(report.recordsKept()).isEqualTo(kept);
        assertThat(report.recordsDropped()).isEqualTo(RECORDS - kept - damaged.size());
        assertThat(report.endAfter()).isEqualTo(first);
        assertThat(report.filesDeleted()).isEqualTo(before - 2);
        assertThat(report.filesDamaged()).isEqualTo(3);
        assertThat(report.summary()).isEqualTo("cut the log at " + first + " (first damage): kept " + kept
                + " records, dropped " + report.recordsDropped() + " valid records after it and deleted "
                + (before - 2) + " files; 3 damaged ranges in 3 files");
        assertThat(dataFiles()).containsExactly(LogFiles.dataFileName(0), LogFiles.dataFileName(SPAN));
        written.keySet().removeIf(p -> p >= first);
        try (GrowLog log = GrowLog.open(path, ROLLING)) {
            assertThat(log.verify().clean()).isTrue();
            assertThat(readAll(log)).containsExactlyElementsOf(written.keySet());
        }
    }

    @Test
    void repairingACleanChain_changesNotOneByte_inAnyFile_inEitherMode() throws Exception {
        Map<String, byte[]> before = contents();
        for (RepairMode mode : RepairMode.values()) {
            RepairReport report = GrowLog.repair(path, mode);
            assertThat(report.damage()).isEmpty();
            assertThat(report.recordsKept()).isEqualTo(RECORDS);
            assertThat(report.endAfter()).isEqualTo(report.endBefore());
            Map<String, byte[]> after = contents();
            assertThat(after.keySet()).isEqualTo(before.keySet());
            for (String name : before.keySet()) {
                assertThat(after.get(name)).as("%s after a %s repair", name, mode).isEqualTo(before.get(name));
            }
        }
    }

    private Map<String, byte[]> contents() throws IOException {
        Map<String, byte[]> contents = new TreeMap<>();
        for (String name : dataFiles()) {
            contents.put(name, Files.readAllBytes(path.resolve(name)));
        }
        return contents;
    }

    /** Cuts sealed file {@code index} in the middle of its record {@code n}, as an interrupted copy would. */
    private long truncateInsideRecord(long index, int n) throws IOException {
        long position = recordInFile(index, n);
        try (FileChannel channel = FileChannel.open(LogFiles.dataFile(path, index, SPAN), StandardOpenOption.WRITE)) {
            channel.truncate(position % SPAN + 8 + written.get(position).length / 2);
        }
        return position;
    }

    @Test
    void aTruncatedSealedFile_isReportedNamingIt_byVerifyAndReaders_andOpensForWriting() throws Exception {
        long cut = truncateInsideRecord(2, 30);
        String name = LogFiles.dataFileName(2 * SPAN);
        try (GrowLog log = GrowLog.openReadOnly(path)) {
            VerifyReport report = log.verify();
            assertThat(report.damage()).hasSize(1);
            assertThat(report.damage().get(0).position()).isEqualTo(cut);
            assertThat(report.damage().get(0).length()).isEqualTo(3 * SPAN - cut);
            assertThat(report.damage().get(0).reason()).contains(name).contains("before its span end");
            assertThatThrownBy(() -> readAll(log)).isInstanceOf(CorruptLogException.class).hasMessageContaining(name);
        }
        try (GrowLog log = GrowLog.open(path, ROLLING)) {
            assertThat(log.verify().damage()).extracting(Damage::position).containsExactly(cut);
            assertThatThrownBy(() -> readAll(log)).isInstanceOf(CorruptLogException.class).hasMessageContaining(name);
        }
    }

    @Test
    void aSealedFileCutAtARecordBoundary_isDamageToo_notTheEndOfTheLog() throws Exception {
        long next = recordInFile(1, 12);
        try (FileChannel channel = FileChannel.open(LogFiles.dataFile(path, 1, SPAN), StandardOpenOption.WRITE)) {
            channel.truncate(next % SPAN);
        }
        try (GrowLog log = GrowLog.openReadOnly(path)) {
            assertThat(log.verify().damage()).extracting(Damage::position).containsExactly(next);
            assertThatThrownBy(() -> readAll(log)).isInstanceOf(CorruptLogException.class)
                    .hasMessageContaining(LogFiles.dataFileName(SPAN)).hasMessageContaining("before its span end");
            assertThatThrownBy(() -> drain(log)).as("a tailer, too").isInstanceOf(CorruptLogException.class)
                    .hasMessageContaining(LogFiles.dataFileName(SPAN));
        }

        RepairReport report = GrowLog.repair(path, RepairMode.SKIP);

        assertThat(report.damage()).extracting(Damage::position).containsExactly(next);
        written.keySet().removeIf(p -> p >= next && p < 2 * SPAN);
        try (GrowLog log = GrowLog.open(path, ROLLING)) {
            assertThat(log.verify().clean()).isTrue();
            assertThat(readAll(log)).containsExactlyElementsOf(written.keySet());
        }
    }

    @Test
    void aTruncatedSealedFile_repairedWithTruncate_isCutThere_andBecomesTheWritersFile() throws Exception {
        long cut = truncateInsideRecord(2, 30);

        RepairReport report = GrowLog.repair(path, RepairMode.TRUNCATE);

        assertThat(report.endAfter()).isEqualTo(cut);
        assertThat(dataFiles()).hasSize(3);
        written.keySet().removeIf(p -> p >= cut);
        try (GrowLog log = GrowLog.open(path, ROLLING)) {
            assertThat(log.endPosition()).isEqualTo(cut);
            assertThat(readAll(log)).containsExactlyElementsOf(written.keySet());
            assertThat(log.append(new byte[3])).isEqualTo(cut);
        }
    }

    @Test
    void aTruncatedSealedFile_repairedWithSkip_isSealedAgain_andReadersReadTheFilesAfterIt() throws Exception {
        long cut = truncateInsideRecord(2, 30);

        RepairReport report = GrowLog.repair(path, RepairMode.SKIP);

        assertThat(report.damage()).extracting(Damage::position).containsExactly(cut);
        written.keySet().removeIf(p -> p >= cut && p < 3 * SPAN);
        assertThat(report.recordsKept()).isEqualTo(written.size());
        try (GrowLog log = GrowLog.open(path, ROLLING)) {
            assertThat(log.verify().clean()).isTrue();
            assertThat(readAll(log)).containsExactlyElementsOf(written.keySet());
        }
    }

    @Test
    void aMissingMiddleFile_refusesTheWriterNamingIt_isDamageForVerifyAndReaders_andTruncateCutsBeforeIt()
            throws Exception {
        Files.delete(LogFiles.dataFile(path, 2, SPAN));
        String name = LogFiles.dataFileName(2 * SPAN);
        assertThatThrownBy(() -> GrowLog.open(path, ROLLING)).isInstanceOf(CorruptLogException.class)
                .hasMessageContaining(name).hasMessageContaining("--truncate-corrupt");
        try (GrowLog log = GrowLog.openReadOnly(path)) {
            VerifyReport report = log.verify();
            assertThat(report.damage()).extracting(Damage::position).containsExactly(2 * SPAN + 4096);
            assertThat(report.damage().get(0).reason()).contains(name).contains("missing");
            long after = positions().stream().filter(p -> p < 2 * SPAN || p >= 3 * SPAN).count();
            assertThat(report.records()).as("records of the files on both sides").isEqualTo(after);
            assertThatThrownBy(() -> readAll(log)).isInstanceOf(CorruptLogException.class).hasMessageContaining(name);
            assertThatThrownBy(() -> drain(log)).as("a tailer, too").isInstanceOf(CorruptLogException.class)
                    .hasMessageContaining(name);
        }

        RepairReport report = GrowLog.repair(path, RepairMode.TRUNCATE);

        long kept = positions().stream().filter(p -> p < 2 * SPAN).count();
        assertThat(report.damage()).extracting(Damage::position).containsExactly(2 * SPAN + 4096);
        assertThat(report.recordsKept()).isEqualTo(kept);
        assertThat(report.recordsDropped()).isEqualTo(positions().stream().filter(p -> p >= 3 * SPAN).count());
        assertThat(dataFiles()).containsExactly(LogFiles.dataFileName(0), LogFiles.dataFileName(SPAN));
        written.keySet().removeIf(p -> p >= 2 * SPAN);
        try (GrowLog log = GrowLog.open(path, ROLLING)) {
            assertThat(readAll(log)).containsExactlyElementsOf(written.keySet());
            assertThat(log.append(new byte[5])).as("the next file is made again").isEqualTo(2 * SPAN + 4096);
        }
    }

    @Test
    void aMissingMiddleFile_repairedWithSkip_isMadeAgainEmpty_andEveryOtherRecordKeepsItsPosition() throws Exception {
        Files.delete(LogFiles.dataFile(path, 2, SPAN));

        RepairReport report = GrowLog.repair(path, RepairMode.SKIP);

        assertThat(report.damage()).extracting(Damage::position).containsExactly(2 * SPAN + 4096);
        written.keySet().removeIf(p -> p / SPAN == 2);
        assertThat(report.recordsKept()).isEqualTo(written.size());
        assertThat(report.endAfter()).isEqualTo(report.endBefore());
        try (GrowLog log = GrowLog.open(path, ROLLING)) {
            assertThat(log.verify().clean()).isTrue();
            assertThat(readAll(log)).containsExactlyElementsOf(written.keySet());
        }
    }

    @Test
    void repair_leavesDamageBeforeTheStartAlone_andNeverCutsBelowIt() throws Exception {
        long damaged = recordInFile(2, 5);
        long start = recordInFile(2, 9);
        try (GrowLog log = GrowLog.open(path, ROLLING)) {
            log.truncateBefore(start);
        }
        damagePayloadAt(damaged);
        try (GrowLog log = GrowLog.openReadOnly(path)) {
            assertThat(log.verify().clean()).as("verify checks from the start").isTrue();
        }

        RepairReport report = GrowLog.repair(path, RepairMode.TRUNCATE);

        assertThat(report.damage()).isEmpty();
        assertThat(report.endAfter()).isEqualTo(report.endBefore());
        written.keySet().removeIf(p -> p < start);
        try (GrowLog log = GrowLog.open(path, ROLLING)) {
            assertThat(log.startPosition()).isEqualTo(start);
            assertThat(readAll(log)).containsExactlyElementsOf(written.keySet());
            assertThatThrownBy(() -> log.read(damaged)).isInstanceOf(RecordsDroppedException.class);
        }
    }

    @Test
    void afterATruncate_aCursorPastTheCutIsRefusedUntilMoved_aCursorBeforeItReadsOn_andTailersFollowNewAppends()
            throws Exception {
        long damaged = recordInFile(2, 5);
        long before = recordInFile(1, 3);
        long past = recordInFile(4, 0);
        try (GrowLog log = GrowLog.open(path, ROLLING)) {
            log.setCursor("behind", before);
            log.setCursor("ahead", past);
        }
        damagePayloadAt(damaged);

        GrowLog.repair(path, RepairMode.TRUNCATE);

        written.keySet().removeIf(p -> p >= damaged);
        try (GrowLog log = GrowLog.open(path, ROLLING);
             Cursor behind = log.cursor("behind");
             Cursor ahead = log.cursor("ahead")) {
            assertThat(ahead.position()).as("cursors are not moved by a repair").isEqualTo(past);
            assertThatThrownBy(ahead::tailer).isInstanceOf(IllegalArgumentException.class);
            ahead.move(log.endPosition());
            try (Tailer tailer = ahead.tailer(); LogReader reader = behind.reader()) {
                int behindCount = 0;
                while (reader.next()) {
                    assertThat(reader.bytes()).isEqualTo(written.get(reader.position()));
                    behindCount++;
                }
                assertThat(behindCount).isEqualTo(written.keySet().stream().filter(p -> p >= before).count());
                long next = log.append(Payloads.numbered(7, 10));
                assertThat(next).isEqualTo(damaged);
                assertThat(tailer.poll(10, TimeUnit.SECONDS)).isTrue();
                assertThat(tailer.position()).isEqualTo(next);
                assertThat(tailer.bytes()).isEqualTo(Payloads.numbered(7, 10));
            }
        }
    }
}
