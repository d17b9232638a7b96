package dev.growlog;

import dev.growlog.error.GrowLogException;
import dev.growlog.error.NativeCallException;
import dev.growlog.internal.file.Checkpointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The durability policies and group commit, observed through {@link GrowLogStats#syncedPosition()}
 * (every record before it is durable) and the checkpoint in the file header.
 */
class DurabilityTest {
    @TempDir
    Path dir;

    private static long endOf(long position, int length) {
        return position + LogFiles.recordSize(length);
    }

    /** A durable append as its thread saw it return. */
    record Acked(long position, long end, long syncedOnReturn, int line) {
    }

    @Test
    @Timeout(120)
    void durableAppendsFromFourThreads_areAllDurableOnReturn_andShareSyncs() throws Exception {
        int threads = 4;
        int perThread = 150;
        List<byte[]> lines = Samples.apache();
        try (GrowLog log = GrowLog.open(dir.resolve("group.glog"))) {
            long syncsBefore = log.stats().syncs();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<Acked>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    start.await();
                    List<Acked> appended = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        int index = thread * perThread + i;
                        long position = log.appendDurable(lines.get(index));
                        long synced = log.stats().syncedPosition();
                        appended.add(new Acked(position, endOf(position, lines.get(index).length), synced, index));
                    }
                    return appended;
                }));
            }
            start.countDown();
            pool.shutdown();
            assertThat(pool.awaitTermination(2, TimeUnit.MINUTES)).isTrue();
            long syncs = log.stats().syncs() - syncsBefore;
            System.out.println("group commit: " + threads * perThread + " durable appends, " + syncs + " syncs");
            for (Future<List<Acked>> result : results) {
                for (Acked a : result.get()) {
                    assertThat(a.syncedOnReturn()).as("synced position when the durable append at %d returned",
                            a.position()).isGreaterThanOrEqualTo(a.end());
                    assertThat(log.read(a.position())).isEqualTo(lines.get(a.line()));
                }
            }
            assertThat(syncs).as("syncs for %d durable appends (group commit shares them)", threads * perThread)
                    .isPositive().isLessThan(threads * perThread);
            assertThat(log.checkpointInFile()).as("checkpoint in the header").isEqualTo(log.endPosition());
        }
    }

    @Test
    void everyAppendPolicy_returnsEachAppendDurable_whicheverAppendMethodIsUsed() throws Exception {
        try (GrowLog log = GrowLog.open(dir.resolve("every.glog"), GrowLogConfig.builder()
                .durability(Durability.EVERY_APPEND).build())) {
            for (int i = 0; i < 50; i++) {
                byte[] line = Samples.apache().get(i);
                long position = i % 2 == 0 ? log.append(line) : log.append(ByteBuffer.wrap(line));
                assertThat(log.stats().syncedPosition()).as("synced position after append %d", i)
                        .isGreaterThanOrEqualTo(endOf(position, line.length));
                assertThat(log.checkpointInFile()).isGreaterThanOrEqualTo(endOf(position, line.length));
            }
        }
    }

    @Test
    void appendDurable_underTheNonePolicy_returnsEachRecordDurable_fromAnArrayOrABuffer() throws Exception {
        try (GrowLog log = GrowLog.open(dir.resolve("durable.glog"))) {
            long previousEnd = log.endPosition();
            for (int i = 0; i < 10; i++) {
                byte[] line = Samples.apache().get(i);
                long position = i % 2 == 0 ? log.appendDurable(line) : log.appendDurable(ByteBuffer.wrap(line));
                assertThat(position).as("position of durable append %d", i).isEqualTo(previousEnd);
                previousEnd = endOf(position, line.length);
                assertThat(log.stats().syncedPosition()).as("synced position after durable append %d", i)
                        .isEqualTo(previousEnd);
                assertThat(log.checkpointInFile()).isEqualTo(previousEnd);
                assertThat(log.read(position)).isEqualTo(line);
            }
        }
    }

    @Test
    void nonePolicy_syncsOnlyWhenAsked() throws Exception {
        try (GrowLog log = GrowLog.open(dir.resolve("none.glog"))) {
            long syncedAtOpen = log.stats().syncedPosition();
            long syncsAtOpen = log.stats().syncs();
            for (int i = 0; i < 100; i++) {
                log.append(Samples.apache().get(i));
            }
            assertThat(flushers(log.directory())).as("flusher threads under the NONE policy").isEmpty();
            assertThat(log.stats().syncedPosition()).isEqualTo(syncedAtOpen);
            assertThat(log.stats().syncs()).isEqualTo(syncsAtOpen);
            log.sync();
            assertThat(log.stats().syncedPosition()).isEqualTo(log.endPosition());
            assertThat(log.checkpointInFile()).isEqualTo(log.endPosition());
        }
    }

    @Test
    @Timeout(120)
    void intervalPolicy_catchesUpWithoutAnExplicitSync_andIdlesWhenNothingIsNew() throws Exception {
        Duration interval = Duration.ofMillis(20);
        Path file = dir.resolve("interval.glog");
        FaultySyscalls sys = new FaultySyscalls();
        GrowLog log = GrowLog.open(file, GrowLogConfig.builder().durability(Durability.INTERVAL)
                .syncInterval(interval).build(), sys);
        try {
            assertThat(flushers(file)).as("flusher threads while open").hasSize(1);
            for (int i = 0; i < 200; i++) {
                log.append(Samples.apache().get(i));
            }
            long end = log.endPosition();
            Await.until("the flusher syncs up to " + end, () -> log.stats().syncedPosition() >= end);
            assertThat(log.stats().syncedPosition()).as("synced position without an explicit sync").isEqualTo(end);
            assertThat(log.checkpointInFile()).isEqualTo(end);

            // The msync that reached the end is done once the synced position shows it; any
            // later msync would be a sync with nothing new. Ten intervals are the window in
            // which one must not happen: a window for a negative check, not a wait for a thread.
            int msyncs = sys.calls(FaultySyscalls.Call.MSYNC);
            Thread flusher = flushers(file).get(0);
            assertThat(flusher.isDaemon()).as("the flusher keeps no JVM alive").isTrue();
            for (int look = 0; look < 10; look++) {
                Await.waitingIn(flusher, LockSupport.class, "parkNanos");
                LockSupport.parkNanos(interval.toNanos());
            }
            assertThat(sys.calls(FaultySyscalls.Call.MSYNC)).as("msync calls while nothing was appended")
                    .isEqualTo(msyncs);
        } finally {
            log.close();
        }
        assertThat(flushers(file)).as("flusher threads after close").isEmpty();
    }

    @Test
    @Timeout(60)
    void close_stopsTheFlusher_evenRightAfterAppends() throws Exception {
        Path file = dir.resolve("stop.glog");
        for (int round = 0; round < 5; round++) {
            GrowLog log = GrowLog.open(file, GrowLogConfig.builder().durability(Durability.INTERVAL)
                    .syncInterval(Duration.ofMillis(1)).build());
            for (int i = 0; i < 100; i++) {
                log.append(Samples.apache().get(i));
            }
            log.close();
            assertThat(flushers(file)).as("flusher threads after close, round %d", round).isEmpty();
        }
        try (GrowLog log = GrowLog.open(file)) {
            assertThat(log.stats().records()).isEqualTo(500);
        }
    }

    private static List<Thread> flushers(Path file) {
        String name = "growlog-flusher " + file.getFileName();
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals(name) && t.isAlive()).toList();
    }
    @Test
    void aSync_isOneMsync_andLeavesTheCheckpointInTheHeaderPage() throws Exception {
        FaultySyscalls sys = new FaultySyscalls();
        try (GrowLog log = GrowLog.open(dir.resolve("one-msync.glog"), GrowLogConfig.defaults(), sys)) {
            for (int round = 1; round <= 5; round++) {
                for (int i = 0; i < 10 * round; i++) {
                    log.append(Samples.apache().get(i));
                }
                int before = sys.calls(FaultySyscalls.Call.MSYNC);
                log.sync();
                assertThat(sys.calls(FaultySyscalls.Call.MSYNC) - before).as("msync calls for sync %d", round)
                        .isEqualTo(1);
                assertThat(log.stats().syncedPosition()).isEqualTo(log.endPosition());
                assertThat(log.checkpointInFile()).as("checkpoint in the header page").isEqualTo(log.endPosition());
            }
            int before = sys.calls(FaultySyscalls.Call.MSYNC);
            log.sync();
            assertThat(sys.calls(FaultySyscalls.Call.MSYNC)).as("a sync with nothing new").isEqualTo(before);
        }
    }

    @Test
    void aSync_takesTheHeaderPage_onlyWhenItsCheckpointIsAMebibytePastTheOneLastSynced() throws Exception {
        List<long[]> msyncs = new ArrayList<>();
        ForwardingSyscalls sys = new ForwardingSyscalls() {
            @Override
            public void msync(Path file, long address, long length) throws NativeCallException {
                msyncs.add(new long[] {address, length});
                super.msync(file, address, length);
            }
        };
        GrowLogConfig config = GrowLogConfig.builder().headroom(64L << 20).build();
        try (GrowLog log = GrowLog.open(dir.resolve("header-page.glog"), config, sys)) {
            assertThat(msyncs).as("the checkpoint at open syncs the header page").isNotEmpty();
            long base = msyncs.get(msyncs.size() - 1)[0];
            long headerSynced = log.stats().syncedPosition();
            int withHeader = 0;
            byte[] record = new byte[10_000];
            while (log.endPosition() < 4 * Checkpointer.HEADER_SYNC_STRIDE) {
                for (int i = 0; i < 7; i++) {
                    log.append(record);
                }
                long before = log.stats().syncedPosition();
                int calls = msyncs.size();
                log.sync();
                assertThat(msyncs.size() - calls).as("one msync per sync").isEqualTo(1);
                long[] call = msyncs.get(msyncs.size() - 1);
                boolean due = before - headerSynced >= Checkpointer.HEADER_SYNC_STRIDE;
                if (due) {
                    assertThat(call[0]).as("a sync that takes the header page starts at it").isEqualTo(base);
                    headerSynced = before;
                    withHeader++;
                } else {
                    assertThat(call[0]).as("a sync without the header page starts at the previous sync's page")
                            .isEqualTo(base + (before & -4096L));
                }
                assertThat(call[0] + call[1]).as("and ends at the end").isEqualTo(base + log.endPosition());
                assertThat(log.checkpointInFile()).as("checkpoint in the header page").isEqualTo(log.endPosition());
            }
            assertThat(withHeader).isEqualTo(3);
        }
    }

    @Test
    void aSync_takesTheHeaderPage_whenItsCheckpointIsExactlyAMebibytePastTheOneLastSynced() throws Exception {
        List<Long> msyncStarts = new ArrayList<>();
        ForwardingSyscalls sys = new ForwardingSyscalls() {
            @Override
            public void msync(Path file, long address, long length) throws NativeCallException {
                msyncStarts.add(address);
                super.msync(file, address, length);
            }
        };
        try (GrowLog log = GrowLog.open(dir.resolve("stride.glog"), GrowLogConfig.defaults(), sys)) {
            long base = msyncStarts.get(msyncStarts.size() - 1);
            long start = log.stats().syncedPosition();
            for (int i = 0; i < Checkpointer.HEADER_SYNC_STRIDE / 8192; i++) {
                log.append(new byte[8192 - 8]);
            }
            assertThat(log.endPosition()).isEqualTo(start + Checkpointer.HEADER_SYNC_STRIDE);
            log.sync();
            assertThat(msyncStarts.get(msyncStarts.size() - 1)).as("the first sync leaves the header page")
                    .isEqualTo(base + start);
            log.append(new byte[1]);
            log.sync(); // the header page holds a checkpoint exactly one stride past the one synced at open
            assertThat(msyncStarts.get(msyncStarts.size() - 1)).as("the second sync takes it").isEqualTo(base);
        }
    }

    /**
     * A durable append that waits while another thread's sync runs must not return when that
     * sync fails: its record was not made durable, and the log has failed.
     */
    @Test
    @Timeout(60)
    void aDurableAppendWaitingForAnotherThreadsSync_thatFails_throwsInsteadOfReturning() throws Exception {
        CountDownLatch inMsync = new CountDownLatch(1);
        CountDownLatch releaseMsync = new CountDownLatch(1);
        AtomicBoolean failNextMsync = new AtomicBoolean();
        ForwardingSyscalls syscalls = new ForwardingSyscalls() {
            @Override
            public void msync(Path file, long address, long length) throws NativeCallException {
                if (failNextMsync.compareAndSet(true, false)) {
                    inMsync.countDown();
                    awaitUninterruptibly(releaseMsync);
                    throw failure(file, "msync", 5, "EIO", "Input/output error");
                }
                super.msync(file, address, length);
            }
        };
        try (GrowLog log = GrowLog.open(dir.resolve("failing.glog"), GrowLogConfig.defaults(), syscalls)) {
            failNextMsync.set(true);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                byte[] line = Samples.apache().get(0);
                Future<Long> first = pool.submit(() -> log.appendDurable(line));
                assertThat(inMsync.await(10, TimeUnit.SECONDS)).isTrue();
                AtomicReference<Thread> second = new AtomicReference<>();
                Future<Long> waiting = pool.submit(() -> {
                    second.set(Thread.currentThread());
                    return log.appendDurable(line);
                });
                Await.until("the second thread appended", () -> second.get() != null && log.stats().records() >= 2);
                Await.waitingIn(second.get(), Checkpointer.class, "takeTurn"); // it waits for the running sync
                releaseMsync.countDown();
                assertThat(catchThrowable(() -> first.get(10, TimeUnit.SECONDS)))
                        .hasRootCauseInstanceOf(NativeCallException.class);
                assertThat(catchThrowable(() -> waiting.get(10, TimeUnit.SECONDS)))
                        .isInstanceOf(ExecutionException.class).cause().isInstanceOf(GrowLogException.class)
                        .hasMessageContaining("failed earlier");
            } finally {
                releaseMsync.countDown();
                pool.shutdownNow();
            }
        }
    }

    @Test
    @Timeout(60)
    void aThreadInterruptedWhileAnotherSyncs_stillReturnsDurable_andKeepsItsInterrupt() throws Exception {
        CountDownLatch inMsync = new CountDownLatch(1);
        CountDownLatch releaseMsync = new CountDownLatch(1);
        AtomicBoolean holdNextMsync = new AtomicBoolean();
        ForwardingSyscalls syscalls = new ForwardingSyscalls() {
            @Override
            public void msync(Path file, long address, long length) throws NativeCallException {
                if (holdNextMsync.compareAndSet(true, false)) {
                    inMsync.countDown();
                    awaitUninterruptibly(releaseMsync);
                }
                super.msync(file, address, length);
            }
        };
        try (GrowLog log = GrowLog.open(dir.resolve("interrupt.glog"), GrowLogConfig.defaults(), syscalls)) {
            holdNextMsync.set(true);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                byte[] line = Samples.apache().get(0);
                Future<Long> first = pool.submit(() -> log.appendDurable(line));
                assertThat(inMsync.await(10, TimeUnit.SECONDS)).isTrue();
                AtomicReference<Thread> second = new AtomicReference<>();
                Future<Boolean> interruptedOnReturn = pool.submit(() -> {
                    second.set(Thread.currentThread());
                    long position = log.appendDurable(line);
                    assertThat(log.stats().syncedPosition()).isGreaterThanOrEqualTo(endOf(position, line.length));
                    return Thread.interrupted();
                });
                Await.until("the second thread appended", () -> second.get() != null && log.stats().records() >= 2);
                Await.waitingIn(second.get(), Checkpointer.class, "takeTurn"); // it waits for the running sync
                second.get().interrupt();
                releaseMsync.countDown();
                assertThat(first.get(10, TimeUnit.SECONDS)).isNotNegative();
                assertThat(interruptedOnReturn.get(10, TimeUnit.SECONDS)).as("interrupt flag on return").isTrue();
                assertThat(log.stats().syncedPosition()).isEqualTo(log.endPosition());
            } finally {
                releaseMsync.countDown();
                pool.shutdownNow();
            }
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                if (!latch.await(30, TimeUnit.SECONDS)) {
                    throw new AssertionError("the test never released the held msync");
                }
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
