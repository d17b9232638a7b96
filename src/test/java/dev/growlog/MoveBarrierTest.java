package dev.growlog;

import dev.growlog.PausingSyscalls.Call;
import dev.growlog.PausingSyscalls.Pause;
import dev.growlog.internal.mapping.GrowableMapping;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A move of the mapping waits until no lease is held on the old addresses: the threads that hold
 * leases (a reader inside {@code next()}, a sync, a zero-copy handler) are stopped at an exact
 * point while another thread needs a move. The {@code Syscalls} double refuses to move or unmap
 * while the test knows a lease is held, so a move that does not wait fails here with an
 * assertion, never with a SIGSEGV; and the test sees the mover wait in the move barrier.
 */
@Timeout(60)
class MoveBarrierTest {
    /** Every growth moves (no headroom); nothing grows ahead of the writer. */
    static final GrowLogConfig MOVES = GrowLogConfig.builder().segmentSize(64 * 1024).initialSize(8192)
            .maxGrowthStep(16 * 1024).headroom(0).pretouchAhead(0).build();

    @TempDir
    Path dir;

    private final PausingSyscalls sys = new PausingSyscalls();
    /** True while the test keeps a lease holder paused. */
    private final AtomicBoolean leaseHeld = new AtomicBoolean();
    private final List<byte[]> payloads = new ArrayList<>();
    private final List<Long> positions = new ArrayList<>();
    /** The thread {@link #moveOnAnotherThread} started last. */
    private Thread mover;

    private static byte[] record(int i) {
        byte[] bytes = new byte[200 + i % 50];
        ByteBuffer.wrap(bytes).putInt(i).putInt(bytes.length - 4, ~i);
        return bytes;
    }

    private void append(GrowLog log) throws Exception {
        byte[] payload = record(payloads.size());
        positions.add(log.append(payload));
        payloads.add(payload);
    }

    /** Appends on a new thread until the mapping has moved once more. */
    private CompletableFuture<Void> moveOnAnotherThread(GrowLog log, String name) {
        CompletableFuture<Void> moved = new CompletableFuture<>();
        mover = new Thread(() -> {
            try {
                long moves = log.stats().moves();
                while (log.stats().moves() == moves) {
                    append(log);
                }
                moved.complete(null);
            } catch (Throwable e) {
                moved.completeExceptionally(e);
            }
        }, name);
        mover.start();
        return moved;
    }

    /**
     * Waits until {@code mover} waits in the move barrier; fails at once, with the double's
     * assertion, if the move went ahead instead.
     */
    private void awaitWaitingForLeases(Thread mover, CompletableFuture<Void> moved, Runnable letGo) throws Exception {
        Await.until(mover.getName() + " waits in the move barrier, or moves without waiting",
                () -> moved.isDone() || Await.isWaitingIn(mover, GrowableMapping.class, "move"));
        if (moved.isDone()) {
            leaseHeld.set(false);
            letGo.run(); // so that the log closes at once
            moved.get(); // throws the double's assertion: the move did not wait
            throw new AssertionError("the mapping moved while a lease was held");
        }
    }

    private void assertEveryRecordReadsBack(GrowLog log) throws Exception {
        for (int i = 0; i < positions.size(); i++) {
            assertThat(log.read(positions.get(i))).as("record %d", i).isEqualTo(payloads.get(i));
        }
        try (LogReader reader = log.reader(log.startPosition())) {
            for (int i = 0; i < positions.size(); i++) {
                assertThat(reader.next()).isTrue();
                assertThat(reader.bytes()).as("record %d", i).isEqualTo(payloads.get(i));
            }
            assertThat(reader.next()).isFalse();
        }
    }

    @Test
    void aMove_whileAReaderHoldsALeaseInsideNext_waitsForIt_thenTheReaderReadsOn() throws Exception {
        sys.forbidMovesWhile(leaseHeld::get);
        try (GrowLog log = GrowLog.open(dir.resolve("reader.glog"), MOVES, sys)) {
            // Fill segment 0 and start segment 1, then move once more: the view cache now holds only
            // the writer's segment, so the reader's first look at segment 0 asks for a new view.
            while (log.endPosition() < MOVES.segmentSize() + 1000) {
                append(log);
            }
            long moves = log.stats().moves();
            while (log.stats().moves() == moves) {
                append(log);
            }
            try (LogReader reader = log.reader(log.startPosition())) {
                CompletableFuture<byte[]> first = new CompletableFuture<>();
                Thread readerThread = new Thread(() -> {
                    try {
                        assertThat(reader.next()).isTrue();
                        first.complete(reader.bytes());
                    } catch (Throwable e) {
                        first.completeExceptionally(e);
                    }
                }, "reader");
                Pause pause = sys.pauseBefore(Call.VIEW, readerThread);
                readerThread.start();
                pause.awaitReached(); // inside next(), under a lease, about to make a view of the old mapping
                leaseHeld.set(true);

                long movesBefore = log.stats().moves();
                CompletableFuture<Void> moved = moveOnAnotherThread(log, "mover");
                awaitWaitingForLeases(mover, moved, pause::resume);
                assertThat(log.mapping().counters().moves()).as("moves while the lease is held").isEqualTo(movesBefore);

                leaseHeld.set(false);
                pause.resume();
                assertThat(first.get(PausingSyscalls.TIMEOUT_SECONDS, TimeUnit.SECONDS)).isEqualTo(payloads.get(0));
                moved.get(PausingSyscalls.TIMEOUT_SECONDS, TimeUnit.SECONDS);
                assertThat(log.stats().moves()).isEqualTo(movesBefore + 1);
                for (int i = 1; i < positions.size(); i++) {
                    assertThat(reader.next()).isTrue();
                    assertThat(reader.bytes()).as("record %d after the move", i).isEqualTo(payloads.get(i));
                }
            }
            assertThat(sys.violations()).isEmpty();
            assertEveryRecordReadsBack(log);
        }
    }

