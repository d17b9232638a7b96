package dev.growlog;

import dev.growlog.error.LogFullException;
import dev.growlog.error.NativeCallException;
import dev.growlog.internal.chain.ChainRepairer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a repair across files holds and lets go: it leaves no descriptor open on the log, lets
 * go of each file it deletes at once (a deleted file still open keeps its disk space), shuts
 * the file it cut down cleanly, syncs the skipped records of a sealed file before it marks the
 * file clean, and releases a file it failed to repair.
 */
class ChainRepairResourcesTest {
    static final long SPAN = ChainRepairTest.SPAN;
    static final GrowLogConfig ROLLING = ChainRepairTest.ROLLING;

    @TempDir
    Path dir;

    private Path path;
    /** Every record written, by position, in order. */
    private final Map<Long, byte[]> written = new LinkedHashMap<>();

    @BeforeEach
    void writeLog() throws IOException {
        path = dir.resolve("chain");
        written.putAll(ChainRepairTest.writeChain(path));
        assertThat(LogFiles.openFileDescriptors(path)).isZero();
    }

    private long recordInFile(long index, int n) {
        return written.keySet().stream().filter(p -> p / SPAN == index).skip(n).findFirst().orElseThrow();
    }

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

    /** Files under the log's directory that are deleted but still open in this process. */
    private List<String> deletedButOpen() {
        String prefix;
        try {
            prefix = path.toRealPath() + "/";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> open = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith(prefix) && target.endsWith(" (deleted)")) {
                        open.add(target);
                    }
                } catch (IOException closedMeanwhile) {
                    // closed since the listing
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return open;
    }

    @Test
    void repairSkip_ofDamageInSealedFilesAndTheWriters_leavesNoDescriptorOpenOnTheLog() throws Exception {
        List<Long> damaged = List.of(recordInFile(1, 3), recordInFile(3, 5));
        for (long position : damaged) {
            damagePayloadAt(position);
        }

        RepairReport report = GrowLog.repair(path, RepairMode.SKIP);

        assertThat(report.damage()).extracting(Damage::position).containsExactlyElementsOf(damaged);
        assertThat(LogFiles.openFileDescriptors(path)).as("descriptors on the log after the repair").isZero();
    }

    @Test
    void repairTruncate_inASealedFile_letsGoOfEachFileAsItDeletesIt_andShutsTheCutFileDownCleanly()
            throws Exception {
        long damaged = recordInFile(2, 5);
        damagePayloadAt(damaged);
        Map<String, List<String>> heldAtStep = new LinkedHashMap<>();

        RepairReport report = ChainRepairer.repair(path, RepairMode.TRUNCATE, step -> {
            if (step.startsWith("deleted ")) {
                heldAtStep.put(step, deletedButOpen());
            }
        });

        assertThat(report.endAfter()).isEqualTo(damaged);
        assertThat(heldAtStep).as("deletions").hasSizeGreaterThanOrEqualTo(3);
        assertThat(heldAtStep).allSatisfy((step, held) -> assertThat(held).as("deleted files still open after '%s'",
                step).isEmpty());
        assertThat(LogFiles.openFileDescriptors(path)).as("descriptors on the log after the repair").isZero();
        assertThat(LogFiles.readInt(LogFiles.dataFile(path, 2, SPAN), LogFiles.CLEAN_OFFSET))
                .as("the cut file, now the writer's, shut down cleanly").isEqualTo(1);
        written.keySet().removeIf(p -> p >= damaged);
        try (GrowLog log = GrowLog.open(path, ROLLING)) {
            assertThat(log.recoveryReport().cleanShutdown()).isTrue();
            assertThat(readAll(log)).containsExactlyElementsOf(written.keySet());
        }
    }

    @Test
    void repairTruncate_ofAMissingMiddleFile_leavesNoDescriptorOpenOnTheLog() throws Exception {
        Files.delete(LogFiles.dataFile(path, 2, SPAN));

        RepairReport report = GrowLog.repair(path, RepairMode.TRUNCATE);

        assertThat(report.endAfter()).isEqualTo(2 * SPAN);
        assertThat(LogFiles.openFileDescriptors(path)).as("descriptors on the log after the repair").isZero();
    }

