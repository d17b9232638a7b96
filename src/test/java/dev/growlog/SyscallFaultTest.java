package dev.growlog;

import dev.growlog.FaultySyscalls.Call;
import dev.growlog.error.GrowLogException;
import dev.growlog.error.LogFullException;
import dev.growlog.error.NativeCallException;
import dev.growlog.internal.chain.DataFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Fails the Nth fallocate, ftruncate, mremap or msync through a {@link Syscalls} double and
 * checks the documented outcome: growth that fails leaves the log exactly as it was and usable;
 * a sync that fails moves the writer to a failed state that refuses writes but not reads; a log
 * whose next file cannot be created refuses appends the same way a full disk does; and an open that fails
 * midway releases every descriptor and mapping it took.
 */
class SyscallFaultTest {
    /** Small segments and growth steps (growth every few dozen records), no pretoucher: every injected fault hits the appending thread. */
    static final GrowLogConfig SMALL = GrowLogConfig.builder().segmentSize(64 * 1024).initialSize(8 * 1024)
            .maxGrowthStep(16 * 1024).pretouchAhead(0).build();

    @TempDir
    Path dir;

    private final FaultySyscalls sys = new FaultySyscalls();
    /** What was appended, by position, in order. */
    private final Map<Long, byte[]> written = new LinkedHashMap<>();
    private int nextLine;

    private GrowLog open(Path file, GrowLogConfig config) throws IOException {
        return GrowLog.open(file, config, sys);
    }

    private long appendLine(GrowLog log) throws IOException {
        byte[] line = Samples.apache().get(nextLine % Samples.apache().size());
        long position = log.append(line);
        written.put(position, line);
        nextLine++;
        return position;
    }

    /** Appends until a growth is the next thing an append needs, i.e. until the mapping is nearly full. */
    private void fillMapping(GrowLog log) throws IOException {
        while (log.endPosition() + 2048 < log.stats().mappedSize()) {
            appendLine(log);
        }
    }

    /** Every record written is at its position with its bytes, and a scan returns exactly them, in order. */
    private void assertAllRecordsIntact(GrowLog log) throws IOException {
        for (Map.Entry<Long, byte[]> e : written.entrySet()) {
            assertThat(log.read(e.getKey())).as("record at %d", e.getKey()).isEqualTo(e.getValue());
        }
        List<Long> scanned = new ArrayList<>();
        try (LogReader reader = log.reader(log.startPosition())) {
            while (reader.next()) {
                assertThat(reader.bytes()).as("record at %d", reader.position())
                        .isEqualTo(written.get(reader.position()));
                scanned.add(reader.position());
            }
        }
        assertThat(scanned).as("positions a scan returns").isEqualTo(new ArrayList<>(written.keySet()));
    }

    /** Appends until {@code failure} is thrown by the append that needs to grow; checks that it changed nothing. */
    private Throwable appendUntilGrowthFails(GrowLog log, Path file) throws IOException {
        for (int i = 0; i < 10_000; i++) {
            long sizeBefore = LogFiles.size(file);
            long endBefore = log.endPosition();
            GrowLogStats before = log.stats();
            Throwable failure = catchThrowable(() -> appendLine(log));
            if (failure != null) {
                assertThat(LogFiles.size(file)).as("file size after the failed growth").isEqualTo(sizeBefore);
                assertThat(log.endPosition()).as("end position after the failed growth").isEqualTo(endBefore);
                GrowLogStats after = log.stats();
                assertThat(after.records()).isEqualTo(before.records());
                assertThat(after.fileSize()).isEqualTo(before.fileSize());
                assertThat(after.mappedSize()).isEqualTo(before.mappedSize());
                return failure;
            }
        }
        throw new AssertionError("the injected fault never fired");
    }

