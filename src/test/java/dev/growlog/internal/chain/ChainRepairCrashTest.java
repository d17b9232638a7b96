package dev.growlog.internal.chain;

import dev.growlog.ChainRepairTest;
import dev.growlog.Corruption;
import dev.growlog.GrowLog;
import dev.growlog.GrowLogConfig;
import dev.growlog.LogFiles;
import dev.growlog.LogReader;
import dev.growlog.Payloads;
import dev.growlog.RepairMode;
import dev.growlog.RepairReport;
import dev.growlog.error.CorruptLogException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A crash at each step of a repair across files. At each step the repair pauses (through the
 * {@link ChainRepairer.Steps} seam) while the directory is copied: writes through the mappings
 * are in the page cache, so the copy is what a process killed at that step leaves. Each copy
 * must open, read back nothing that was not written, and be finished by a second repair with
 * the same result as a repair that was never stopped. The state inside the cut of the last file
 * (zeroed, checkpoint not yet moved) is built by hand.
 */
class ChainRepairCrashTest {
    static final long SPAN = ChainRepairTest.SPAN;
    static final GrowLogConfig ROLLING = ChainRepairTest.ROLLING;

    @TempDir
    Path dir;

    private Path path;
    private final Map<Long, byte[]> written = new LinkedHashMap<>();

    @BeforeEach
    void writeLog() throws IOException {
        path = dir.resolve("chain");
        written.putAll(ChainRepairTest.writeChain(path));
    }

    private long recordInFile(long index, int n) {
        return written.keySet().stream().filter(p -> p / SPAN == index).skip(n).findFirst().orElseThrow();
    }

    private void damagePayloadAt(long position) throws IOException {
        Corruption.flipBit(LogFiles.dataFile(path, position / SPAN, SPAN),
                position % SPAN + 8 + written.get(position).length / 2, 3);
    }

