package dev.growlog;

import dev.growlog.error.LogFullException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A log on a 16 MiB tmpfs that really runs out of space. Blocks are reserved with fallocate
 * before any page is touched, so a full disk must be a {@link LogFullException}, never a SIGBUS
 * (which would kill this JVM) or an asynchronous {@link InternalError}.
 */
class DiskFullTest {
    static final int TMPFS_MIB = 16;
    /**
     * Grows in small steps so the log fills the disk closely; no pretoucher, so that the file
     * size only changes when an append grows it.
     */
    static final GrowLogConfig SMALL_STEPS = GrowLogConfig.builder().segmentSize(64 * 1024).initialSize(64 * 1024)
            .maxGrowthStep(64 * 1024).pretouchAhead(0).build();

    @TempDir
    Path tempDir;

    private Tmpfs tmpfs;
    private final List<GrowLog> opened = new ArrayList<>();
    /** What was appended, by position, in order. */
    private final Map<Long, byte[]> written = new LinkedHashMap<>();
    private int nextLine;

    @BeforeEach
    void mountTmpfs() throws Exception {
        tmpfs = Tmpfs.mount(tempDir.resolve("tmpfs"), TMPFS_MIB);
    }

    @AfterEach
    void closeLogsAndUnmount() throws Exception {
        for (GrowLog log : opened) {
            log.close();
        }
        if (tmpfs != null) {
            tmpfs.unmount();
        }
    }

    private GrowLog open(Path file, GrowLogConfig config) throws IOException {
        GrowLog log = GrowLog.open(file, config);
        opened.add(log);
        return log;
    }

    private void appendLine(GrowLog log) throws IOException {
        byte[] line = Samples.apache().get(nextLine % Samples.apache().size());
        written.put(log.append(line), line);
        nextLine++;
    }