    @Test
    void thirdFallocate_failingWithEnospc_throwsLogFull_leavesTheLogAsItWas_andTheNextAppendGrowsIt() throws Exception {
        Path file = dir.resolve("enospc.glog");
        try (GrowLog log = open(file, SMALL)) {
            int callsBefore = sys.calls(Call.ALLOCATE);
            sys.failNth(Call.ALLOCATE, 3, "ENOSPC");
            Throwable failure = appendUntilGrowthFails(log, file);
            assertThat(sys.calls(Call.ALLOCATE) - callsBefore).as("fallocate calls up to the failure").isEqualTo(3);
            assertThat(failure).isInstanceOf(LogFullException.class).hasMessageContaining(file.toString())
                    .hasCauseInstanceOf(NativeCallException.class);
            assertThat(((NativeCallException) failure.getCause()).errnoName()).isEqualTo("ENOSPC");
            assertAllRecordsIntact(log);

            long sizeBefore = LogFiles.size(file);
            appendLine(log); // the fault fired once: space is back
            assertThat(LogFiles.size(file)).as("the file grew").isGreaterThan(sizeBefore);
            for (int i = 0; i < 200; i++) {
                appendLine(log);
            }
            assertAllRecordsIntact(log);
        }
        try (GrowLog log = GrowLog.open(file)) {
            assertThat(log.recoveryReport().cleanShutdown()).isTrue();
            assertAllRecordsIntact(log);
        }
    }

    @Test
    void fallocateFailingWithEio_throwsTheNativeError_notLogFull_andTheLogStaysUsable() throws Exception {
        Path file = dir.resolve("eio.glog");
        try (GrowLog log = open(file, SMALL)) {
            fillMapping(log);
            sys.failNth(Call.ALLOCATE, 1, "EIO");
            Throwable failure = appendUntilGrowthFails(log, file);
            assertThat(failure).isExactlyInstanceOf(NativeCallException.class).hasMessageContaining("EIO")
                    .hasMessageContaining("fallocate").hasMessageContaining(file.toString());
            for (int i = 0; i < 200; i++) {
                appendLine(log);
            }
            log.sync();
            assertAllRecordsIntact(log);
        }
        try (GrowLog log = GrowLog.open(file)) {
            assertAllRecordsIntact(log);
        }
    }

    /**
     * On ext4 a failed {@code fallocate} may keep blocks and extend the file. The double extends
     * the data file as ext4 would before it fails; growth must put the size back (and, when that
     * fails too, say so alongside the original failure).
     */
    @Test
    void fallocateFailingAfterItExtendedTheFile_putsTheSizeBack_andThrowsLogFull() throws Exception {
        Path logDir = dir.resolve("extended");
        AtomicBoolean failAllocate = new AtomicBoolean();
        AtomicBoolean failTruncate = new AtomicBoolean();
        ForwardingSyscalls extending = new ForwardingSyscalls() {
            @Override
            public void allocate(Path f, int fd, long offset, long length) throws NativeCallException {
                if (failAllocate.getAndSet(false)) {
                    super.truncate(f, fd, offset + length);
                    throw failure(f, "fallocate", 28, "ENOSPC", "No space left on device");
                }
                super.allocate(f, fd, offset, length);
            }

            @Override
            public void truncate(Path f, int fd, long length) throws NativeCallException {
                if (failTruncate.getAndSet(false)) {
                    throw failure(f, "ftruncate", 5, "EIO", "Input/output error");
                }
                super.truncate(f, fd, length);
            }
        };
        try (GrowLog log = GrowLog.open(logDir, SMALL, extending)) {
            Path file = LogFiles.dataFile(log, 0);
            fillMapping(log);
            failAllocate.set(true);
            assertThat(appendUntilGrowthFails(log, file)).isInstanceOf(LogFullException.class)
                    .hasMessageContaining(file.toString());

            long size = Files.size(file);
            failAllocate.set(true);
            failTruncate.set(true);
            Throwable failure = catchThrowable(() -> appendLine(log));
            assertThat(failure).isInstanceOf(LogFullException.class).hasCauseInstanceOf(NativeCallException.class);
            assertThat(failure.getCause().getSuppressed()).singleElement().isInstanceOf(NativeCallException.class)
                    .extracting(Throwable::getMessage).asString().contains("ftruncate");
            assertThat(Files.size(file)).as("the size could not be put back").isGreaterThan(size);
            assertThat(log.stats().fileSize()).as("the size the log goes on from").isEqualTo(size);

            for (int i = 0; i < 200; i++) {
                appendLine(log);
            }
            assertAllRecordsIntact(log);
        }
        try (GrowLog log = GrowLog.open(logDir)) {
            assertAllRecordsIntact(log);
        }
    }