    /** Copies the log's files into a new directory, as a crash at this moment leaves them. */
    private static void snapshot(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(file)) {
                    Files.copy(file, to.resolve(file.getFileName()));
                }
            }
        }
    }

    private static List<String> dataFiles(Path log) throws IOException {
        try (Stream<Path> files = Files.list(log)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".glog")).sorted().toList();
        }
    }

    /**
     * Reads from the start until the end or the first damage; every record read is one that was
     * written at its position. Returns the positions read.
     */
    private List<Long> readUpToDamage(GrowLog log) throws IOException {
        List<Long> read = new ArrayList<>();
        try (LogReader reader = log.reader(log.startPosition())) {
            while (reader.next()) {
                assertThat(reader.bytes()).as("record at %d", reader.position())
                        .isEqualTo(written.get(reader.position()));
                read.add(reader.position());
            }
        } catch (CorruptLogException damage) {
            // where the damage is: what follows is left to the repair
        }
        return read;
    }

    private List<Path> repairTakingSnapshots(RepairMode mode, List<String> stepNames) throws IOException {
        List<Path> snapshots = new ArrayList<>();
        ChainRepairer.repair(path, mode, step -> {
            Path copy = dir.resolve("crash-" + snapshots.size());
            snapshot(path, copy);
            snapshots.add(copy);
            stepNames.add(step);
        });
        return snapshots;
    }

    @Test
    void truncate_crashedAtEachStep_opens_keepsEveryRecordBeforeTheCut_andASecondRepairFinishesIt()
            throws Exception {
        long damaged = recordInFile(2, 5);
        damagePayloadAt(damaged);
        damagePayloadAt(recordInFile(4, 2));
        List<String> before = dataFiles(path);
        List<String> steps = new ArrayList<>();

        List<Path> snapshots = repairTakingSnapshots(RepairMode.TRUNCATE, steps);

        List<String> expectedFiles = List.of(LogFiles.dataFileName(0), LogFiles.dataFileName(SPAN),
                LogFiles.dataFileName(2 * SPAN));
        assertThat(dataFiles(path)).isEqualTo(expectedFiles);
        List<String> deletions = new ArrayList<>();
        for (int i = before.size() - 1; i >= 3; i--) {
            deletions.add("deleted " + before.get(i));
        }
        List<String> expectedSteps = new ArrayList<>(List.of("scanned"));
        expectedSteps.addAll(deletions);
        expectedSteps.add("opened file 2");
        expectedSteps.add("cut file 2");
        assertThat(steps).as("the later files deleted last first, before the cut").isEqualTo(expectedSteps);
        List<Long> kept = written.keySet().stream().filter(p -> p < damaged).toList();
        for (int i = 0; i < snapshots.size(); i++) {
            finishAfterCrash(snapshots.get(i), steps.get(i), damaged, kept, expectedFiles);
        }
    }

    /** The log a crash left: opens, reads back what it holds, and a second repair makes it the repaired log. */
    private void finishAfterCrash(Path crashed, String step, long cut, List<Long> kept, List<String> files)
            throws IOException {
        try (GrowLog log = GrowLog.open(crashed, ROLLING)) {
            List<Long> read = readUpToDamage(log);
            assertThat(read).as("after a crash at '%s': the records before the cut", step)
                    .startsWith(kept.toArray(new Long[0]));
        }
        RepairReport again = GrowLog.repair(crashed, RepairMode.TRUNCATE);
        assertThat(again.endAfter()).as("after a crash at '%s': where the second repair cut", step).isEqualTo(cut);
        assertThat(dataFiles(crashed)).as("after a crash at '%s'", step).isEqualTo(files);
        try (GrowLog log = GrowLog.open(crashed, ROLLING)) {
            assertThat(log.verify().clean()).as("after a crash at '%s'", step).isTrue();
            assertThat(readUpToDamage(log)).as("after a crash at '%s'", step).isEqualTo(kept);
            assertThat(log.endPosition()).isEqualTo(cut);
        }
    }

    @Test
    void truncate_crashedInsideTheCut_afterTheZeroingBeforeTheCheckpoint_isFinishedByASecondRepair()
            throws Exception {
        long damaged = recordInFile(2, 5);
        damagePayloadAt(damaged);
        List<String> steps = new ArrayList<>();
        List<Path> snapshots = repairTakingSnapshots(RepairMode.TRUNCATE, steps);
        // the states after the last deletion (file 2 still marked clean) and after file 2 was
        // opened for the cut (marked not clean), each with the cut's zeroing done and its
        // checkpoint not yet written
        List<Long> kept = written.keySet().stream().filter(p -> p < damaged).toList();
        for (int back = 3; back >= 2; back--) {
            String step = steps.get(steps.size() - back);
            Path crashed = snapshots.get(steps.size() - back);
            Path file = LogFiles.dataFile(crashed, 2, SPAN);
            long size = Files.size(file);
            LogFiles.write(file, damaged % SPAN, new byte[Math.toIntExact(size - damaged % SPAN)]);
            assertThat(LogFiles.readInt(file, LogFiles.CLEAN_OFFSET)).as("marked clean after '%s'", step)
                    .isEqualTo(back == 3 ? 1 : 0);
            finishAfterCrash(crashed, "inside the cut, after '" + step + "'", damaged, kept,
                    List.of(LogFiles.dataFileName(0), LogFiles.dataFileName(SPAN), LogFiles.dataFileName(2 * SPAN)));
        }
    }

    @Test
    void skip_crashedAfterEachFile_opens_andASecondRepairFinishesIt() throws Exception {
        List<Long> damaged = List.of(recordInFile(1, 2), recordInFile(3, 4), recordInFile(4, 0));
        for (long position : damaged) {
            damagePayloadAt(position);
        }
        List<String> steps = new ArrayList<>();

        List<Path> snapshots = repairTakingSnapshots(RepairMode.SKIP, steps);

        assertThat(steps).containsExactly("skipped in file 1", "skipped in file 3", "skipped in file 4");
        damaged.forEach(written::remove);
        for (int i = 0; i < snapshots.size(); i++) {
            Path crashed = snapshots.get(i);
            try (GrowLog log = GrowLog.open(crashed, ROLLING)) {
                assertThat(log.verify().damage()).as("after a crash at '%s'", steps.get(i))
                        .hasSize(damaged.size() - 1 - i);
            }
            RepairReport again = GrowLog.repair(crashed, RepairMode.SKIP);
            assertThat(again.damage()).hasSize(damaged.size() - 1 - i);
            try (GrowLog log = GrowLog.open(crashed, ROLLING)) {
                assertThat(log.verify().clean()).isTrue();
                assertThat(readUpToDamage(log)).containsExactlyElementsOf(written.keySet());
            }
        }
    }

    @Test
    void truncate_afterItReturned_andTheLogWasReopenedAndAppendedTo_neverBringsBackARecordAfterTheCut()
            throws Exception {
        long damaged = recordInFile(1, 7);
        damagePayloadAt(damaged);
        GrowLog.repair(path, RepairMode.TRUNCATE);
        written.keySet().removeIf(p -> p >= damaged);
        for (int round = 0; round < 3; round++) {
            try (GrowLog log = GrowLog.open(path, ROLLING)) {
                assertThat(readUpToDamage(log)).containsExactlyElementsOf(written.keySet());
                byte[] payload = Payloads.numbered(10_000 + round, 40_000);
                written.put(log.append(payload), payload);
            }
            Path copy = dir.resolve("reopened-" + round);
            snapshot(path, copy);
            try (GrowLog log = GrowLog.open(copy, ROLLING)) {
                assertThat(log.verify().clean()).isTrue();
                assertThat(readUpToDamage(log)).containsExactlyElementsOf(written.keySet());
            }
        }
    }
}
