package dev.growlog;

import dev.growlog.error.RecordsDroppedException;
import dev.growlog.internal.chain.StartFile;
import dev.growlog.internal.file.LogFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Truncation of a chain of files: files wholly below the new start are let go of and deleted,
 * also when this log had opened them for reading; a truncation at the start writes nothing; the
 * writer's file at the end of a full file stays the writer's until the next append rolls, which
 * deletes it before it returns; and reads and truncations on different threads never wait for
 * each other once they are done.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ChainTruncationTest {
    static final long SPAN = ChainTest.SPAN;
    static final int PAYLOAD = 1000;

    @TempDir
    Path dir;

    private final List<Long> positions = new ArrayList<>();

    /** Appends numbered records of {@link #PAYLOAD} bytes until one lies in file {@code index}. */
    private void appendUntilFile(GrowLog log, long index) throws IOException {
        while (positions.isEmpty() || positions.get(positions.size() - 1) < index * SPAN) {
            positions.add(log.append(Payloads.numbered(positions.size(), PAYLOAD)));
        }
    }

    /** The position of the first record appended into file {@code index}. */
    private long firstIn(long index) {
        return positions.stream().filter(p -> p >= index * SPAN).findFirst().orElseThrow();
    }

    /** Runs {@code task} on another thread and returns its result; fails if it waits for 30 s. */
    static <T> T onAnotherThread(String what, Callable<T> task) throws Exception {
        FutureTask<T> future = new FutureTask<>(task);
        Thread thread = new Thread(future, "other");
        thread.setDaemon(true);
        thread.start();
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(what + " on another thread waited 30 s: a lock left held?");
        } catch (ExecutionException e) {
            throw new AssertionError(what + " on another thread failed", e.getCause());
        }
    }

    @Test
    void truncateBefore_letsGoOfAFileBelowTheStartThatAReadOpened_soItsDiskIsGivenBack() throws Exception {
        Path path = dir.resolve("read-then-truncated");
        try (GrowLog log = GrowLog.open(path, ChainTest.ROLLING)) {
            appendUntilFile(log, 3);
            log.sync(); // retires the sealed files: the writer holds only its current file
            assertThat(log.read(positions.get(0))).isEqualTo(Payloads.numbered(0, PAYLOAD)); // opens file 0 again
            assertThat(log.chain().openFiles()).extracting(LogFile::index).contains(0L);

            long start = firstIn(2);
            assertThat(log.read(start)).isEqualTo(Payloads.numbered(positions.indexOf(start), PAYLOAD)); // file 2
            LogFile kept = log.chain().openFiles().stream().filter(f -> f.index() == 2).findFirst().orElseThrow();
            log.truncateBefore(start);

            assertThat(ChainTest.dataFiles(path)).first().isEqualTo(LogFiles.dataFileName(2 * SPAN));
            assertThat(log.chain().openFiles()).extracting(LogFile::index).doesNotContain(0L, 1L);
            assertThat(log.chain().openFiles()).as("the open file holding the start").contains(kept);
            assertThat(kept.isClosed()).isFalse();
            ChainTest.assertNoDeletedFileHeld(path);
            assertThat(log.read(start)).isEqualTo(Payloads.numbered(positions.indexOf(start), PAYLOAD));
        }
    }

    @Test
    void truncateBefore_theStartItself_changesNothingOnDisk() throws Exception {
        Path path = dir.resolve("at-the-start");
        try (GrowLog log = GrowLog.open(path, ChainTest.ROLLING)) {
            appendUntilFile(log, 1);
            log.truncateBefore(log.startPosition());
            assertThat(path.resolve(StartFile.NAME)).as("a start file for a start that did not move").doesNotExist();
            assertThat(log.startPosition()).isEqualTo(LogFiles.HEADER_SIZE);
            assertThat(log.read(positions.get(0))).isEqualTo(Payloads.numbered(0, PAYLOAD));
        }
    }

    @Test
    void readsAndTruncations_onDifferentThreads_neverWaitForEachOtherOnceDone() throws Exception {
        Path path = dir.resolve("two-threads");
        try (GrowLog log = GrowLog.open(path, ChainTest.ROLLING)) {
            appendUntilFile(log, 4);
            log.sync(); // retires the sealed files: reading one opens it again under the chain lock

            assertThat(log.read(positions.get(0))).isEqualTo(Payloads.numbered(0, PAYLOAD));
            long start = firstIn(1);
            onAnotherThread("a truncation after this thread opened a file", () -> {
                log.truncateBefore(start);
                return null;
            });
            assertThat(log.startPosition()).isEqualTo(start);

            log.truncateBefore(firstIn(2));
            long inFile3 = firstIn(3);
            byte[] read = onAnotherThread("a read that opens a file after this thread truncated",
                    () -> log.read(inFile3));
            assertThat(read).isEqualTo(Payloads.numbered(positions.indexOf(inFile3), PAYLOAD));
        }
    }

    /** Appends two records that fill file 0 exactly to its span end: the writer stays in it. */
    private static void fillTheFirstFile(GrowLog log) throws IOException {
        int segment = 64 * 1024;
        assertThat(log.append(new byte[segment - LogFiles.HEADER_SIZE - 8])).isEqualTo(LogFiles.HEADER_SIZE);
        assertThat(log.append(new byte[segment - 8])).isEqualTo(segment);
        assertThat(log.endPosition()).isEqualTo(SPAN + LogFiles.HEADER_SIZE);
    }

    @Test
    void truncateBefore_theEndOfAFullFile_keepsItTheWritersOpenFile_whichClosesClean() throws Exception {
        Path path = dir.resolve("full");
        try (GrowLog log = GrowLog.open(path, ChainTest.ROLLING)) {
            fillTheFirstFile(log);
            LogFile writers = log.chain().current();
            log.truncateBefore(log.endPosition());
            assertThat(log.chain().current()).isSameAs(writers);
            assertThat(writers.isClosed()).as("the writer's file, closed by the truncation").isFalse();
            assertThat(log.stats().records()).isEqualTo(2); // still counted from the open file
        }
        try (GrowLog reopened = GrowLog.open(path, ChainTest.ROLLING)) {
            assertThat(reopened.recoveryReport().cleanShutdown()).as("the writer's file shut down clean").isTrue();
            assertThat(reopened.startPosition()).isEqualTo(SPAN + LogFiles.HEADER_SIZE);
        }
    }

    @Test
    void theAppendThatRollsPastAFileWhollyBelowTheStart_deletesItBeforeItReturns() throws Exception {
        Path path = dir.resolve("rolled-past");
        try (GrowLog log = GrowLog.open(path, ChainTest.ROLLING)) {
            fillTheFirstFile(log);
            log.truncateBefore(log.endPosition());
            assertThat(log.append(new byte[10])).isEqualTo(SPAN + LogFiles.HEADER_SIZE);
            assertThat(ChainTest.dataFiles(path)).as("data files when the append returned, before any sync")
                    .containsExactly(LogFiles.dataFileName(SPAN));
            ChainTest.assertNoDeletedFileHeld(path);
        }
    }

    @Test
    void theAppendThatRollsPastAFileWhollyBelowTheStart_insideALease_deletesItInTheBackground() throws Exception {
        Path path = dir.resolve("rolled-past-in-a-lease");
        try (GrowLog log = GrowLog.open(path, ChainTest.ROLLING);
             GrowLog other = GrowLog.open(dir.resolve("other"), ChainTest.ROLLING)) {
            fillTheFirstFile(log);
            log.truncateBefore(log.endPosition());
            long held = other.append(new byte[8]);
            AtomicLong appended = new AtomicLong(-1);
            AtomicReference<Throwable> failed = new AtomicReference<>();
            other.read(held, (position, payload) -> {
                try {
                    appended.set(log.append(new byte[10])); // a lease on the other log is held here
                } catch (IOException | RuntimeException e) {
                    failed.set(e);
                }
            });
            assertThat(failed.get()).isNull();
            assertThat(appended.get()).isEqualTo(SPAN + LogFiles.HEADER_SIZE);
            Path first = LogFiles.dataFile(path, 0, SPAN);
            Await.until("file 0 deleted by the background thread", () -> !Files.exists(first));
            ChainTest.assertNoDeletedFileHeld(path);
            assertThatThrownBy(() -> log.read(LogFiles.HEADER_SIZE)).isInstanceOf(RecordsDroppedException.class);
        }
    }
}