    @Test
    void ftruncateFailingWithEnospcAfterTheBlocksWereReserved_throwsLogFull_andKeepsTheFileSize() throws Exception {
        Path file = dir.resolve("ftruncate.glog");
        try (GrowLog log = open(file, SMALL)) {
            fillMapping(log);
            sys.failNth(Call.TRUNCATE, 1, "ENOSPC");
            Throwable failure = appendUntilGrowthFails(log, file);
            assertThat(failure).isInstanceOf(LogFullException.class);
            for (int i = 0; i < 200; i++) {
                appendLine(log);
            }
            assertAllRecordsIntact(log);
        }
        try (GrowLog log = GrowLog.open(file)) {
            assertAllRecordsIntact(log);
        }
    }

    @Test
    void mremapInPlaceFailing_throws_andTheNextGrowthMovesTheMapping_withEveryRecordIntact() throws Exception {
        Path file = dir.resolve("mremap-in-place.glog");
        try (GrowLog log = open(file, SMALL)) {
            fillMapping(log);
            sys.failNth(Call.REMAP_IN_PLACE, 1, "EFAULT");
            Throwable failure = catchThrowable(() -> {
                for (int i = 0; i < 10_000; i++) {
                    appendLine(log);
                }
            });
            assertThat(failure).isInstanceOf(NativeCallException.class).hasMessageContaining("mremap");
            long movesBefore = log.stats().moves();
            assertAllRecordsIntact(log);
            for (int i = 0; i < 500; i++) {
                appendLine(log);
            }
            assertThat(log.stats().moves()).as("moves after the failed in-place growth").isGreaterThan(movesBefore);
            assertAllRecordsIntact(log);
        }
        try (GrowLog log = GrowLog.open(file)) {
            assertAllRecordsIntact(log);
        }
    }

    @Test
    void mremapMoveFailing_throws_leavesTheMappingWhereItWas_andLaterMovesSucceed() throws Exception {
        Path file = dir.resolve("mremap-move.glog");
        try (GrowLog log = open(file, GrowLogConfig.builder().segmentSize(64 * 1024).initialSize(8 * 1024)
                .maxGrowthStep(16 * 1024).headroom(0).pretouchAhead(0).build())) {
            sys.refuseInPlaceGrowth(true);
            fillMapping(log);
            long generation = log.stats().generation();
            sys.failNth(Call.REMAP_TO, 1, "ENOMEM");
            long sizeBefore = LogFiles.size(file);
            Throwable failure = catchThrowable(() -> {
                for (int i = 0; i < 10_000; i++) {
                    appendLine(log);
                }
            });
            assertThat(failure).isInstanceOf(NativeCallException.class).hasMessageContaining("mremap")
                    .hasMessageContaining("ENOMEM");
            assertThat(log.stats().generation()).as("the mapping did not move").isEqualTo(generation);
            assertThat(LogFiles.size(file)).as("the file was extended before the mapping failed to follow")
                    .isGreaterThanOrEqualTo(sizeBefore);
            assertAllRecordsIntact(log);
            for (int i = 0; i < 500; i++) {
                appendLine(log);
            }
            assertThat(log.stats().moves()).isGreaterThan(2);
            assertAllRecordsIntact(log);
        }
        try (GrowLog log = GrowLog.open(file)) {
            assertAllRecordsIntact(log);
        }
    }

