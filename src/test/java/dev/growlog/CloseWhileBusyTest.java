package dev.growlog;

import dev.growlog.PausingSyscalls.Call;
import dev.growlog.PausingSyscalls.Pause;
import dev.growlog.internal.file.Checkpointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code close()} on one thread while another is stopped at an exact point inside a sync, a
 * growth in place or a move: close waits for it (the test sees the closing thread wait), the
 * stopped operation completes, nothing is unmapped under it, and the log reopens cleanly with
 * every record. (Close during a tailer's wait is in {@link TailerTest}.)
 */
@Timeout(60)
class CloseWhileBusyTest {
    @TempDir
    Path dir;

    private final PausingSyscalls sys = new PausingSyscalls();
    /** True while the test keeps a thread paused that holds a lease or is growing the mapping. */
    private final AtomicBoolean busy = new AtomicBoolean();
    private final List<Long> positions = new ArrayList<>();

    private static byte[] record(int i) {
        return Payloads.numbered(i, 100 + i % 300);
    }

    private void append(GrowLog log) throws Exception {
        positions.add(log.append(record(positions.size())));
    }

    private static CompletableFuture<Void> run(String name, Body body, Thread[] started) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                body.run();
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        }, name);
        started[0] = thread;
        return done;
    }

    private interface Body {
        void run() throws Exception;
    }

    /**
     * Closes {@code log} on another thread while {@code pause} holds a thread, checks that close
     * waits in {@code waitsIn}, then lets the paused thread go and expects both to finish.
     */
    private void closeWhilePaused(GrowLog log, Pause pause, CompletableFuture<Void> paused, Class<?> type,
                                  String waitsIn) throws Exception {
        Thread[] closer = new Thread[1];
        CompletableFuture<Void> closed = run("closer", log::close, closer);
        closer[0].start();
        Await.until("the closer waits in " + type.getSimpleName() + "." + waitsIn + ", or closes at once",
                () -> closed.isDone() || Await.isWaitingIn(closer[0], type, waitsIn));
        busy.set(false);
        pause.resume();
        paused.get(PausingSyscalls.TIMEOUT_SECONDS, TimeUnit.SECONDS);
        closed.get(PausingSyscalls.TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(sys.violations()).as("unmapped under the paused thread").isEmpty();
    }

    /** Appends until the next record does not fit in the mapping: its append must grow it. */
    private void fillMapping(GrowLog log) throws Exception {
        while (log.endPosition() + LogFiles.recordSize(record(positions.size()).length) <= log.stats().mappedSize()) {
            append(log);
        }
    }

    private void assertReopensWithEveryRecord(Path file) throws Exception {
        try (GrowLog log = GrowLog.open(file)) {
            assertThat(log.recoveryReport().cleanShutdown()).as("closed cleanly").isTrue();
            assertThat(log.stats().records()).isEqualTo(positions.size());
            for (int i = 0; i < positions.size(); i++) {
                assertThat(log.read(positions.get(i))).as("record %d", i).isEqualTo(record(i));
            }
        }
    }

    @Test
    void close_duringASync_waitsForIt_andTheSyncCompletes() throws Exception {
        Path file = dir.resolve("sync.glog");
        sys.forbidMovesWhile(busy::get);
        GrowLog log = GrowLog.open(file, MoveBarrierTest.MOVES, sys);
        for (int i = 0; i < 50; i++) {
            append(log);
        }
        Thread[] syncer = new Thread[1];
        CompletableFuture<Void> synced = run("syncer", log::sync, syncer);
        Pause pause = sys.pauseAfter(Call.SIZE, syncer[0]);
        syncer[0].start();
        pause.awaitReached(); // the sync holds its lease and the sync lock
        busy.set(true);

        closeWhilePaused(log, pause, synced, Checkpointer.class, "checkpoint");
        assertReopensWithEveryRecord(file);
    }

    @Test
    void close_duringAGrowthInPlace_waitsForIt_andTheAppendCompletes() throws Exception {
        Path file = dir.resolve("growth.glog");
        GrowLogConfig config = GrowLogConfig.builder().segmentSize(64 * 1024).initialSize(8192)
                .maxGrowthStep(16 * 1024).pretouchAhead(0).build();
        GrowLog log = GrowLog.open(file, config, sys);
        fillMapping(log);
        long growths = log.stats().growths();
        Thread[] writer = new Thread[1];
        CompletableFuture<Void> grown = run("writer", () -> append(log), writer);
        Pause pause = sys.pauseAfter(Call.ALLOCATE, writer[0]);
        writer[0].start();
        pause.awaitReached(); // blocks reserved, file not yet extended, mapping not yet grown

        closeWhilePaused(log, pause, grown, GrowLog.class, "close");
        assertThat(log.mapping().counters().growths()).as("the growth completed").isEqualTo(growths + 1);
        assertThat(log.mapping().counters().moves()).as("in place").isZero();
        assertReopensWithEveryRecord(file);
    }

    @Test
    void close_duringAMove_waitsForIt_andTheAppendCompletes() throws Exception {
        Path file = dir.resolve("move.glog");
        GrowLog log = GrowLog.open(file, MoveBarrierTest.MOVES, sys);
        fillMapping(log);
        long moves = log.stats().moves();
        Thread[] writer = new Thread[1];
        CompletableFuture<Void> moved = run("writer", () -> append(log), writer);
        Pause pause = sys.pauseBefore(Call.REMAP_TO, writer[0]);
        writer[0].start();
        pause.awaitReached(); // inside the move barrier, about to move the mapping

        closeWhilePaused(log, pause, moved, GrowLog.class, "close");
        assertThat(log.mapping().counters().moves()).as("the move completed").isEqualTo(moves + 1);
        assertReopensWithEveryRecord(file);
    }
}