    /** Syscalls that note where each file is mapped and every msync, as file offsets. */
    private static final class SyncRecorder extends ForwardingSyscalls {
        /** Where offset 0 of each file is mapped now, by file name. */
        private final Map<String, Long> mappedAt = new HashMap<>();
        /** Each msync: file name, first offset, offset after. */
        final List<Synced> syncs = new ArrayList<>();

        record Synced(String file, long from, long to) {
        }

        @Override
        public synchronized void mapFileAt(Path file, int fd, long address, long length, boolean writable)
                throws NativeCallException {
            super.mapFileAt(file, fd, address, length, writable);
            mappedAt.put(file.getFileName().toString(), address);
        }

        @Override
        public synchronized void remapTo(Path file, long address, long oldLength, long newLength, long target)
                throws NativeCallException {
            super.remapTo(file, address, oldLength, newLength, target);
            mappedAt.put(file.getFileName().toString(), target);
        }

        @Override
        public synchronized void msync(Path file, long address, long length)
                throws NativeCallException {
            super.msync(file, address, length);
            String name = file.getFileName().toString();
            long from = address - mappedAt.get(name);
            syncs.add(new Synced(name, from, from + length));
        }
    }

    @Test
    void repairSkip_syncsTheSkippedRangeOfASealedFile_beforeItMarksTheFileClean() throws Exception {
        long damaged = recordInFile(1, 10);
        long next = recordInFile(1, 11);
        damagePayloadAt(damaged);
        SyncRecorder sys = new SyncRecorder();

        RepairReport report = ChainRepairer.repair(path, RepairMode.SKIP, ChainRepairer.Steps.NONE, sys);

        assertThat(report.damage()).extracting(Damage::position).containsExactly(damaged);
        String name = LogFiles.dataFileName(SPAN);
        List<SyncRecorder.Synced> ofFile = sys.syncs.stream().filter(s -> s.file().equals(name)).toList();
        int skipped = -1;
        int clean = -1;
        for (int i = 0; i < ofFile.size(); i++) {
            SyncRecorder.Synced s = ofFile.get(i);
            if (s.from() <= damaged % SPAN && s.to() >= next % SPAN) {
                skipped = i;
            }
            if (s.from() == 0) {
                clean = i;
            }
        }
        assertThat(skipped).as("an msync of the skipped range, in %s", ofFile).isNotNegative();
        assertThat(clean).as("the header's last msync comes after it, in %s", ofFile).isGreaterThan(skipped);
        assertThat(LogFiles.readInt(LogFiles.dataFile(path, 1, SPAN), LogFiles.CLEAN_OFFSET)).isEqualTo(1);
    }

    @Test
    void repairSkip_thatFailsWhileSealingATruncatedFileAgain_releasesTheFile_andASecondRepairFinishes()
            throws Exception {
        long cut = recordInFile(2, 30);
        try (FileChannel channel = FileChannel.open(LogFiles.dataFile(path, 2, SPAN), StandardOpenOption.WRITE)) {
            channel.truncate(cut % SPAN + 8 + written.get(cut).length / 2);
        }
        FaultySyscalls faulty = new FaultySyscalls();
        faulty.failOnFile(FaultySyscalls.Call.ALLOCATE, LogFiles.dataFileName(2 * SPAN), 1, "ENOSPC");

        assertThatThrownBy(() -> ChainRepairer.repair(path, RepairMode.SKIP, ChainRepairer.Steps.NONE, faulty))
                .isInstanceOf(LogFullException.class).hasCauseInstanceOf(NativeCallException.class)
                .hasStackTraceContaining("ENOSPC (injected fault)");

        assertThat(faulty.calls(FaultySyscalls.Call.ALLOCATE)).isPositive();
        assertThat(LogFiles.openFileDescriptors(path)).as("descriptors on the log after the failed repair").isZero();
        GrowLog.repair(path, RepairMode.SKIP);
        written.keySet().removeIf(p -> p >= cut && p < 3 * SPAN);
        try (GrowLog log = GrowLog.open(path, ROLLING)) {
            assertThat(log.verify().clean()).isTrue();
            assertThat(readAll(log)).containsExactlyElementsOf(written.keySet());
        }
    }
}
