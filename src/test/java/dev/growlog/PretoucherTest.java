package dev.growlog;

import dev.growlog.error.NativeCallException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.io.UncheckedIOException;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(120)
class PretoucherTest {
    @TempDir
    Path dir;

    private static byte[] record(int i) {
        byte[] bytes = new byte[1000 + i % 100];
        ByteBuffer.wrap(bytes).putInt(i);
        return bytes;
    }

    @Test
    void pretoucher_populatesAndGrowsAheadOfTheWriter_andEveryRecordReadsBack() throws Exception {
        GrowLogConfig config = GrowLogConfig.builder().initialSize(64 * 1024).pretouchAhead(1 << 20).build();
        List<Long> positions = new ArrayList<>();
        try (GrowLog log = GrowLog.open(dir.resolve("a.glog"), config)) {
            for (int i = 0; i < 8000; i++) {
                positions.add(log.append(record(i)));
            }
            Await.until("the pretoucher populated pages ahead of the writer",
                    () -> log.stats().pretouchedBytes() > 0);
            Await.until("the pretoucher grew the mapping past the writer's end",
                    () -> log.stats().mappedSize() > log.stats().endPosition());
            GrowLogStats stats = log.stats();
            assertThat(stats.pretouchedBytes()).isPositive();
            assertThat(stats.mappedSize()).isGreaterThan(stats.endPosition());
            for (int i = 0; i < positions.size(); i++) {
                assertThat(log.read(positions.get(i))).isEqualTo(record(i));
            }
        }
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("growlog-pretoucher a.glog"));
    }


    /**
     * One step at a time, with exact amounts: on open the pretoucher faults in the rest of the
     * data file; when the writer comes within a quarter of the file of its end, the pretoucher
     * (not the writer) reserves the next growth step, grows the file and mapping to it, and faults
     * it in. Each time the test waits until the thread has gone back to sleep.
     */
    @Test
    void pretoucher_faultsInTheFile_thenReservesGrowsAndFaultsInTheNextStep_whenTheWriterNearsTheEnd()
            throws Exception {
        List<String> calls = new CopyOnWriteArrayList<>();
        ForwardingSyscalls recording = new ForwardingSyscalls() {
            @Override
            public void allocate(Path file, int fd, long offset, long length) throws NativeCallException {
                calls.add(Thread.currentThread().getName() + ": allocate " + offset + "+" + length);
                super.allocate(file, fd, offset, length);
            }

            @Override
            public void truncate(Path file, int fd, long length) throws NativeCallException {
                calls.add(Thread.currentThread().getName() + ": truncate " + length);
                super.truncate(file, fd, length);
            }
        };
        long initial = 64 * 1024;
        GrowLogConfig config = GrowLogConfig.builder().initialSize(initial).pretouchAhead(1 << 20).build();
        String name = "growlog-pretoucher " + LogFiles.dataFileName(0);
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        try (GrowLog log = GrowLog.open(dir.resolve("steps"), config, recording)) {
            calls.clear();
            Thread pretoucher = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals(name) && !before.contains(t)).findFirst().orElseThrow();
            assertThat(pretoucher.isDaemon()).as("the pretoucher keeps no JVM alive").isTrue();
            long rest = initial - LogFiles.HEADER_SIZE;
            awaitAsleepWith(log, pretoucher, initial, rest);
            assertThat(calls).isEmpty();

            // A record ending less than a quarter of the file (16 KiB) before its end.
            int length = 46_000;
            log.append(new byte[length]);
            assertThat(initial - log.endPosition()).isLessThan(initial / 4);
            awaitAsleepWith(log, pretoucher, 2 * initial, rest + initial);
            assertThat(calls).containsExactly(pretoucher.getName() + ": allocate " + initial + "+" + initial,
                    pretoucher.getName() + ": truncate " + 2 * initial);
        }
    }

    private static void awaitAsleepWith(GrowLog log, Thread pretoucher, long fileSize, long pretouched) {
        Await.until("the pretoucher sleeps with the file at " + fileSize + " bytes, " + pretouched + " faulted in",
                () -> {
                    GrowLogStats stats = log.stats();
                    return stats.fileSize() == fileSize && stats.mappedSize() == fileSize
                            && stats.pretouchedBytes() == pretouched
                            && Await.isWaitingIn(pretoucher, LockSupport.class, "parkNanos");
                });
    }

    @Test
    void pretoucher_whileTheMappingMoves_leavesRecordsIntact() throws Exception {
        GrowLogConfig config = GrowLogConfig.builder().segmentSize(256 * 1024).initialSize(16 * 1024)
                .maxGrowthStep(64 * 1024).headroom(0).pretouchAhead(256 * 1024).build();
        List<Long> positions = new ArrayList<>();
        try (GrowLog log = GrowLog.open(dir.resolve("b.glog"), config)) {
            for (int i = 0; i < 20_000; i++) {
                positions.add(log.append(record(i)));
            }
            assertThat(log.stats().moves()).isPositive();
            for (int i = 0; i < positions.size(); i++) {
                assertThat(log.read(positions.get(i))).isEqualTo(record(i));
            }
        }
    }

    @Test
    void writerCrossingIntoASegment_usesTheViewThePretoucherLookedUp_andStaleOnesAfterAMoveAreNot()
            throws Exception {
        for (long headroom : new long[] {64L << 20, 0}) {
            GrowLogConfig config = GrowLogConfig.builder().segmentSize(64 * 1024).initialSize(64 * 1024)
                    .maxGrowthStep(128 * 1024).headroom(headroom).pretouchAhead(256 * 1024).build();
            List<Long> positions = new ArrayList<>();
            AtomicInteger lookUps = new AtomicInteger();
            ForwardingSyscalls counting = new ForwardingSyscalls() {
                @Override
                public ByteBuffer view(long address, int length) {
                    if (Thread.currentThread().getName().startsWith("growlog-pretoucher")) {
                        lookUps.incrementAndGet(); // a view-cache miss: the pretoucher looked a segment up
                    }
                    return super.view(address, length);
                }
            };
            try (GrowLog log = GrowLog.open(dir.resolve("views-" + headroom + ".glog"), config, counting)) {
                long segment = config.segmentSize();
                int seenAtCrossing = 0;
                for (int i = 0; i < 1000; i++) {
                    long end = log.endPosition();
                    if ((end + LogFiles.recordSize(record(i).length) - 1) / segment != end / segment) {
                        // The next record crosses into a new segment: first let the pretoucher look it up.
                        int seen = seenAtCrossing;
                        Await.until("the pretoucher looks up the view of segment " + (end / segment + 1),
                                () -> lookUps.get() > seen);
                        seenAtCrossing = lookUps.get();
                    }
                    positions.add(log.append(record(i)));
                }
                assertThat(log.appender().nextViewsUsed()).as("segment switches served by the pretoucher")
                        .isPositive();
                if (headroom == 0) {
                    assertThat(log.stats().moves()).isPositive();
                }
                for (int i = 0; i < positions.size(); i++) {
                    assertThat(log.read(positions.get(i))).isEqualTo(record(i));
                }
            }
        }
    }

    @Test
    void pretoucherThread_runsUnderTheBatchPolicy_soItsWakeUpsDoNotPreemptTheWriter() throws Exception {
        try (GrowLog log = GrowLog.open(dir.resolve("batch.glog"))) {
            log.append(record(1));
            String[] policy = new String[1];
            Await.until("the pretoucher thread has set its policy", () -> {
                policy[0] = pretoucherPolicy();
                return "3".equals(policy[0]);
            });
            assertThat(policy[0]).as("scheduling policy of the pretoucher (3 = SCHED_BATCH)").isEqualTo("3");
        }
    }

    /** The policy field of the pretoucher thread's /proc stat line, or null while it is not found. */
    private static String pretoucherPolicy() {
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                String comm;
                String stat;
                try {
                    comm = Files.readString(task.resolve("comm")).trim();
                    stat = Files.readString(task.resolve("stat"));
                } catch (NoSuchFileException ended) {
                    continue;
                }
                if (comm.startsWith("growlog-pretouc")) {
                    // Fields after the parenthesised name start at field 3; the policy is field 41.
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    return fields[41 - 3];
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return null;
    }

    @Test
    void pretoucher_whenTheKernelRefusesTheBatchPolicy_stillWorksAhead() throws Exception {
        ForwardingSyscalls refusing = new ForwardingSyscalls() {
            @Override
            public void batchScheduling(Path file) throws NativeCallException {
                throw failure(file, "sched_setscheduler", 1, "EPERM", "Operation not permitted");
            }
        };
        GrowLogConfig config = GrowLogConfig.builder().initialSize(64 * 1024).pretouchAhead(1 << 20).build();
        List<Long> positions = new ArrayList<>();
        try (GrowLog log = GrowLog.open(dir.resolve("refused.glog"), config, refusing)) {
            for (int i = 0; i < 4000; i++) {
                positions.add(log.append(record(i)));
            }
            Await.until("the pretoucher populated pages ahead of the writer",
                    () -> log.stats().pretouchedBytes() > 0);
            for (int i = 0; i < positions.size(); i++) {
                assertThat(log.read(positions.get(i))).isEqualTo(record(i));
            }
        }
    }

    @Test
    void pretouchAheadZero_startsNoThread() throws Exception {
        GrowLogConfig config = GrowLogConfig.builder().pretouchAhead(0).build();
        try (GrowLog log = GrowLog.open(dir.resolve("c.glog"), config)) {
            log.append(record(1));
            assertThat(Thread.getAllStackTraces().keySet())
                    .noneMatch(t -> t.getName().equals("growlog-pretoucher c.glog"));
            assertThat(log.stats().pretouchedBytes()).isZero();
        }
    }
}
