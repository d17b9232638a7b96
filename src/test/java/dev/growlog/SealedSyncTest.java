package dev.growlog;

import dev.growlog.error.NativeCallException;
import dev.growlog.internal.chain.Chain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A roll writes nothing to disk on its own: the file the writer rolled away from waits, unsynced
 * and not marked clean, until a sync, the sealed sync delay, or too many waiting files retire it;
 * and a crash while files wait loses none of their records.
 */
class SealedSyncTest {
    static final long SPAN = 128 * 1024;
    static final GrowLogConfig.Builder ROLLING = GrowLogConfig.builder().segmentSize(64 * 1024).rollSize(SPAN)
            .initialSize(8192).maxGrowthStep(64 * 1024).pretouchAhead(0);

    @TempDir
    Path dir;

    private final SyncWatchingSyscalls sys = new SyncWatchingSyscalls();
    private final List<Long> positions = new ArrayList<>();

    /** Records which files were synced and closed, and lets a test wait for a file to be closed. */
    static final class SyncWatchingSyscalls extends ForwardingSyscalls {
        final Set<Path> synced = ConcurrentHashMap.newKeySet();
        /** Every file closed so far: the background thread may close one before a test waits for it. */
        private final Set<Path> closed = ConcurrentHashMap.newKeySet();

        @Override
        public void msync(Path file, long address, long length) throws NativeCallException {
            synced.add(file);
            super.msync(file, address, length);
        }

        @Override
        public void fdatasync(Path file, int fd) throws NativeCallException {
            synced.add(file);
            super.fdatasync(file, fd);
        }

        @Override
        public void close(Path file, int fd) throws NativeCallException {
            super.close(file, fd);
            closed.add(file);
        }

        void awaitClose(Path file) {
            Await.until(file + " closed by the background thread", () -> closed.contains(file));
        }
    }

    private void appendUntilFile(GrowLog log, long index) throws IOException {
        while (positions.isEmpty() || positions.get(positions.size() - 1) < index * SPAN) {
            positions.add(log.append(Payloads.numbered(positions.size(), 1000)));
        }
    }

    private static int cleanFlag(Path log, long index) throws IOException {
        return LogFiles.readInt(LogFiles.dataFile(log, index, SPAN), LogFiles.CLEAN_OFFSET);
    }

    @Test
    void aRoll_leavesTheSealedFileUnsyncedAndUnmarked_untilTheNextSync() throws Exception {
        Path path = dir.resolve("log");
        Path first = LogFiles.dataFile(path, 0, SPAN);
        try (GrowLog log = GrowLog.open(path, ROLLING.build(), sys)) {
            sys.synced.clear(); // opening syncs the new file once
            appendUntilFile(log, 2);
            assertThat(sys.synced).as("files synced by two rolls").doesNotContain(first);
            assertThat(cleanFlag(path, 0)).as("file 0 marked clean before a sync").isZero();

            log.sync();
            assertThat(sys.synced).contains(first, LogFiles.dataFile(path, 1, SPAN));
            assertThat(cleanFlag(path, 0)).as("file 0 marked clean by the sync").isEqualTo(1);
            assertThat(cleanFlag(path, 1)).as("file 1 marked clean by the sync").isEqualTo(1);
        }
    }

    @Test
    void aZeroDelay_syncsAndClosesTheSealedFileInTheBackgroundAtOnce() throws Exception {
        Path path = dir.resolve("log");
        Path first = LogFiles.dataFile(path, 0, SPAN);
        try (GrowLog log = GrowLog.open(path, ROLLING.sealedSyncDelay(Duration.ZERO).build(), sys)) {
            appendUntilFile(log, 1);
            sys.awaitClose(first);
            assertThat(sys.synced).contains(first);
            assertThat(cleanFlag(path, 0)).as("file 0 marked clean in the background").isEqualTo(1);
        }
    }

    @Test
    void moreSealedFilesThanMayWait_retireTheOldestAtOnce_andKeepTheNewestWaiting() throws Exception {
        Path path = dir.resolve("log");
        long last = Chain.MAX_SEALED_WAITING + 1;
        try (GrowLog log = GrowLog.open(path, ROLLING.build(), sys)) {
            sys.synced.clear(); // opening syncs the new file once
            appendUntilFile(log, last);
            sys.awaitClose(LogFiles.dataFile(path, 0, SPAN));
            assertThat(cleanFlag(path, 0)).as("the oldest sealed file, marked clean").isEqualTo(1);
            assertThat(cleanFlag(path, last - 1)).as("the newest sealed file, still waiting").isZero();
            assertThat(sys.synced).doesNotContain(LogFiles.dataFile(path, last - 1, SPAN));
        }
    }

    @Test
    void aCrashWhileSealedFilesWait_losesNoneOfTheirRecords_andReopenMarksThemClean() throws Exception {
        Path path = dir.resolve("log");
        Path image = dir.resolve("image");
        try (GrowLog log = GrowLog.open(path, ROLLING.build(), sys)) {
            appendUntilFile(log, 4);
            assertThat(cleanFlag(path, 2)).as("file 2 still waiting for its sync").isZero();
            LogFiles.copy(path, image); // what a kill -9 leaves: the page cache, nothing synced since the rolls
        }
        try (GrowLog reopened = GrowLog.open(image, ROLLING.build());
             LogReader reader = reopened.reader(reopened.startPosition())) {
            List<Long> read = new ArrayList<>();
            while (reader.next()) {
                assertThat(reader.bytes()).isEqualTo(Payloads.numbered(read.size(), 1000));
                read.add(reader.position());
            }
            assertThat(read).containsExactlyElementsOf(positions);
            for (long index = 0; index < 4; index++) {
                assertThat(cleanFlag(image, index)).as("file %d sealed clean by the reopen", index).isEqualTo(1);
            }
        }
    }
}
