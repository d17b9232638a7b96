package dev.growlog;

import dev.growlog.error.CorruptLogException;
import dev.growlog.error.RecordsDroppedException;
import dev.growlog.internal.chain.StartFile;
import dev.growlog.internal.file.LogFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A log is a chain of files of {@code rollSize} positions each: appends roll to new files,
 * readers, tailers and verify cross them, truncation drops whole files durably and lets go of
 * them, and recovery handles every state a crash during a roll or a truncation leaves.
 */
class ChainTest {
    static final long SPAN = 128 * 1024;
    static final GrowLogConfig ROLLING = GrowLogConfig.builder().segmentSize(64 * 1024).rollSize(SPAN)
            .initialSize(8192).maxGrowthStep(64 * 1024).pretouchAhead(0).build();

    @TempDir
    Path dir;

    private final Map<Long, byte[]> written = new LinkedHashMap<>();

    private void appendMany(GrowLog log, int count, int from) throws IOException {
        for (int i = from; i < from + count; i++) {
            byte[] payload = Payloads.numbered(i, 100 + i % 900);
            written.put(log.append(payload), payload);
        }
    }

    private List<Long> readAll(GrowLog log, long from) throws IOException {
        List<Long> positions = new ArrayList<>();
        try (LogReader reader = log.reader(from)) {
            while (reader.next()) {
                assertThat(reader.bytes()).as("record at %d", reader.position())
                        .isEqualTo(written.get(reader.position()));
                positions.add(reader.position());
            }
        }
        return positions;
    }

