package dev.growlog;

import dev.growlog.error.GrowLogException;
import dev.growlog.error.LogFullException;
import dev.growlog.error.NativeCallException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Failures of the operating system, injected through {@link ForwardingSyscalls}: a failed
 * mutation leaves the log usable (or, after a failed sync, explicitly failed), never half
 * changed, and a failed open releases everything it took.
 */
class FaultInjectionTest {
    private static final int SEGMENT = 64 * 1024;
    /** No pretoucher: growth, and so every injected fault, happens on the appending thread. */
    private static final GrowLogConfig CONFIG = GrowLogConfig.builder()
            .segmentSize(SEGMENT).initialSize(8192).maxGrowthStep(SEGMENT).pretouchAhead(0).build();

    @TempDir
    Path dir;

    private final List<byte[]> payloads = new ArrayList<>();
    private final List<Long> positions = new ArrayList<>();

    private void append(GrowLog log, int count, int size) throws IOException {
        for (int i = 0; i < count; i++) {
            byte[] payload = Payloads.numbered(payloads.size(), size);
            positions.add(log.append(payload));
            payloads.add(payload);
        }
    }

    private void assertAllReadable(GrowLog log) throws IOException {
        for (int i = 0; i < payloads.size(); i++) {
            assertThat(log.read(positions.get(i))).as("record %d", i).isEqualTo(payloads.get(i));
        }
    }

    @Test
    void append_pastMaxSize_throwsLogFull_andTheLogStaysReadableAndAppendable() throws IOException {
        GrowLogConfig capped = GrowLogConfig.builder().segmentSize(SEGMENT).initialSize(8192)
                .maxGrowthStep(SEGMENT).pretouchAhead(0).maxSize(128 * 1024).build();
        try (GrowLog log = GrowLog.open(dir.resolve("capped.glog"), capped)) {
            append(log, 30, 3000);
            Throwable full = null;
            while (full == null) {
                full = catchThrowable(() -> append(log, 1, 3000));
            }
            assertThat(full).isInstanceOf(LogFullException.class).hasMessageContaining("maximum size");
            long end = log.endPosition();
            assertThat(log.stats().fileSize()).isLessThanOrEqualTo(128 * 1024);
            assertAllReadable(log);
            append(log, 3, 8); // small records still fit in the last segment's tail
            assertThat(log.endPosition()).isGreaterThan(end);
            assertAllReadable(log);
        }
    }

    @Test
    void append_whenTheDiskIsFull_throwsLogFull_leavesTheLogUnchanged_andWorksOnceSpaceReturns() throws IOException {
        boolean[] diskFull = new boolean[1];
        ForwardingSyscalls sys = new ForwardingSyscalls() {
            @Override
            public void allocate(Path file, int fd, long offset, long length) throws NativeCallException {
                if (diskFull[0]) {
                    throw failure(file, "fallocate", 28, "ENOSPC", "No space left on device");
                }
                super.allocate(file, fd, offset, length);
            }
        };
        Path file = dir.resolve("full.glog");
        GrowLog.open(file, CONFIG).close();
        try (GrowLog log = Opener.openWritable(file, CONFIG, sys)) {
            append(log, 10, 500);
            long end = log.endPosition();
            long size = LogFiles.size(file);
            diskFull[0] = true;

            Throwable e = catchThrowable(() -> append(log, 100, 3000));
            assertThat(e).isInstanceOf(LogFullException.class).hasMessageContaining("no space");
            assertThat(e.getCause()).isInstanceOf(NativeCallException.class);
            assertThat(LogFiles.size(file)).as("file size put back").isEqualTo(size);
            assertThat(log.stats().fileSize()).isEqualTo(size);
            assertAllReadable(log);
            assertThat(log.stats().records()).isEqualTo(payloads.size());
            assertThat(log.endPosition()).isGreaterThanOrEqualTo(end);

            diskFull[0] = false;
            append(log, 100, 3000);
            assertAllReadable(log);
        }
        try (GrowLog log = GrowLog.open(file, CONFIG)) {
            assertThat(log.recoveryReport().cleanShutdown()).isTrue();
            assertAllReadable(log);
        }
    }