    @Test
    void msyncFailing_failsTheSync_thenAppendsAndSyncsAreRefused_readsStillWork_andCloseDoesNotThrowAgain()
            throws Exception {
        Path file = dir.resolve("msync.glog");
        GrowLog log = open(file, SMALL);
        for (int i = 0; i < 300; i++) {
            appendLine(log);
        }
        log.sync();
        for (int i = 0; i < 50; i++) {
            appendLine(log);
        }
        long syncedBefore = log.stats().syncedPosition();
        int msyncsBefore = sys.calls(Call.MSYNC);
        sys.failNth(Call.MSYNC, 1, "EIO");

        assertThatThrownBy(log::sync).isInstanceOf(GrowLogException.class)
                .hasMessageContaining("refuses further appends").hasRootCauseInstanceOf(NativeCallException.class)
                .hasStackTraceContaining("EIO");
        assertThat(log.stats().syncedPosition()).as("nothing new counted durable").isEqualTo(syncedBefore);
        // No retry that pretends success: every later write or sync fails, naming the first failure.
        assertThatThrownBy(log::sync).isInstanceOf(GrowLogException.class).hasMessageContaining("failed earlier");
        assertThatThrownBy(() -> log.append(new byte[10])).isInstanceOf(GrowLogException.class)
                .hasMessageContaining("failed earlier");
        assertThatThrownBy(() -> log.append(ByteBuffer.allocate(10))).isInstanceOf(GrowLogException.class);
        assertThatThrownBy(() -> log.appendDurable(new byte[10])).isInstanceOf(GrowLogException.class);
        assertThat(sys.calls(Call.MSYNC) - msyncsBefore).as("msync calls: the failed one, no retry").isEqualTo(1);
        assertAllRecordsIntact(log);

        // close() skips the final sync of a failed log and does not throw the failure a second time.
        assertThatCode(log::close).doesNotThrowAnyException();
        assertThatCode(log::close).doesNotThrowAnyException();
        try (GrowLog reopened = GrowLog.open(file)) {
            assertThat(reopened.recoveryReport().cleanShutdown()).as("not marked clean").isFalse();
            assertAllRecordsIntact(reopened); // the pages are still in the page cache here
        }
    }

    @Test
    void msyncFailingUnderADurableAppend_throwsFromThatAppend_andTheLogRefusesFurtherAppends() throws Exception {
        Path file = dir.resolve("msync-durable.glog");
        try (GrowLog log = open(file, SMALL)) {
            for (int i = 0; i < 20; i++) {
                appendLine(log);
            }
            sys.failNth(Call.MSYNC, 1, "EIO"); // the one msync of the first durable append (data and header page)
            byte[] line = Samples.apache().get(0);
            assertThatThrownBy(() -> log.appendDurable(line)).isInstanceOf(GrowLogException.class);
            assertThatThrownBy(() -> log.appendDurable(line)).isInstanceOf(GrowLogException.class)
                    .hasMessageContaining("failed earlier");
            assertThat(log.stats().records()).as("the first durable append was appended, not made durable")
                    .isEqualTo(21);
        }
    }

    @Test
    void msyncFailingInTheIntervalFlusher_makesTheNextAppendFail() throws Exception {
        Path file = dir.resolve("msync-flusher.glog");
        try (GrowLog log = open(file, GrowLogConfig.builder().durability(Durability.INTERVAL)
                .syncInterval(Duration.ofMillis(5)).build())) {
            sys.failNth(Call.MSYNC, 1, "EIO");
            appendLine(log);
            Throwable[] failure = new Throwable[1];
            Await.until("an append fails after the flusher's failed msync", () -> {
                failure[0] = catchThrowable(() -> appendLine(log));
                return failure[0] != null;
            });
            assertThat(failure[0]).as("an append after the flusher's failed msync").isInstanceOf(GrowLogException.class)
                    .hasMessageContaining("failed earlier");
        }
    }

    @Test
    void close_whenItsFinalSyncFails_throwsOnce_releasesTheFile_andTheLogReopens() throws Exception {
        Path file = dir.resolve("close.glog");
        GrowLog log = open(file, SMALL);
        for (int i = 0; i < 100; i++) {
            appendLine(log);
        }
        sys.failNth(Call.MSYNC, 1, "EIO");
        assertThatThrownBy(log::close).isInstanceOf(GrowLogException.class).hasStackTraceContaining("EIO");
        assertThatCode(log::close).as("a second close").doesNotThrowAnyException();
        try (GrowLog reopened = GrowLog.open(file)) { // the writer lock was released
            assertThat(reopened.recoveryReport().cleanShutdown()).isFalse();
            assertAllRecordsIntact(reopened);
        }
    }

