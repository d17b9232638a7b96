package dev.growlog;

import dev.growlog.error.RecordsDroppedException;
import dev.growlog.internal.chain.StartFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A read-only log refreshing its view of the start: it sees a truncation by the writer first
 * through its end, lets go of the files below the new start even while a reader is in one, leaves
 * the chain lock free for other threads, and, where no start file says more, starts at the first
 * record of the lowest data file left.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ChainReadOnlyRefreshTest {
    static final long SPAN = ChainTest.SPAN;
    static final int PAYLOAD = 1000;

    @TempDir
    Path dir;

    private final List<Long> positions = new ArrayList<>();

    private void appendUntilFile(GrowLog log, long index) throws IOException {
        while (positions.isEmpty() || positions.get(positions.size() - 1) < index * SPAN) {
            positions.add(log.append(Payloads.numbered(positions.size(), PAYLOAD)));
        }
    }

    private long firstIn(long index) {
        return positions.stream().filter(p -> p >= index * SPAN).findFirst().orElseThrow();
    }

    private byte[] payloadAt(long position) {
        return Payloads.numbered(positions.indexOf(position), PAYLOAD);
    }

    @Test
    void theEnd_isFoundAfterTheWriterTruncated_andTheNewStartRead() throws Exception {
        Path path = dir.resolve("end-after-truncation");
        try (GrowLog log = GrowLog.open(path, ChainTest.ROLLING); GrowLog follower = GrowLog.openReadOnly(path)) {
            appendUntilFile(log, 3);
            assertThat(follower.endPosition()).isEqualTo(log.endPosition());
            long start = firstIn(2);
            log.truncateBefore(start);

            assertThat(follower.endPosition()).as("the end, asked first after the start moved")
                    .isEqualTo(log.endPosition());
            assertThat(follower.startPosition()).isEqualTo(start);
            assertThatThrownBy(() -> follower.read(positions.get(0))).isInstanceOf(RecordsDroppedException.class);
            assertThat(follower.read(start)).isEqualTo(payloadAt(start));
        }
    }

    @Test
    void afterSeeingATruncation_anotherThreadOpensFilesOfTheReadOnlyLog() throws Exception {
        Path path = dir.resolve("refreshed-then-other-thread");
        try (GrowLog log = GrowLog.open(path, ChainTest.ROLLING); GrowLog follower = GrowLog.openReadOnly(path)) {
            appendUntilFile(log, 4);
            log.truncateBefore(firstIn(1));
            assertThat(follower.endPosition()).isEqualTo(log.endPosition()); // this thread saw the new start
            long inFile2 = firstIn(2);
            byte[] read = ChainTruncationTest.onAnotherThread("a read that opens file 2",
                    () -> follower.read(inFile2));
            assertThat(read).isEqualTo(payloadAt(inFile2));
        }
    }

    @Test
    void aReaderInAFileTheWriterDeleted_doesNotKeepItMapped_onceTheNewStartIsRead() throws Exception {
        Path path = dir.resolve("reader-in-dropped-file");
        try (GrowLog log = GrowLog.open(path, ChainTest.ROLLING); GrowLog follower = GrowLog.openReadOnly(path)) {
            appendUntilFile(log, 3);
            try (LogReader reader = follower.reader(follower.startPosition())) {
                assertThat(reader.next()).isTrue();
                assertThat(reader.next()).isTrue(); // in file 0, which the follower holds for it

                log.truncateBefore(firstIn(2)); // deletes files 0 and 1
                assertThat(follower.startPosition()).isEqualTo(firstIn(2));

                ChainTest.assertNoDeletedFileHeld(path);
                assertThatThrownBy(reader::next).isInstanceOf(RecordsDroppedException.class);
            }
        }
    }

    @Test
    void withoutAStartFile_theStartIsTheFirstRecordOfTheLowestFileLeft() throws Exception {
        Path path = dir.resolve("no-start-file");
        try (GrowLog log = GrowLog.open(path, ChainTest.ROLLING)) {
            appendUntilFile(log, 3);
        }
        try (GrowLog follower = GrowLog.openReadOnly(path)) {
            assertThat(follower.startPosition()).isEqualTo(LogFiles.HEADER_SIZE);
            Files.delete(LogFiles.dataFile(path, 0, SPAN)); // the oldest file removed by hand

            assertThat(follower.startPosition()).isEqualTo(SPAN + LogFiles.HEADER_SIZE);
            assertThatThrownBy(() -> follower.read(positions.get(0))).isInstanceOf(RecordsDroppedException.class);
            try (LogReader reader = follower.reader(follower.startPosition())) {
                assertThat(reader.next()).isTrue();
                assertThat(reader.position()).isEqualTo(firstIn(1));
            }
        }
    }

    @Test
    void aStartFileBelowTheLowestFileLeft_givesWayToThatFilesFirstRecord() throws Exception {
        Path path = dir.resolve("start-file-behind");
        long start;
        try (GrowLog log = GrowLog.open(path, ChainTest.ROLLING)) {
            appendUntilFile(log, 3);
            start = positions.get(positions.indexOf(firstIn(1)) + 3); // inside file 1
            log.truncateBefore(start);
        }
        try (GrowLog follower = GrowLog.openReadOnly(path)) {
            assertThat(follower.startPosition()).isEqualTo(start);
            Files.delete(LogFiles.dataFile(path, 1, SPAN)); // the file holding the recorded start, removed by hand

            assertThat(follower.startPosition()).isEqualTo(2 * SPAN + LogFiles.HEADER_SIZE);
            assertThat(follower.read(firstIn(2))).isEqualTo(payloadAt(firstIn(2)));
        }
    }

    @Test
    void aReaderMovingPastFiles_letsGoOfThemByItself_andLeavesTheChainLockFree() throws Exception {
        Path path = dir.resolve("moving-reader");
        try (GrowLog log = GrowLog.open(path, ChainTest.ROLLING); GrowLog follower = GrowLog.openReadOnly(path)) {
            appendUntilFile(log, 3);
            try (LogReader reader = follower.reader(follower.startPosition())) {
                for (long position : positions) { // into the last file, without asking for the end
                    assertThat(reader.next()).isTrue();
                    assertThat(reader.position()).isEqualTo(position);
                }
                assertThat(follower.chain().openFiles()).as("files the follower holds open")
                        .extracting(dev.growlog.internal.file.LogFile::index).containsExactly(3L);
                log.truncateBefore(firstIn(3));
                ChainTest.assertNoDeletedFileHeld(path);
            }
            long inFile3 = firstIn(3);
            byte[] read = ChainTruncationTest.onAnotherThread("a read after the reader let go of files",
                    () -> follower.read(inFile3));
            assertThat(read).isEqualTo(payloadAt(inFile3));
        }
    }

    @Test
    void aFileBelowTheStart_leftOnDiskByAnInterruptedTruncation_isNotOpenedAgain() throws Exception {
        Path path = dir.resolve("left-below-start");
        long start;
        try (GrowLog log = GrowLog.open(path, ChainTest.ROLLING)) {
            appendUntilFile(log, 3);
            start = firstIn(2);
            log.sync();
            // a truncation that wrote its start file and stopped before deleting any file
            StartFile.write(path, LogFiles.readLong(LogFiles.dataFile(path, 0, SPAN), LogFiles.LOG_ID_OFFSET), start,
                    dev.growlog.internal.nativeio.Syscalls.libc());
        }
        try (GrowLog follower = GrowLog.openReadOnly(path)) {
            assertThat(follower.startPosition()).isEqualTo(start);
            assertThat(LogFiles.dataFile(path, 0, SPAN)).exists();
            assertThatThrownBy(() -> follower.chain().fileAt(0)).isInstanceOf(RecordsDroppedException.class);
            assertThatThrownBy(() -> follower.chain().fileAt(1)).isInstanceOf(RecordsDroppedException.class);
            assertThat(follower.chain().fileAt(2)).isNotNull();
            assertThat(follower.chain().openFiles()).extracting(dev.growlog.internal.file.LogFile::index)
                    .doesNotContain(0L, 1L);
        }
    }
}