    @Test
    void sync_whenMsyncFails_failsTheWriter_whichRefusesAppendsAndSyncs_butKeepsItsRecords() throws IOException {
        boolean[] failing = new boolean[1];
        ForwardingSyscalls sys = new ForwardingSyscalls() {
            @Override
            public void msync(Path file, long address, long length) throws NativeCallException {
                if (failing[0]) {
                    throw failure(file, "msync", 5, "EIO", "Input/output error");
                }
                super.msync(file, address, length);
            }
        };
        Path file = dir.resolve("eio.glog");
        GrowLog.open(file, CONFIG).close();
        try (GrowLog log = Opener.openWritable(file, CONFIG, sys)) {
            append(log, 20, 100);
            failing[0] = true;
            assertThatThrownBy(log::sync).isInstanceOf(GrowLogException.class).hasMessageContaining("sync");
            failing[0] = false;

            assertThatThrownBy(() -> log.append(new byte[1])).isInstanceOf(GrowLogException.class)
                    .hasMessageContaining("failed earlier");
            assertThatThrownBy(log::sync).isInstanceOf(GrowLogException.class);
            assertAllReadable(log);
        }
        try (GrowLog log = GrowLog.open(file, CONFIG)) {
            assertThat(log.recoveryReport().cleanShutdown()).as("a failed writer does not claim a clean close")
                    .isFalse();
            assertAllReadable(log);
            assertThat(log.stats().records()).isEqualTo(payloads.size());
        }
    }

    @Test
    void append_whenMremapFails_throws_andTheNextAppendGrowsTheMapping() throws IOException {
        boolean[] failing = new boolean[1];
        ForwardingSyscalls sys = new ForwardingSyscalls() {
            @Override
            public boolean remapInPlace(Path file, long address, long oldLength, long newLength)
                    throws NativeCallException {
                if (failing[0]) {
                    throw failure(file, "mremap", 12, "ENOMEM", "Cannot allocate memory (not the in-place refusal)");
                }
                return super.remapInPlace(file, address, oldLength, newLength);
            }

            @Override
            public void remapTo(Path file, long address, long oldLength, long newLength, long target)
                    throws NativeCallException {
                if (failing[0]) {
                    throw failure(file, "mremap", 12, "ENOMEM", "Cannot allocate memory");
                }
                super.remapTo(file, address, oldLength, newLength, target);
            }
        };
        for (long headroom : new long[] {0, 1L << 30}) {
            Path file = dir.resolve("mremap-" + headroom + ".glog");
            GrowLogConfig config = GrowLogConfig.builder().segmentSize(SEGMENT).initialSize(8192)
                    .maxGrowthStep(SEGMENT).headroom(headroom).pretouchAhead(0).build();
            GrowLog.open(file, config).close();
            payloads.clear();
            positions.clear();
            try (GrowLog log = Opener.openWritable(file, config, sys)) {
                append(log, 2, 1000);
                failing[0] = true;
                assertThat(catchThrowable(() -> append(log, 20, 3000))).isInstanceOf(NativeCallException.class)
                        .hasMessageContaining("mremap");
                failing[0] = false;
                assertAllReadable(log);
                append(log, 50, 3000);
                assertAllReadable(log);
            }
            try (GrowLog log = GrowLog.open(file, config)) {
                assertAllReadable(log);
            }
        }
    }

    @Test
    void open_failingMidway_releasesItsDescriptorAndMapping() throws IOException {
        Path file = dir.resolve("midway.glog");
        try (GrowLog log = GrowLog.open(file, CONFIG)) {
            append(log, 5, 100);
        }
        LogFiles.setCheckpoint(file, LogFiles.HEADER_SIZE, 0, 0, false); // recovery will zero the tail
        ForwardingSyscalls sys = new ForwardingSyscalls() {
            @Override
            public void zeroRange(Path f, int fd, long offset, long length) throws NativeCallException {
                throw failure(f, "fallocate", 5, "EIO", "Input/output error");
            }
        };
        assertThatThrownBy(() -> Opener.openWritable(file, CONFIG, sys)).isInstanceOf(NativeCallException.class);
        long before = LogFiles.openFileDescriptors();
        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> Opener.openWritable(file, CONFIG, sys)).isInstanceOf(NativeCallException.class);
        }
        assertThat(LogFiles.openFileDescriptors()).isEqualTo(before);
        assertThat(Files.readString(Path.of("/proc/self/maps"))).doesNotContain(file.getFileName().toString());
        try (GrowLog log = GrowLog.open(file, CONFIG)) {
            assertAllReadable(log);
        }
    }
}