    /**
     * Close releases the data files first, then the writer lock: when unlocking and closing the
     * lock file both fail, the first failure is thrown with the second suppressed, and the data
     * file was still closed cleanly.
     */
    @Test
    void close_whenReleasingTheLockAndTheFileBothFail_throwsTheFirstFailure_withTheSecondSuppressed()
            throws Exception {
        Path logDir = dir.resolve("release");
        AtomicBoolean armed = new AtomicBoolean();
        ForwardingSyscalls failing = new ForwardingSyscalls() {
            @Override
            public void unlock(Path f, int fd) throws NativeCallException {
                super.unlock(f, fd);
                if (armed.get()) {
                    throw failure(f, "flock", 5, "EIO", "Input/output error");
                }
            }

            @Override
            public void close(Path f, int fd) throws NativeCallException {
                super.close(f, fd);
                if (armed.get() && f.getFileName().toString().equals(DataFiles.LOCK)) {
                    throw failure(f, "close", 9, "EBADF", "Bad file descriptor");
                }
            }
        };
        GrowLog log = GrowLog.open(logDir, SMALL, failing);
        long position = log.append(new byte[] {7});
        armed.set(true);
        Throwable thrown = catchThrowable(log::close);
        assertThat(thrown).isInstanceOf(NativeCallException.class).hasMessageContaining("flock");
        assertThat(thrown.getSuppressed()).singleElement().isInstanceOf(NativeCallException.class)
                .extracting(Throwable::getMessage).asString().contains("close").contains("EBADF");
        try (GrowLog reopened = GrowLog.open(logDir)) { // the final checkpoint ran before the failures
            assertThat(reopened.recoveryReport().cleanShutdown()).isTrue();
            assertThat(reopened.read(position)).containsExactly(7);
        }
    }