    /** Writes a file of {@code bytes} bytes, or fewer if the disk fills first; returns its size. */
    private static long fill(Path file, long bytes) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
        long done = 0;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            while (done < bytes) {
                chunk.clear().limit((int) Math.min(chunk.capacity(), bytes - done));
                try {
                    done += channel.write(chunk);
                } catch (IOException full) {
                    break; // ENOSPC: the disk is full
                }
            }
        }
        return LogFiles.size(file);
    }

    /** Fills the disk to the last page with 4 KiB writes. */
    private static void fillCompletely(Path file) throws IOException {
        ByteBuffer page = ByteBuffer.allocate(4096);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            while (true) {
                try {
                    channel.write(page.clear());
                } catch (IOException full) {
                    return;
                }
            }
        }
    }

    /** Appends until an append fails; checks that the failed append changed nothing and returns its exception. */
    private Throwable appendUntilFull(GrowLog log, Path file) throws IOException {
        for (int i = 0; i < 1_000_000; i++) {
            long sizeBefore = LogFiles.size(file);
            long endBefore = log.endPosition();
            long recordsBefore = log.stats().records();
            Throwable failure = catchThrowable(() -> appendLine(log));
            if (failure != null) {
                assertThat(LogFiles.size(file)).as("file size after the failed growth").isEqualTo(sizeBefore);
                assertThat(log.endPosition()).as("end position after the failed growth").isEqualTo(endBefore);
                assertThat(log.stats().records()).isEqualTo(recordsBefore);
                assertThat(log.stats().fileSize()).isEqualTo(sizeBefore);
                return failure;
            }
        }
        throw new AssertionError("the disk never filled up");
    }

    private void assertAllRecordsIntact(GrowLog log) throws IOException {
        for (Map.Entry<Long, byte[]> e : written.entrySet()) {
            byte[] read = log.read(e.getKey());
            if (!Arrays.equals(read, e.getValue())) {
                assertThat(read).as("record at %d", e.getKey()).isEqualTo(e.getValue());
            }
        }
        List<Long> scanned = new ArrayList<>();
        try (LogReader reader = log.reader(log.startPosition())) {
            while (reader.next()) {
                byte[] read = reader.bytes();
                if (!Arrays.equals(read, written.get(reader.position()))) {
                    assertThat(read).as("record at %d", reader.position()).isEqualTo(written.get(reader.position()));
                }
                scanned.add(reader.position());
            }
        }
        assertThat(scanned).as("positions a scan returns").isEqualTo(new ArrayList<>(written.keySet()));
    }

    @Test
    void appendOnAFullDisk_throwsLogFullNamingTheFile_changesNothing_andTheSameLogAppendsOnceSpaceIsFreed()
            throws Exception {
        Path filler = tmpfs.dir().resolve("filler");
        fill(filler, 14L << 20);
        Path file = tmpfs.dir().resolve("full.glog");
        GrowLog log = open(file, SMALL_STEPS);

        Throwable failure = appendUntilFull(log, file);
        assertThat(failure).isInstanceOf(LogFullException.class).hasMessageContaining(file.toString());
        assertThat(tmpfs.usableSpace()).as("free space when growth failed").isLessThan(64 * 1024);
        assertThat(written).as("records appended before the disk filled").hasSizeGreaterThan(2_000);
        // Still full: the next attempt fails the same way and still changes nothing.
        assertThat(appendUntilFull(log, file)).isInstanceOf(LogFullException.class);
        assertAllRecordsIntact(log);
        log.sync();

        Files.delete(filler);
        long sizeWhenFull = LogFiles.size(file);
        while (LogFiles.size(file) < 2 * sizeWhenFull) { // into the room the filler gave back
            appendLine(log);
        }
        assertAllRecordsIntact(log);
        log.close();

        try (GrowLog reopened = GrowLog.open(file)) {
            assertThat(reopened.recoveryReport().cleanShutdown()).isTrue();
            assertAllRecordsIntact(reopened);
        }
    }

    @Test
    void withThePretoucherOn_aFullDiskIsStillLogFull_andEveryRecordStaysReadable() throws Exception {
        Path file = tmpfs.dir().resolve("pretouched.glog");
        GrowLog log = open(file, GrowLogConfig.builder().segmentSize(64 * 1024).initialSize(64 * 1024)
                .maxGrowthStep(64 * 1024).pretouchAhead(1 << 20).build());

        Throwable failure = null;
        for (int i = 0; i < 1_000_000 && failure == null; i++) {
            failure = catchThrowable(() -> appendLine(log)); // the pretoucher grows the file meanwhile
        }
        assertThat(failure).isInstanceOf(LogFullException.class).hasMessageContaining(file.toString());
        assertAllRecordsIntact(log);
        assertThat(catchThrowable(() -> appendLine(log))).as("still full").isInstanceOf(LogFullException.class);
    }

    @Test
    void freeSpaceFloor_refusesGrowthWithLogFull_whileTheDiskStillHasRoom() throws Exception {
        Path file = tmpfs.dir().resolve("floor.glog");
        long floor = 12L << 20;
        GrowLog log = open(file, GrowLogConfig.builder().segmentSize(64 * 1024).initialSize(64 * 1024)
                .maxGrowthStep(64 * 1024).minFreeSpace(floor).pretouchAhead(0).build());

        Throwable failure = appendUntilFull(log, file);
        assertThat(failure).isInstanceOf(LogFullException.class).hasMessageContaining(file.toString())
                .hasMessageContaining("floor");
        long free = tmpfs.usableSpace();
        assertThat(free).as("free space when the floor refused growth").isGreaterThanOrEqualTo(floor - (64 * 1024))
                .isGreaterThan(10L << 20);
        assertAllRecordsIntact(log);
        log.close();

        // Without the floor the same log grows into the room that was kept free.
        try (GrowLog reopened = GrowLog.open(file, SMALL_STEPS)) {
            for (int i = 0; i < 1_000; i++) {
                appendLine(reopened);
            }
            assertThat(LogFiles.size(file)).isGreaterThan(TMPFS_MIB * (1L << 20) - floor);
            assertAllRecordsIntact(reopened);
        }
    }

    @Test
    void creatingALog_withoutRoomForItsInitialSize_throwsLogFull_andLeavesNoFileBehind() throws Exception {
        Path filler = tmpfs.dir().resolve("filler");
        fill(filler, (TMPFS_MIB << 20) - (256 << 10));
        Path file = tmpfs.dir().resolve("new.glog");

        Throwable failure = catchThrowable(() -> open(file, GrowLogConfig.builder().initialSize(1 << 20).build()));

        assertThat(failure).isInstanceOf(LogFullException.class).hasMessageContaining(file.toString());
        assertThat(listing()).as("files left on the tmpfs").containsExactly("filler");
    }

    @Test
    void creatingALog_onACompletelyFullDisk_throwsLogFull_andLeavesNoFileBehind() throws Exception {
        fillCompletely(tmpfs.dir().resolve("filler"));
        Path file = tmpfs.dir().resolve("new.glog");

        Throwable failure = catchThrowable(() -> open(file, SMALL_STEPS));

        assertThat(failure).isInstanceOf(LogFullException.class).hasMessageContaining(file.toString());
        assertThat(listing()).as("files left on the tmpfs").containsExactly("filler");
    }

    private List<String> listing() throws IOException {
        try (Stream<Path> files = Files.list(tmpfs.dir())) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
