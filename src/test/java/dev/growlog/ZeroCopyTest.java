package dev.growlog;

import dev.growlog.error.NativeCallException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ZeroCopyTest {
    @TempDir
    Path dir;

    private static final GrowLogConfig MOVES_OFTEN = GrowLogConfig.builder().segmentSize(64 * 1024)
            .initialSize(8192).maxGrowthStep(16 * 1024).headroom(0).pretouchAhead(0).build();

    @Test
    void forEach_handsEveryRecordInOrderAsReadOnlyViews() throws Exception {
        try (GrowLog log = GrowLog.open(dir.resolve("a.glog"), MOVES_OFTEN)) {
            List<Long> positions = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                positions.add(log.append(("r" + i).getBytes(StandardCharsets.UTF_8)));
            }
            List<Long> seen = new ArrayList<>();
            try (LogReader reader = log.reader(log.startPosition())) {
                long count = reader.forEach((position, payload) -> {
                    assertThat(payload.isReadOnly()).isTrue();
                    assertThatThrownBy(() -> payload.put(0, (byte) 1)).isInstanceOf(ReadOnlyBufferException.class);
                    assertThat(StandardCharsets.UTF_8.decode(payload).toString()).isEqualTo("r" + seen.size());
                    seen.add(position);
                });
                assertThat(count).isEqualTo(500);
                assertThat(reader.forEach((p, b) -> { })).isZero();
                log.append("later".getBytes(StandardCharsets.UTF_8));
                assertThat(reader.forEach((p, b) -> { })).isEqualTo(1);
            }
            assertThat(seen).isEqualTo(positions);
        }
    }

    @Test
    void forEach_acrossSegments_handsEachRecordsOwnBytes() throws Exception {
        GrowLogConfig small = GrowLogConfig.builder().segmentSize(64 * 1024).initialSize(256 * 1024)
                .pretouchAhead(0).build();
        try (GrowLog log = GrowLog.open(dir.resolve("segments.glog"), small)) {
            List<Long> positions = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                positions.add(log.append(Payloads.numbered(i, 1500)));
            }
            assertThat(positions.get(99)).as("the records span three segments").isGreaterThan(2 * 64 * 1024);
            List<Integer> numbers = new ArrayList<>();
            try (LogReader reader = log.reader(log.startPosition())) {
                reader.forEach((position, payload) -> {
                    byte[] bytes = new byte[payload.remaining()];
                    payload.get(bytes);
                    assertThat(bytes).as("record at %d", position).isEqualTo(Payloads.numbered(numbers.size(), 1500));
                    numbers.add(numbers.size());
                });
            }
            assertThat(numbers).hasSize(100);
        }
    }

    @Test
    void forEach_viewsKeptPastTheirCalls_afterManyMovesAndClose_stayReadOnlyAndReadTheirRecords() throws Exception {
        List<ByteBuffer> kept = new ArrayList<>();
        GrowLog log = GrowLog.open(dir.resolve("kept.glog"), MOVES_OFTEN);
        for (int i = 0; i < 50; i++) {
            log.append(Payloads.numbered(i, 40));
        }
        try (LogReader reader = log.reader(log.startPosition())) {
            reader.forEach((position, payload) -> kept.add(payload));
        }
        for (int i = 0; i < 5000; i++) {
            log.append(new byte[200]);
        }
        assertThat(log.stats().moves()).isGreaterThan(5);
        log.close();
        for (int i = 0; i < 5; i++) {
            collectGarbage(); // the kept views alone must keep their address ranges mapped
        }
        for (int i = 0; i < kept.size(); i++) {
            ByteBuffer view = kept.get(i);
            assertThat(view.isReadOnly()).isTrue();
            assertThatThrownBy(() -> view.put(view.position(), (byte) 1)).isInstanceOf(ReadOnlyBufferException.class);
            byte[] bytes = new byte[view.remaining()];
            view.duplicate().get(bytes);
            assertThat(bytes).as("view %d", i).isEqualTo(Payloads.numbered(i, 40));
        }
    }

    @Test
    void readWithHandler_givesTheSameBytesAsTheCopy() throws Exception {
        try (GrowLog log = GrowLog.open(dir.resolve("b.glog"))) {
            long position = log.append("zero copy".getBytes(StandardCharsets.UTF_8));
            ByteBuffer[] seen = new ByteBuffer[1];
            log.read(position, (p, payload) -> {
                assertThat(p).isEqualTo(position);
                seen[0] = ByteBuffer.allocate(payload.remaining()).put(payload).flip();
            });
            assertThat(seen[0]).isEqualTo(ByteBuffer.wrap(log.read(position)));
        }
    }

    @Test
    void aViewKeptPastItsCallback_afterManyMovesAndClose_stillReadsItsRecord() throws Exception {
        Path file = dir.resolve("c.glog");
        List<ByteBuffer> escaped = new ArrayList<>();
        GrowLog log = GrowLog.open(file, MOVES_OFTEN);
        for (int i = 0; i < 10; i++) {
            long position = log.append(("kept " + i).getBytes(StandardCharsets.UTF_8));
            log.read(position, (p, payload) -> escaped.add(payload));
        }
        for (int i = 0; i < 5000; i++) {
            log.append(new byte[200]);
        }
        assertThat(log.stats().moves()).isGreaterThan(5);
        log.close();
        for (int i = 0; i < 5; i++) {
            collectGarbage(); // the escaped slices alone must keep their address ranges mapped
        }
        for (int i = 0; i < escaped.size(); i++) {
            assertThat(StandardCharsets.UTF_8.decode(escaped.get(i).duplicate()).toString()).isEqualTo("kept " + i);
        }
    }

    @Test
    void oldRanges_onceNoViewReachesThem_areUnmapped() throws Exception {
        Path file = dir.resolve("d.glog");
        try (GrowLog log = GrowLog.open(file, MOVES_OFTEN)) {
            long position = log.append("x".getBytes(StandardCharsets.UTF_8));
            for (int round = 0; round < 20; round++) {
                log.read(position, (p, payload) -> { });
                for (int i = 0; i < 300; i++) {
                    log.append(new byte[200]);
                }
            }
            assertThat(log.stats().moves()).isGreaterThan(10);
            Await.until("the old ranges of " + file + " are unmapped", () -> {
                collectGarbage();
                return mappingsOf(file) <= 2;
            });
            assertThat(mappingsOf(file)).as("mappings of the file left").isLessThanOrEqualTo(2);
        }
        assertThat(mappingsOf(file)).isZero();
    }

    @Test
    void close_afterAZeroCopyRead_releasesTheWriterLockAtOnce() throws Exception {
        Path file = dir.resolve("lock.glog");
        List<ByteBuffer> kept = new ArrayList<>();
        try (GrowLog log = GrowLog.open(file)) {
            long position = log.append("x".getBytes(StandardCharsets.UTF_8));
            log.read(position, (p, payload) -> kept.add(payload)); // the view keeps the mapping alive
        }
        try (GrowLog reopened = GrowLog.open(file)) {
            assertThat(reopened.stats().records()).isEqualTo(1);
        }
        assertThat(StandardCharsets.UTF_8.decode(kept.get(0)).toString()).isEqualTo("x");
    }

    /**
     * A move leaves the old region mapped while a view handed out over it lives; once the
     * collector finds the view unreachable the region is unmapped from the collector's thread,
     * where a failure cannot be thrown to anyone: close reports it.
     */
    @Test
    void anUnmapDeferredByAKeptView_thatFailsLater_isReportedByClose() throws Exception {
        GrowLog log = openWithAFailedDeferredUnmap();

        assertThatThrownBy(log::close).isInstanceOf(NativeCallException.class).hasMessageContaining("munmap")
                .hasMessageContaining("EINVAL");
    }

    /** As above, with another move between the failed unmap and close: the failure is still reported. */
    @Test
    void anUnmapDeferredByAKeptView_thatFailsLater_isReportedByClose_evenAfterAnotherMove() throws Exception {
        GrowLog log = openWithAFailedDeferredUnmap();

        appendUntilTheMappingMoves(log);

        assertThatThrownBy(log::close).isInstanceOf(NativeCallException.class).hasMessageContaining("munmap")
                .hasMessageContaining("EINVAL");
    }

    /**
     * A log whose mapping moved away from a region a zero-copy view kept mapped, and whose unmap
     * of that region, once the collector let go of the view, failed with EINVAL.
     */
    private GrowLog openWithAFailedDeferredUnmap() throws IOException {
        AtomicInteger failNext = new AtomicInteger();
        ForwardingSyscalls sys = new ForwardingSyscalls() {
            @Override
            public void unmap(Path file, long address, long length) throws NativeCallException {
                super.unmap(file, address, length);
                if (failNext.compareAndSet(1, 0)) {
                    throw failure(file, "munmap", 22, "EINVAL", "Invalid argument");
                }
            }
        };
        GrowLogConfig config = GrowLogConfig.builder().segmentSize(64 * 1024).initialSize(4096)
                .maxGrowthStep(64 * 1024).pretouchAhead(0).headroom(0).build();
        GrowLog log = GrowLog.open(dir.resolve("deferred"), config, sys);
        List<ByteBuffer> kept = new ArrayList<>();
        log.read(log.append(new byte[100]), (p, payload) -> kept.add(payload));
        appendUntilTheMappingMoves(log);
        failNext.set(1);
        kept.clear();
        Await.until("the collector found the view unreachable and its region's unmap failed", () -> {
            System.gc();
            return failNext.get() == 0;
        });
        return log;
    }

    private static void appendUntilTheMappingMoves(GrowLog log) throws IOException {
        long moves = log.stats().moves();
        while (log.stats().moves() == moves) {
            log.append(new byte[1000]);
        }
    }

    private static long mappingsOf(Path file) {
        String name = file.toAbsolutePath().toString();
        try (var lines = Files.lines(Path.of("/proc/self/maps"))) {
            return lines.filter(line -> line.endsWith(name)).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Returns once a garbage collection has cleared a weakly reachable object made for the purpose. */
    private static void collectGarbage() {
        WeakReference<Object> sentinel = new WeakReference<>(new Object());
        Await.until("a garbage collection clears a weak reference", () -> {
            System.gc();
            return sentinel.get() == null;
        });
    }
}