    /**
     * A new log on a full disk: its first data file cannot reserve blocks. The open throws (a
     * {@link LogFullException} for ENOSPC, the native error otherwise) and removes the directory
     * it made, with no descriptor left open.
     */
    @Test
    void creatingALog_whenItsBlocksCannotBeReserved_throwsLogFull_andLeavesNoFileOrDescriptorBehind() throws Exception {
        Path logDir = dir.resolve("new");
        ForwardingSyscalls full = new ForwardingSyscalls() {
            @Override
            public void allocate(Path f, int fd, long offset, long length) throws NativeCallException {
                throw failure(f, "fallocate", 28, "ENOSPC", "No space left on device");
            }
        };
        ForwardingSyscalls broken = new ForwardingSyscalls() {
            @Override
            public void allocate(Path f, int fd, long offset, long length) throws NativeCallException {
                throw failure(f, "fallocate", 5, "EIO", "Input/output error");
            }
        };
        GrowLog.open(dir.resolve("warm-up"), SMALL, new ForwardingSyscalls()).close();
        long descriptors = LogFiles.openFileDescriptors(dir);

        assertThatThrownBy(() -> GrowLog.open(logDir, SMALL, full)).isInstanceOf(LogFullException.class)
                .hasMessageContaining(logDir.toString()).hasCauseInstanceOf(NativeCallException.class);
        assertThatThrownBy(() -> GrowLog.open(logDir, SMALL, broken))
                .isExactlyInstanceOf(NativeCallException.class).hasMessageContaining("EIO");

        assertThat(LogFiles.openFileDescriptors(dir)).as("file descriptors after failed creations").isEqualTo(descriptors);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("warm-up");
        }
    }

    /**
     * An open that fails while recovering the data file (zeroing its tail), where closing that
     * file and the lock file fail too: the first failure is thrown, each close failure is
     * suppressed on it, and the log opens once the calls work again.
     */
    @Test
    void open_failingMidway_whenClosingTheFileFailsToo_reportsThatAlongsideTheFirstFailure() throws Exception {
        Path logDir = dir.resolve("midway-close");
        try (GrowLog log = GrowLog.open(logDir, SMALL)) {
            appendLine(log);
        }
        LogFiles.setCheckpoint(logDir, LogFiles.HEADER_SIZE, 0, 0, false); // recovery will zero the tail
        ForwardingSyscalls failing = new ForwardingSyscalls() {
            @Override
            public void zeroRange(Path f, int fd, long offset, long length) throws NativeCallException {
                throw failure(f, "fallocate", 5, "EIO", "Input/output error");
            }

            @Override
            public void close(Path f, int fd) throws NativeCallException {
                super.close(f, fd);
                throw failure(f, "close", 5, "EIO", "Input/output error");
            }
        };
        long descriptors = LogFiles.openFileDescriptors(dir);
        Throwable thrown = catchThrowable(() -> GrowLog.open(logDir, SMALL, failing));
        assertThat(thrown).isInstanceOf(NativeCallException.class).hasMessageContaining("fallocate");
        assertThat(thrown.getSuppressed()).extracting(Throwable::getMessage).satisfiesExactly(
                data -> assertThat(data).contains("close").contains(LogFiles.first(logDir).toString()),
                lock -> assertThat(lock).contains("close").contains(logDir.resolve(DataFiles.LOCK).toString()));
        assertThat(LogFiles.openFileDescriptors(dir)).as("file descriptors after the failed open").isEqualTo(descriptors);
        try (GrowLog log = GrowLog.open(logDir, SMALL)) {
            assertAllRecordsIntact(log);
        }
    }

    @Test
    void append_whenTheNextFileCannotBeCreated_throwsLogFull_andTheLogStaysReadableAndAppendable() throws Exception {
        AtomicBoolean diskFull = new AtomicBoolean();
        ForwardingSyscalls noRoomForNewFiles = new ForwardingSyscalls() {
            @Override
            public void allocate(Path f, int fd, long offset, long length) throws NativeCallException {
                if (diskFull.get() && f.getFileName().toString().endsWith(".creating")) {
                    throw failure(f, "fallocate", 28, "ENOSPC", "No space left on device");
                }
                super.allocate(f, fd, offset, length);
            }
        };
        GrowLogConfig rolling = GrowLogConfig.builder().segmentSize(64 * 1024).initialSize(8192)
                .maxGrowthStep(64 * 1024).pretouchAhead(0).rollSize(128 * 1024).build();
        try (GrowLog log = GrowLog.open(dir.resolve("rolling"), rolling, noRoomForNewFiles)) {
            diskFull.set(true);
            Throwable full = null;
            for (int i = 0; full == null; i++) {
                byte[] payload = Payloads.numbered(i, 3000);
                full = catchThrowable(() -> written.put(log.append(payload), payload));
            }
            assertThat(full).isInstanceOf(LogFullException.class).hasMessageContaining("no space");
            assertThat(log.stats().files()).as("data files").isEqualTo(1);
            assertThat(log.stats().fileSize()).isLessThanOrEqualTo(128 * 1024);
            assertAllRecordsIntact(log);
            diskFull.set(false);
            for (int i = 0; i < 3; i++) { // room again: the writer rolls
                byte[] payload = Payloads.numbered(1000 + i, 3000);
                written.put(log.append(payload), payload);
            }
            assertThat(log.stats().files()).as("data files").isEqualTo(2);
            assertAllRecordsIntact(log);
        }
    }

    @Test
    void open_failingMidway_releasesItsDescriptorAndMapping() throws Exception {
        Path file = dir.resolve("midway.glog");
        try (GrowLog log = GrowLog.open(file, SMALL)) {
            for (int i = 0; i < 5; i++) {
                appendLine(log);
            }
        }
        LogFiles.setCheckpoint(file, LogFiles.HEADER_SIZE, 0, 0, false); // recovery will zero the tail
        ForwardingSyscalls failing = new ForwardingSyscalls() {
            @Override
            public void zeroRange(Path f, int fd, long offset, long length) throws NativeCallException {
                throw failure(f, "fallocate", 5, "EIO", "Input/output error");
            }
        };
        assertThatThrownBy(() -> GrowLog.open(file, SMALL, failing)).isInstanceOf(NativeCallException.class);
        long before = LogFiles.openFileDescriptors(dir);
        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> GrowLog.open(file, SMALL, failing))
                    .isInstanceOf(NativeCallException.class);
        }
        assertThat(LogFiles.openFileDescriptors(dir)).as("file descriptors after failed opens").isEqualTo(before);
        assertThat(Files.readString(Path.of("/proc/self/maps"))).as("mappings after failed opens")
                .doesNotContain(file.getFileName().toString());
        try (GrowLog log = GrowLog.open(file, SMALL)) {
            assertAllRecordsIntact(log);
        }
    }
}
