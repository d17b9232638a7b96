package dev.growlog;

import dev.growlog.error.GrowLogException;
import dev.growlog.error.NativeCallException;
import dev.growlog.internal.chain.Chain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Rolling to the next file: a writer interrupted while it waits for the next file to be prepared
 * keeps its interrupt and can roll again; prepared files are pretouched; sealed files are synced
 * and marked clean after the sealed sync delay, and by a sync once the oldest were retired; a
 * batch is refused once the writer failed; closing from an interrupted thread keeps the
 * interrupt; and a directory sync that failed is left to the next sync.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ChainRollTest {
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

    private static int cleanFlag(Path log, long index) throws IOException {
        return LogFiles.readInt(LogFiles.dataFile(log, index, SPAN), LogFiles.CLEAN_OFFSET);
    }

    /** Holds the thread that prepares the next file in its first block reservation until released. */
    static final class HeldPreparer extends ForwardingSyscalls {
        final CountDownLatch reached = new CountDownLatch(1);
        final CountDownLatch released = new CountDownLatch(1);
        private volatile boolean armed = true;

        @Override
        public void allocate(Path file, int fd, long offset, long length) throws NativeCallException {
            if (armed && Thread.currentThread().getName().startsWith("growlog-preparer")) {
                armed = false;
                reached.countDown();
                try {
                    if (!released.await(60, TimeUnit.SECONDS)) {
                        throw new AssertionError("the test never released the preparer");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            super.allocate(file, fd, offset, length);
        }
    }

    @Test
    void aWriterInterruptedWhileTheNextFileIsPrepared_failsWithItsInterruptKept_andRollsOnTheNextAppend()
            throws Exception {
        HeldPreparer sys = new HeldPreparer();
        Path path = dir.resolve("interrupted-roll");
        try (GrowLog log = GrowLog.open(path, ChainTest.ROLLING, sys)) {
            long record = LogFiles.recordSize(PAYLOAD);
            while (log.endPosition() + record <= SPAN) {
                positions.add(log.append(Payloads.numbered(positions.size(), PAYLOAD)));
            }
            assertThat(sys.reached.await(30, TimeUnit.SECONDS)).as("the next file being prepared").isTrue();

            Thread.currentThread().interrupt();
            Throwable thrown;
            boolean interrupted;
            try {
                thrown = catchThrowable(() -> log.append(Payloads.numbered(positions.size(), PAYLOAD)));
            } finally {
                interrupted = Thread.interrupted();
            }
            assertThat(thrown).isInstanceOf(InterruptedIOException.class).hasMessageContaining("prepared");
            assertThat(interrupted).as("the writer's interrupt, kept").isTrue();

            sys.released.countDown();
            long rolled = log.append(Payloads.numbered(positions.size(), PAYLOAD));
            assertThat(rolled).isEqualTo(SPAN + LogFiles.HEADER_SIZE);
            positions.add(rolled);
            try (LogReader reader = log.reader(log.startPosition())) {
                for (int i = 0; i < positions.size(); i++) {
                    assertThat(reader.next()).isTrue();
                    assertThat(reader.position()).isEqualTo(positions.get(i));
                    assertThat(Payloads.numberOf(reader.bytes())).isEqualTo(i);
                }
                assertThat(reader.next()).isFalse();
            }
        }
    }

    @Test
    void aPreparedFile_isPretouchedAheadOfTheWriterAfterTheRoll() throws Exception {
        GrowLogConfig config = GrowLogConfig.builder().segmentSize(64 * 1024).rollSize(SPAN).initialSize(8192)
                .maxGrowthStep(64 * 1024).pretouchAhead(16 * 1024).build();
        Path path = dir.resolve("pretouched");
        try (GrowLog log = GrowLog.open(path, config)) {
            appendUntilFile(log, 1);
            assertThat(log.chain().current().index()).isEqualTo(1);
            Await.until("the pretoucher of the prepared file touched pages ahead",
                    () -> log.stats().pretouchedBytes() > 0);
        }
    }

    @Test
    void aSealedFile_isSyncedAndMarkedClean_onceItWaitedTheSealedSyncDelay() throws Exception {
        GrowLogConfig config = GrowLogConfig.builder().segmentSize(64 * 1024).rollSize(SPAN).initialSize(8192)
                .maxGrowthStep(64 * 1024).pretouchAhead(0).sealedSyncDelay(Duration.ofMillis(1)).build();
        Path path = dir.resolve("delayed");
        try (GrowLog log = GrowLog.open(path, config)) {
            appendUntilFile(log, 1);
            Await.until("file 0 marked clean after the delay, without a sync", () -> cleanFlag(path, 0) == 1);
        }
    }

    @Test
    void aSync_afterTheOldestSealedFilesWereRetired_retiresEveryOtherSealedFile() throws Exception {
        Path path = dir.resolve("partly-retired");
        long last = Chain.MAX_SEALED_WAITING + 1;
        try (GrowLog log = GrowLog.open(path, ChainTest.ROLLING)) {
            appendUntilFile(log, last); // one sealed file too many: the oldest is retired at once
            Await.until("file 0 retired", () -> log.chain().openFiles().stream().noneMatch(f -> f.index() == 0));
            // Opening file 0 again takes the chain lock: the retirement, directory sync included, is over.
            assertThat(log.read(positions.get(0))).isEqualTo(Payloads.numbered(0, PAYLOAD));
            assertThat(cleanFlag(path, 1)).as("file 1, still waiting").isZero();

            log.sync();
            for (long index = 0; index < last; index++) {
                assertThat(cleanFlag(path, index)).as("file %d marked clean by the sync", index).isEqualTo(1);
            }
        }
    }

    @Test
    void aBatch_afterASealedFileFailedItsSync_isRefused() throws Exception {
        FaultySyscalls sys = new FaultySyscalls();
        Path path = dir.resolve("failed");
        try (GrowLog log = GrowLog.open(path, ChainTest.ROLLING, sys)) {
            sys.failOnFile(FaultySyscalls.Call.MSYNC, LogFiles.dataFileName(0), 1, "EIO");
            appendUntilFile(log, 1);
            assertThatThrownBy(log::sync).isInstanceOf(GrowLogException.class);
            long end = log.endPosition();

            RecordBatch batch = new RecordBatch().add(new byte[10]).add(new byte[20]);
            assertThatThrownBy(() -> log.append(batch)).isInstanceOf(GrowLogException.class)
                    .hasMessageContaining("failed earlier");
            assertThat(log.endPosition()).as("the end after the refused batch").isEqualTo(end);
        }
    }

    @Test
    void close_fromAnInterruptedThread_keepsTheInterrupt_andShutsDownClean() throws Exception {
        Path path = dir.resolve("closed-interrupted");
        GrowLog log = GrowLog.open(path, ChainTest.ROLLING);
        appendUntilFile(log, 2);
        log.sync();
        boolean interrupted;
        Thread.currentThread().interrupt();
        try {
            log.close();
        } finally {
            interrupted = Thread.interrupted();
        }
        assertThat(interrupted).as("the interrupt, kept through close").isTrue();
        try (GrowLog reopened = GrowLog.open(path, ChainTest.ROLLING)) {
            assertThat(reopened.recoveryReport().cleanShutdown()).isTrue();
            assertThat(reopened.read(positions.get(positions.size() - 1)))
                    .isEqualTo(Payloads.numbered(positions.size() - 1, PAYLOAD));
        }
    }

    @Test
    void aSyncWhoseDirectorySyncFailed_leavesItToTheNextSync_whichCannotSucceedWithoutIt() throws Exception {
        Path path = dir.resolve("directory-sync-failed");
        Thread caller = Thread.currentThread();
        AtomicInteger failures = new AtomicInteger();
        ForwardingSyscalls sys = new ForwardingSyscalls() {
            @Override
            public void syncDirectory(Path directory) throws NativeCallException {
                // Only this thread's: the background retirer syncs the directory too.
                if (Thread.currentThread() == caller && failures.getAndUpdate(n -> Math.max(n - 1, 0)) > 0) {
                    throw new NativeCallException(directory, "fsync", 5, "EIO", "injected fault", "", null);
                }
                super.syncDirectory(directory);
            }
        };
        try (GrowLog log = GrowLog.open(path, ChainTest.ROLLING, sys)) {
            appendUntilFile(log, 1); // the roll renamed file 1 into place: the directory needs a sync
            failures.set(2);
            Throwable first = catchThrowable(log::sync);
            Throwable second = catchThrowable(log::sync);
            assertThat(first).as("the sync that could not sync the directory").isInstanceOf(IOException.class);
            assertThat(second).as("the next sync, the directory still not synced").isInstanceOf(IOException.class);
            log.sync(); // the faults are spent: syncs the directory at last
            assertThat(cleanFlag(path, 0)).isEqualTo(1);
        }
    }
}