    @Test
    void sync_duringAMove_holdsTheMoveUntilItsLeaseEnds_andBothComplete() throws Exception {
        sys.forbidMovesWhile(leaseHeld::get);
        try (GrowLog log = GrowLog.open(dir.resolve("sync.glog"), MOVES, sys)) {
            for (int i = 0; i < 20; i++) {
                append(log);
            }
            long end = log.endPosition();
            CompletableFuture<Void> synced = new CompletableFuture<>();
            Thread syncer = new Thread(() -> {
                try {
                    log.sync();
                    synced.complete(null);
                } catch (Throwable e) {
                    synced.completeExceptionally(e);
                }
            }, "syncer");
            Pause pause = sys.pauseAfter(Call.SIZE, syncer);
            syncer.start();
            pause.awaitReached(); // the sync holds its lease and is about to msync the old addresses
            leaseHeld.set(true);

            long movesBefore = log.stats().moves();
            CompletableFuture<Void> moved = moveOnAnotherThread(log, "mover");
            awaitWaitingForLeases(mover, moved, pause::resume);

            leaseHeld.set(false);
            pause.resume();
            synced.get(PausingSyscalls.TIMEOUT_SECONDS, TimeUnit.SECONDS);
            moved.get(PausingSyscalls.TIMEOUT_SECONDS, TimeUnit.SECONDS);
            assertThat(log.stats().moves()).isEqualTo(movesBefore + 1);
            assertThat(log.stats().syncedPosition()).as("the sync covered what was appended before it")
                    .isGreaterThanOrEqualTo(end);
            log.sync();
            assertThat(log.stats().syncedPosition()).isEqualTo(log.endPosition());
            assertThat(sys.violations()).isEmpty();
            assertEveryRecordReadsBack(log);
        }
    }

    @Test
    void aMove_whileAZeroCopyHandlerRuns_waitsForItsLease_andTheHandlersViewStaysValid() throws Exception {
        sys.forbidMovesWhile(leaseHeld::get);
        try (GrowLog log = GrowLog.open(dir.resolve("handler.glog"), MOVES, sys)) {
            for (int i = 0; i < 20; i++) {
                append(log);
            }
            CountDownLatch inHandler = new CountDownLatch(1);
            CountDownLatch leave = new CountDownLatch(1);
            CompletableFuture<byte[]> seen = new CompletableFuture<>();
            Thread handlerThread = new Thread(() -> {
                try (LogReader reader = log.reader(log.startPosition())) {
                    reader.forEach((position, payload) -> {
                        if (position != positions.get(0)) {
                            return;
                        }
                        inHandler.countDown();
                        try {
                            if (!leave.await(PausingSyscalls.TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                                throw new AssertionError("the test never let the handler go");
                            }
                        } catch (InterruptedException e) {
                            throw new AssertionError(e);
                        }
                        byte[] copy = new byte[payload.remaining()];
                        payload.duplicate().get(copy); // after the move was let go
                        seen.complete(copy);
                    });
                } catch (Throwable e) {
                    seen.completeExceptionally(e);
                }
            }, "handler");
            handlerThread.start();
            assertThat(inHandler.await(PausingSyscalls.TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
            leaseHeld.set(true);

            long movesBefore = log.stats().moves();
            CompletableFuture<Void> moved = moveOnAnotherThread(log, "mover");
            awaitWaitingForLeases(mover, moved, leave::countDown);

            leaseHeld.set(false);
            leave.countDown();
            assertThat(seen.get(PausingSyscalls.TIMEOUT_SECONDS, TimeUnit.SECONDS)).isEqualTo(payloads.get(0));
            moved.get(PausingSyscalls.TIMEOUT_SECONDS, TimeUnit.SECONDS);
            assertThat(log.stats().moves()).isEqualTo(movesBefore + 1);
            assertThat(sys.violations()).isEmpty();
            assertEveryRecordReadsBack(log);
        }
    }
}
