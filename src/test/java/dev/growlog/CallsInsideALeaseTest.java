package dev.growlog;

import dev.growlog.PausingSyscalls.Call;
import dev.growlog.PausingSyscalls.Pause;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A zero-copy handler runs inside a lease; a move of the mapping waits for that lease. So a call
 * from a handler that waits for a thread that waits for a move would deadlock. Each such call
 * must either work or fail at once with {@link IllegalStateException}: here the other thread is
 * made to hold the lock and be on its way to a move (paused through the {@code Syscalls} double)
 * exactly when the handler calls in.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CallsInsideALeaseTest {
    /** Every growth moves the mapping; only the test's threads grow it. */
    private static final GrowLogConfig MOVES = GrowLogConfig.builder().segmentSize(64 * 1024).initialSize(16 * 1024)
            .maxGrowthStep(16 * 1024).headroom(0).pretouchAhead(0).build();
    private static final long WAIT_SECONDS = 20;

    @TempDir
    Path dir;

    private final PausingSyscalls sys = new PausingSyscalls();

    /** Appends until an append of {@code size} bytes no longer fits in the mapping: it must grow it. */
    private static void fill(GrowLog log, int size) throws Exception {
        long record = LogFiles.recordSize(size);
        while (log.endPosition() + 2 * record <= log.stats().mappedSize()) {
            log.append(new byte[size]);
        }
        while (log.endPosition() + record <= log.stats().mappedSize()) {
            log.append(new byte[0]);
        }
    }

    /**
     * Starts a thread that appends a 4 KiB record which must move the mapping, and returns once
     * it holds the append lock (paused after its growth read the file size), before the move.
     */
    private Mover writerOnItsWayToAMove(GrowLog log, List<Throwable> failures) throws Exception {
        fill(log, 4096);
        Thread writer = daemon("mover", () -> log.append(new byte[4096]), failures);
        Pause pause = sys.pauseAfter(Call.SIZE, writer);
        writer.start();
        pause.awaitReached();
        return new Mover(pause, writer);
    }

    /** The paused writer on its way to a move. */
    private record Mover(Pause pause, Thread thread) {
        /** Lets it go on and waits until its append, and so its move, is done. */
        void finish() throws InterruptedException {
            pause.resume();
            thread.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
            assertThat(thread.isAlive()).as("the paused writer finished its append").isFalse();
        }
    }

    private interface Body {
        void run() throws Exception;
    }

    private static Thread daemon(String name, Body body, List<Throwable> failures) {
        Thread thread = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                synchronized (failures) {
                    failures.add(e);
                }
            }
        }, name);
        thread.setDaemon(true);
        return thread;
    }

    /** Runs {@code call} inside a zero-copy handler on another thread; returns what it threw, or null. */
    private static Throwable fromHandler(GrowLog log, Body call) throws Exception {
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                log.read(log.startPosition(), (position, payload) -> {
                    try {
                        call.run();
                        outcome.complete(null);
                    } catch (Throwable e) {
                        outcome.complete(e);
                    }
                });
            } catch (Throwable e) {
                outcome.completeExceptionally(e);
            }
        }, "handler");
        reader.setDaemon(true);
        reader.start();
        try {
            return outcome.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("the call from the handler neither returned nor failed: deadlocked");
        }
    }

    @Test
    void append_fromAHandler_whileAnotherThreadWaitsToMoveTheMapping_failsAtOnce() throws Exception {
        List<Throwable> failures = new ArrayList<>();
        try (GrowLog log = GrowLog.open(dir.resolve("a.glog"), MOVES, sys)) {
            log.append("first".getBytes());
            Mover mover = writerOnItsWayToAMove(log, failures);

            Throwable thrown = fromHandler(log, () -> log.append("from the handler".getBytes()));

            mover.finish();
            assertThat(thrown).isInstanceOf(IllegalStateException.class).hasMessageContaining("lease");
            assertThat(failures).isEmpty();
            assertThat(log.stats().moves()).isPositive();
        }
    }

    @Test
    void sync_fromAHandler_whileAnotherThreadWaitsToMoveTheMapping_failsAtOnce() throws Exception {
        List<Throwable> failures = new ArrayList<>();
        try (GrowLog log = GrowLog.open(dir.resolve("s.glog"), MOVES, sys)) {
            log.append("first".getBytes());
            Mover mover = writerOnItsWayToAMove(log, failures);

            Throwable thrown = fromHandler(log, log::sync);

            mover.finish();
            assertThat(thrown).isInstanceOf(IllegalStateException.class).hasMessageContaining("lease");
            log.sync();
            assertThat(failures).isEmpty();
        }
    }

    @Test
    void appendDurable_fromAHandler_failsAtOnceAndAppendsNothing() throws Exception {
        try (GrowLog log = GrowLog.open(dir.resolve("d.glog"), MOVES, sys)) {
            log.append("first".getBytes());

            Throwable thrown = fromHandler(log, () -> log.appendDurable("durable".getBytes()));

            assertThat(thrown).isInstanceOf(IllegalStateException.class).hasMessageContaining("lease");
            assertThat(log.stats().records()).isEqualTo(1);
        }
    }

    @Test
    void close_fromAHandler_failsAtOnceAndTheLogStaysOpen() throws Exception {
        try (GrowLog log = GrowLog.open(dir.resolve("c.glog"), MOVES, sys)) {
            long position = log.append("first".getBytes());

            Throwable thrown = fromHandler(log, log::close);

            assertThat(thrown).isInstanceOf(IllegalStateException.class).hasMessageContaining("lease");
            assertThat(log.read(position)).isEqualTo("first".getBytes());
            log.append("after".getBytes());
        }
    }

    @Test
    void truncateBefore_fromAHandler_failsAtOnceAndDropsNothing() throws Exception {
        try (GrowLog log = GrowLog.open(dir.resolve("x.glog"), MOVES, sys)) {
            long first = log.append("first".getBytes());
            long second = log.append("second".getBytes());
            log.sync(); // nothing left to sync: only the truncation itself can refuse

            Throwable thrown = fromHandler(log, () -> log.truncateBefore(second));

            assertThat(thrown).isInstanceOf(IllegalStateException.class).hasMessageContaining("lease");
            assertThat(log.startPosition()).isEqualTo(first);
            assertThat(log.read(first)).isEqualTo("first".getBytes());
        }
    }

    @Test
    void tailerPoll_fromAHandler_failsAtOnceInsteadOfWaitingForAnAppend() throws Exception {
        try (GrowLog log = GrowLog.open(dir.resolve("t.glog"), MOVES, sys);
             Tailer tailer = log.tailer(log.endPosition())) {
            log.append("first".getBytes());
            assertThat(tailer.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

            Throwable thrown = fromHandler(log, () -> tailer.poll(1, TimeUnit.DAYS));

            assertThat(thrown).isInstanceOf(IllegalStateException.class).hasMessageContaining("lease");
        }
    }

    @Test
    void append_fromAHandler_whenItFitsAndNoOneElseAppends_works() throws Exception {
        try (GrowLog log = GrowLog.open(dir.resolve("w.glog"), MOVES, sys)) {
            log.append("first".getBytes());

            Throwable thrown = fromHandler(log, () -> log.append("from the handler".getBytes()));

            assertThat(thrown).isNull();
            assertThat(log.stats().records()).isEqualTo(2);
        }
    }

    @Test
    void sync_fromAHandler_withNothingLeftToSync_returnsAtOnce_butWithARecordToSync_isRefused() throws Exception {
        try (GrowLog log = GrowLog.open(dir.resolve("n.glog"), MOVES, sys)) {
            log.append("first".getBytes());
            log.sync();
            long syncs = log.stats().syncs();

            assertThat(fromHandler(log, log::sync)).isNull();
            assertThat(log.stats().syncs()).isEqualTo(syncs);

            log.append("second".getBytes());
            assertThat(fromHandler(log, log::sync)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("lease");
        }
    }

    @Test
    void append_fromAHandler_whenItMustGrowTheLog_failsAtOnceAndAppendsNothing() throws Exception {
        try (GrowLog log = GrowLog.open(dir.resolve("g.glog"), MOVES, sys)) {
            log.append("first".getBytes());
            fill(log, 4096);
            long records = log.stats().records();

            Throwable thrown = fromHandler(log, () -> log.append(new byte[4096]));

            assertThat(thrown).isInstanceOf(IllegalStateException.class).hasMessageContaining("lease");
            assertThat(log.stats().records()).isEqualTo(records);
            log.append(new byte[4096]); // outside the handler the same append grows the log
            assertThat(log.stats().records()).isEqualTo(records + 1);
        }
    }

    @Test
    void readOnlyFollow_fromAHandler_whileAnotherThreadWaitsToMoveTheMapping_failsAtOnce() throws Exception {
        Path file = dir.resolve("r.glog");
        try (GrowLog writer = GrowLog.open(file, GrowLogConfig.builder().initialSize(16 * 1024).build())) {
            writer.append("first".getBytes());
            writer.sync();
            try (GrowLog reader = GrowLog.openReadOnly(file, GrowLogConfig.builder().headroom(0).build(), sys)) {
                List<Throwable> failures = new ArrayList<>();
                long mapped = reader.stats().mappedSize();
                while (writer.stats().fileSize() <= mapped) {
                    writer.append(new byte[4096]); // the file grows; the reader must follow it
                }
                Thread follower = daemon("follower", reader::endPosition, failures);
                Pause pause = sys.pauseAfter(Call.SIZE, follower);
                follower.start();
                pause.awaitReached(); // it holds the follow lock and is about to move its mapping

                Throwable thrown = fromHandler(reader, reader::endPosition);

                pause.resume();
                follower.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
                assertThat(follower.isAlive()).as("the follower finished").isFalse();
                assertThat(thrown).isInstanceOf(IllegalStateException.class).hasMessageContaining("lease");
                assertThat(failures).isEmpty();
                assertThat(reader.endPosition()).isEqualTo(writer.endPosition());
            }
        }
    }
}