    static List<String> dataFiles(Path log) throws IOException {
        try (Stream<Path> files = Files.list(log)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".glog")).sorted().toList();
        }
    }

    @Test
    void appendsAcrossManyRolls_areReadBackByReadsReadersForEachAndVerify_inTheWriterAndAReadOnlyLog()
            throws Exception {
        Path path = dir.resolve("rolling");
        try (GrowLog log = GrowLog.open(path, ROLLING)) {
            appendMany(log, 2000, 0);
            assertThat(dataFiles(path)).as("data files, named by base position").hasSizeGreaterThan(5)
                    .startsWith("00000000000000000000.glog", "00000000000000131072.glog");
            for (Map.Entry<Long, byte[]> e : written.entrySet()) {
                assertThat(e.getKey() % SPAN).as("offset of %d in its file", e.getKey()).isGreaterThanOrEqualTo(4096);
                assertThat(log.read(e.getKey())).isEqualTo(e.getValue());
            }
            assertThat(readAll(log, log.startPosition())).containsExactlyElementsOf(written.keySet());
            List<Long> zeroCopy = new ArrayList<>();
            try (LogReader reader = log.reader(log.startPosition())) {
                reader.forEach((position, payload) -> zeroCopy.add(position));
            }
            assertThat(zeroCopy).containsExactlyElementsOf(written.keySet());
            VerifyReport report = log.verify();
            assertThat(report.clean()).isTrue();
            assertThat(report.records()).isEqualTo(written.size());
            assertThat(log.stats().files()).isEqualTo(dataFiles(path).size());
            assertThat(log.stats().records()).isEqualTo(written.size());
            try (GrowLog reader = GrowLog.openReadOnly(path)) {
                assertThat(reader.endPosition()).isEqualTo(log.endPosition());
                assertThat(readAll(reader, reader.startPosition())).containsExactlyElementsOf(written.keySet());
                assertThat(reader.verify().records()).isEqualTo(written.size());
            }
        }
        try (GrowLog reopened = GrowLog.open(path, ROLLING)) {
            assertThat(reopened.recoveryReport().cleanShutdown()).isTrue();
            assertThat(readAll(reopened, reopened.startPosition())).containsExactlyElementsOf(written.keySet());
        }
    }

    @Test
    void aTailer_followsTheWriterIntoNewFiles_inTheWriterAndInAReadOnlyLog() throws Exception {
        Path path = dir.resolve("tailed");
        try (GrowLog log = GrowLog.open(path, ROLLING);
             GrowLog follower = GrowLog.openReadOnly(path);
             Tailer tailer = log.tailer(log.endPosition());
             Tailer remote = follower.tailer(follower.endPosition())) {
            appendMany(log, 1200, 0);
            for (Map.Entry<Long, byte[]> e : written.entrySet()) {
                assertThat(tailer.poll(10, TimeUnit.SECONDS)).isTrue();
                assertThat(tailer.position()).isEqualTo(e.getKey());
                assertThat(remote.poll(10, TimeUnit.SECONDS)).isTrue();
                assertThat(remote.position()).isEqualTo(e.getKey());
                assertThat(remote.bytes()).isEqualTo(e.getValue());
            }
            assertThat(tailer.tryNext()).isFalse();
            assertThat(remote.tryNext()).isFalse();
            assertThat(log.stats().files()).as("data files the tailers crossed").isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void truncateBefore_dropsTheRangeExactly_survivesReopen_andDeletesWholeFilesBelowIt() throws Exception {
        Path path = dir.resolve("truncated");
        long start;
        try (GrowLog log = GrowLog.open(path, ROLLING)) {
            appendMany(log, 1500, 0);
            List<Long> positions = new ArrayList<>(written.keySet());
            start = positions.get(900);
            int filesBefore = dataFiles(path).size();
            try (LogReader behind = log.reader(positions.get(10))) {
                log.truncateBefore(start);
                assertThatThrownBy(behind::next).isInstanceOf(RecordsDroppedException.class);
            }
            assertThat(log.startPosition()).isEqualTo(start);
            assertThat(dataFiles(path)).hasSize(filesBefore - (int) (start / SPAN))
                    .first().isEqualTo(LogFiles.dataFileName(start / SPAN * SPAN));
            RecordsDroppedException dropped = (RecordsDroppedException) org.assertj.core.api.Assertions
                    .catchThrowable(() -> log.read(positions.get(899)));
            assertThat(dropped.position()).isEqualTo(positions.get(899));
            assertThat(dropped.startPosition()).isEqualTo(start);
            assertThat(dropped).hasMessageContaining("dropped").hasMessageNotContaining("corrupt");
            assertThatThrownBy(() -> log.reader(positions.get(0))).isInstanceOf(RecordsDroppedException.class);
            assertThatThrownBy(() -> log.tailer(positions.get(899))).isInstanceOf(RecordsDroppedException.class);
            assertThatThrownBy(() -> log.truncateBefore(start + 8)).isInstanceOf(IllegalArgumentException.class);
            written.keySet().removeIf(p -> p < start);
            assertThat(readAll(log, log.startPosition())).containsExactlyElementsOf(written.keySet());
            assertThat(log.verify().records()).isEqualTo(written.size());
            assertNoDeletedFileHeld(path);
        }
        try (GrowLog reopened = GrowLog.open(path, ROLLING)) {
            assertThat(reopened.startPosition()).as("the start after reopening").isEqualTo(start);
            assertThat(readAll(reopened, reopened.startPosition())).containsExactlyElementsOf(written.keySet());
            reopened.truncateBefore(reopened.endPosition());
            assertThat(dataFiles(path)).as("only the writer's file stays").hasSize(1);
            assertThatThrownBy(() -> reopened.read(start)).isInstanceOf(RecordsDroppedException.class);
            written.clear();
            appendMany(reopened, 10, 5000);
            assertThat(readAll(reopened, reopened.startPosition())).containsExactlyElementsOf(written.keySet());
        }
    }

    @Test
    void aReadOnlyLog_letsGoOfTheFilesTheWriterDeletes() throws Exception {
        Path path = dir.resolve("let-go");
        try (GrowLog log = GrowLog.open(path, ROLLING); GrowLog follower = GrowLog.openReadOnly(path)) {
            appendMany(log, 1500, 0);
            assertThat(readAll(follower, follower.startPosition())).hasSize(written.size()); // maps every file
            List<Long> positions = new ArrayList<>(written.keySet());
            long start = positions.get(1400);
            log.truncateBefore(start);
            assertThat(follower.startPosition()).isEqualTo(start);
            assertThatThrownBy(() -> follower.read(positions.get(0))).isInstanceOf(RecordsDroppedException.class);
            assertNoDeletedFileHeld(path);
        }
    }

    @Test
    void aReadOnlyReader_letsGoOfEachFileItMovesPast_soFilesDeletedLaterGiveBackTheirDiskAtOnce() throws Exception {
        Path path = dir.resolve("moved-past");
        try (GrowLog log = GrowLog.open(path, ROLLING); GrowLog follower = GrowLog.openReadOnly(path)) {
            appendMany(log, 1500, 0);
            long last = log.endPosition() / SPAN;
            assertThat(last).as("files written").isGreaterThanOrEqualTo(4);
            try (LogReader reader = follower.reader(follower.startPosition())) {
                int read = 0;
                while (reader.next()) {
                    read++;
                }
                assertThat(read).isEqualTo(written.size());
                assertThat(follower.endPosition()).isEqualTo(log.endPosition());
                assertThat(follower.chain().openFiles()).as("files the read-only log holds open")
                        .extracting(LogFile::index).containsExactly(last);
                // The follower does nothing more: the files it moved past must already be let go of.
                log.truncateBefore(log.endPosition());
                assertNoDeletedFileHeld(path);
            }
        }
    }

    /** Appends two records that fill file 0 exactly to its span end: the writer stays in it. */
    private static void fillTheFirstFile(GrowLog log) throws IOException {
        int segment = 64 * 1024;
        assertThat(log.append(new byte[segment - LogFiles.HEADER_SIZE - 8])).isEqualTo(LogFiles.HEADER_SIZE);
        assertThat(log.append(new byte[segment - 8])).isEqualTo(segment);
        assertThat(log.endPosition()).as("the end of a full file is the next file's first record")
                .isEqualTo(SPAN + LogFiles.HEADER_SIZE);
    }

    @Test
    void truncateBefore_theEndOfAFullFile_reopensWithTheWritersFileKept() throws Exception {
        Path path = dir.resolve("full-then-reopened");
        try (GrowLog log = GrowLog.open(path, ROLLING)) {
            fillTheFirstFile(log);
            log.truncateBefore(log.endPosition());
            assertThat(dataFiles(path)).as("the writer's file stays while it writes there")
                    .containsExactly(LogFiles.dataFileName(0));
        }
        try (GrowLog reopened = GrowLog.open(path, ROLLING)) {
            assertThat(reopened.startPosition()).isEqualTo(SPAN + LogFiles.HEADER_SIZE);
            assertThat(reopened.endPosition()).isEqualTo(SPAN + LogFiles.HEADER_SIZE);
            assertThat(reopened.append(new byte[10])).isEqualTo(SPAN + LogFiles.HEADER_SIZE);
            reopened.sync();
            assertThat(dataFiles(path)).containsExactly(LogFiles.dataFileName(SPAN));
        }
        written.put(SPAN + LogFiles.HEADER_SIZE, new byte[10]);
        try (GrowLog reader = GrowLog.openReadOnly(path)) {
            assertThat(readAll(reader, reader.startPosition())).containsExactly(SPAN + LogFiles.HEADER_SIZE);
        }
    }

    @Test
    void truncateBefore_theEndOfAFullFile_deletesThatFileOnceTheWriterRolledPastIt() throws Exception {
        Path path = dir.resolve("full-then-rolled");
        try (GrowLog log = GrowLog.open(path, ROLLING)) {
            fillTheFirstFile(log);
            log.truncateBefore(log.endPosition());
            assertThat(log.append(new byte[10])).isEqualTo(SPAN + LogFiles.HEADER_SIZE);
            log.sync();
            assertThat(dataFiles(path)).as("no file wholly below the start after a sync")
                    .containsExactly(LogFiles.dataFileName(SPAN));
            assertNoDeletedFileHeld(path);
        }
    }

    /** Neither a mapping nor a descriptor of this process refers to a deleted file of the log. */
    static void assertNoDeletedFileHeld(Path log) throws IOException {
        // The whole path: another test's log in this JVM may have a name that contains this one's.
        String name = log.toAbsolutePath() + "/";
        List<String> maps = Files.readAllLines(Path.of("/proc/self/maps")).stream()
                .filter(l -> l.contains(name) && l.contains("(deleted)")).toList();
        assertThat(maps).as("mappings of deleted files").isEmpty();
        List<String> fds = new ArrayList<>();
        try (Stream<Path> links = Files.list(Path.of("/proc/self/fd"))) {
            for (Path link : (Iterable<Path>) links::iterator) {
                try {
                    String target = Files.readSymbolicLink(link).toString();
                    if (target.contains(name) && target.contains("(deleted)")) {
                        fds.add(target);
                    }
                } catch (IOException gone) {
                    // closed while listed
                }
            }
        }
        assertThat(fds).as("descriptors of deleted files").isEmpty();
    }

    @Test
    void recovery_deletesALeftoverTempFile_andFilesBelowAMovedStart() throws Exception {
        Path path = dir.resolve("crashed");
        long start;
        try (GrowLog log = GrowLog.open(path, ROLLING)) {
            appendMany(log, 1500, 0);
            start = new ArrayList<>(written.keySet()).get(1000);
            log.sync();
            // a truncation that wrote its start file and stopped before deleting any file
            StartFile.write(path, LogFiles.readLong(path, LogFiles.LOG_ID_OFFSET), start,
                    dev.growlog.internal.nativeio.Syscalls.libc());
        }
        Files.write(path.resolve("." + LogFiles.dataFileName(99 * SPAN) + ".creating"), new byte[100]);
        try (GrowLog reopened = GrowLog.open(path, ROLLING)) {
            assertThat(reopened.startPosition()).isEqualTo(start);
            assertThat(dataFiles(path).get(0)).isEqualTo(LogFiles.dataFileName(start / SPAN * SPAN));
            try (Stream<Path> files = Files.list(path)) {
                assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("."));
            }
            written.keySet().removeIf(p -> p < start);
            assertThat(readAll(reopened, start)).containsExactlyElementsOf(written.keySet());
        }
    }

    @Test
    void recovery_sealsANonLastFileThatWasNotShutDownCleanly_soReadersMoveOn() throws Exception {
        Path path = dir.resolve("unsealed");
        try (GrowLog log = GrowLog.open(path, ROLLING)) {
            appendMany(log, 700, 0);
        }
        // file 0 as a crash after a roll leaves it: unclean, its padding to the span end lost
        Path first = LogFiles.dataFile(path, 0, SPAN);
        long lastInFirst = written.keySet().stream().filter(p -> p < SPAN).reduce((a, b) -> b).orElseThrow();
        long end = lastInFirst + LogFiles.recordSize(written.get(lastInFirst).length);
        if (end < SPAN && end < LogFiles.size(first)) {
            LogFiles.write(first, end, new byte[8]);
        }
        LogFiles.setCheckpoint(first, LogFiles.HEADER_SIZE, 0, 0, false);
        try (GrowLog reopened = GrowLog.open(path, ROLLING)) {
            assertThat(readAll(reopened, reopened.startPosition())).containsExactlyElementsOf(written.keySet());
            assertThat(reopened.verify().clean()).isTrue();
        }
        assertThat(LogFiles.readInt(first, LogFiles.CLEAN_OFFSET)).as("file 0 marked clean").isEqualTo(1);
    }

    @Test
    void aDataFileOfAnotherLog_orUnderAWrongName_isRefusedNamingTheFile() throws Exception {
        Path path = dir.resolve("mixed");
        Path other = dir.resolve("other");
        try (GrowLog log = GrowLog.open(path, ROLLING); GrowLog stranger = GrowLog.open(other, ROLLING)) {
            appendMany(log, 700, 0);
            appendMany(stranger, 700, 0);
        }
        Files.copy(LogFiles.dataFile(other, 1, SPAN), LogFiles.dataFile(path, 1, SPAN),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> GrowLog.open(path, ROLLING)).isInstanceOf(CorruptLogException.class)
                .hasMessageContaining(LogFiles.dataFileName(SPAN)).hasMessageContaining("another log");
        Path renamed = dir.resolve("renamed");
        try (GrowLog log = GrowLog.open(renamed, ROLLING)) {
            appendMany(log, 10, 0);
        }
        Files.move(LogFiles.dataFile(renamed, 0, SPAN), LogFiles.dataFile(renamed, 3, SPAN));
        assertThatThrownBy(() -> GrowLog.openReadOnly(renamed)).isInstanceOf(CorruptLogException.class)
                .hasMessageContaining(LogFiles.dataFileName(3 * SPAN)).hasMessageContaining("base");
    }
}
