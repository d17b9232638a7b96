package dev.growlog;

import dev.growlog.error.NativeCallException;
import dev.growlog.internal.mapping.GrowableMapping;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The address ranges the growable mapping hands to the kernel, recorded through the
 * {@code Syscalls} seam and checked against page arithmetic done here: the reservation starts
 * on a 2 MiB boundary and gives back the rest, sync and populate round to whole pages and clip
 * to the mapping, growth in place gives back exactly the headroom it uses (all of it, too) and
 * advises the grown mapping again, close gives back what is left; segment views end where the
 * mapping ends.
 */
class MappingRangesTest {
    private static final int SEGMENT = 64 * 1024;
    private static final long LARGE_PAGE = 2L << 20;

    @TempDir
    Path dir;

    /** One call on an address range: its name, address and length in bytes. */
    private record Call(String name, long address, long length) {
    }

    /** Passes every call on; records the ones on address ranges. */
    private static final class RecordingSyscalls extends ForwardingSyscalls {
        final List<Call> calls = new ArrayList<>();

        @Override
        public long reserve(long length) throws NativeCallException {
            long start = super.reserve(length);
            calls.add(new Call("reserve", start, length));
            return start;
        }

        @Override
        public void mapFileAt(Path file, int fd, long address, long length, boolean writable)
                throws NativeCallException {
            calls.add(new Call("mapFileAt", address, length));
            super.mapFileAt(file, fd, address, length, writable);
        }

        @Override
        public boolean remapInPlace(Path file, long address, long oldLength, long newLength)
                throws NativeCallException {
            calls.add(new Call("remapInPlace", address, newLength));
            return super.remapInPlace(file, address, oldLength, newLength);
        }

        @Override
        public void unmap(Path file, long address, long length) throws NativeCallException {
            calls.add(new Call("unmap", address, length));
            super.unmap(file, address, length);
        }

        @Override
        public void msync(Path file, long address, long length) throws NativeCallException {
            calls.add(new Call("msync", address, length));
            super.msync(file, address, length);
        }

        @Override
        public void populateWrite(Path file, long address, long length) throws NativeCallException {
            calls.add(new Call("populateWrite", address, length));
            super.populateWrite(file, address, length);
        }

        @Override
        public void adviseRandom(Path file, long address, long length) throws NativeCallException {
            calls.add(new Call("adviseRandom", address, length));
            super.adviseRandom(file, address, length);
        }

        List<Call> named(String name) {
            return calls.stream().filter(c -> c.name().equals(name)).toList();
        }
    }

    private final RecordingSyscalls sys = new RecordingSyscalls();
    private final long page = sys.pageSize();
    private Path file;
    private int fd = -1;
    private GrowableMapping mapping;

    private long pages(long bytes) {
        return (bytes + page - 1) / page * page;
    }

    /** Maps a file of {@code length} bytes with {@code headroom}; returns the mapping's address. */
    private long map(long length, long headroom) throws Exception {
        file = dir.resolve("mapped");
        fd = sys.open(file, true, true);
        sys.truncate(file, fd, length);
        mapping = GrowableMapping.map(sys, file, fd, length, true, headroom, SEGMENT);
        List<Call> maps = sys.named("mapFileAt");
        assertThat(maps).hasSize(1);
        assertThat(maps.get(0).length()).isEqualTo(length);
        long base = maps.get(0).address();
        sys.calls.clear();
        return base;
    }

    @AfterEach
    void closeAll() throws Exception {
        if (mapping != null) {
            mapping.close();
        }
        if (fd >= 0) {
            sys.close(file, fd);
        }
    }

    @Test
    void map_reservesOnA2MiBBoundary_andGivesBackEveryByteOutsideTheMapping() throws Exception {
        long length = 2 * page + 100;
        long headroom = 3 * page;
        file = dir.resolve("mapped");
        fd = sys.open(file, true, true);
        sys.truncate(file, fd, length);
        mapping = GrowableMapping.map(sys, file, fd, length, true, headroom, SEGMENT);

        Call reserve = sys.calls.get(0);
        assertThat(reserve.name()).isEqualTo("reserve");
        long reserved = pages(length + headroom);
        assertThat(reserve.length()).isEqualTo(reserved + LARGE_PAGE);
        long base = sys.named("mapFileAt").get(0).address();
        assertThat(base % LARGE_PAGE).as("base 0x%x on a 2 MiB boundary", base).isZero();
        assertThat(base).isBetween(reserve.address(), reserve.address() + LARGE_PAGE - 1);
        List<Call> trims = sys.named("unmap");
        assertThat(trims).containsExactly(
                new Call("unmap", reserve.address(), base - reserve.address()),
                new Call("unmap", base + reserved, reserve.address() + LARGE_PAGE - base));
    }

    @Test
    void sync_roundsItsStartDownToAPage_andClipsItsEndToTheMapping() throws Exception {
        long length = 4 * page + 100;
        long base = map(length, 0);

        mapping.sync(page + 10, 3 * page + 20);
        mapping.sync(2 * page, 100 * page);
        mapping.sync(3 * page, 3 * page); // nothing to write
        assertThat(sys.named("msync")).containsExactly(
                new Call("msync", base + page, 2 * page + 20),
                new Call("msync", base + 2 * page, length - 2 * page));
    }

    @Test
    void populate_coversWholePages_clippedToTheMapping() throws Exception {
        long length = 4 * page + 100;
        long base = map(length, 0);

        mapping.populate(page + 10, 2 * page + 20);
        mapping.populate(2 * page, 100 * page);
        mapping.populate(3 * page, 3 * page); // nothing to touch
        assertThat(sys.named("populateWrite")).containsExactly(
                new Call("populateWrite", base + page, 2 * page),
                new Call("populateWrite", base + 2 * page, pages(length) - 2 * page));
    }

    @Test
    void growthInPlace_givesBackExactlyTheHeadroomItUses_andCloseGivesBackTheRest() throws Exception {
        long length = 2 * page + 100;
        long headroom = 16 * page;
        long base = map(length, headroom);

        long grown = 5 * page + 200;
        sys.truncate(file, fd, grown);
        mapping.growTo(grown);
        assertThat(mapping.counters().inPlaceGrowths()).isEqualTo(1);
        assertThat(sys.calls).containsExactly(
                new Call("unmap", base + pages(length), pages(grown) - pages(length)),
                new Call("remapInPlace", base, grown));
        sys.calls.clear();

        long again = 6 * page;
        sys.truncate(file, fd, again);
        mapping.growTo(again);
        assertThat(sys.calls).containsExactly(
                new Call("unmap", base + pages(grown), pages(again) - pages(grown)),
                new Call("remapInPlace", base, again));
        sys.calls.clear();

        mapping.close();
        assertThat(sys.named("unmap")).containsExactly(
                new Call("unmap", base + pages(again), pages(length + headroom) - pages(again)),
                new Call("unmap", base, again));
    }
    @Test
    void growthToTheMappedLength_doesNothing_andGrowthIntoAllTheHeadroom_isInPlace() throws Exception {
        long length = 2 * page;
        long headroom = 4 * page;
        long base = map(length, headroom);

        mapping.growTo(length);
        assertThat(sys.calls).isEmpty();
        assertThat(mapping.counters().growths()).isZero();

        sys.truncate(file, fd, length + headroom);
        mapping.growTo(length + headroom);
        assertThat(mapping.counters().inPlaceGrowths()).isEqualTo(1);
        assertThat(mapping.counters().moves()).isZero();
        assertThat(sys.calls).containsExactly(
                new Call("unmap", base + length, headroom),
                new Call("remapInPlace", base, length + headroom));
    }

    @Test
    void smallFolioAdvice_coversTheWholeMapping_andIsGivenAgainAfterGrowthInPlace() throws Exception {
        long length = 2 * page + 100;
        long base = map(length, 16 * page);

        mapping.adviseSmallFolios();
        assertThat(mapping.smallFolios()).isTrue();
        long grown = 5 * page;
        sys.truncate(file, fd, grown);
        mapping.growTo(grown);
        assertThat(sys.named("adviseRandom")).containsExactly(
                new Call("adviseRandom", base, pages(length)),
                new Call("adviseRandom", base, grown));
    }

    @Test
    void segmentViews_endAtTheMapping_andExposedViewsReadTheSameBytes_afterGrowthToo() throws Exception {
        map(SEGMENT, 4L * SEGMENT);
        assertThatThrownBy(() -> mapping.segment(1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("segment 1 is not mapped");
        assertThat(mapping.exposedSegment(0).capacity()).isEqualTo(SEGMENT);

        long grown = SEGMENT + 3 * page;
        sys.truncate(file, fd, grown);
        mapping.growTo(grown);
        mapping.segment(1).putLong(8, 0x0102030405060708L);
        assertThat(mapping.exposedSegment(1).capacity()).isEqualTo(3 * page);
        assertThat(mapping.exposedSegment(1).duplicate().order(ByteOrder.LITTLE_ENDIAN).getLong(8)).isEqualTo(0x0102030405060708L);

        long again = SEGMENT + 5 * page;
        sys.truncate(file, fd, again);
        mapping.growTo(again);
        assertThat(mapping.exposedSegment(1).capacity()).as("a longer view after growth").isEqualTo(5 * page);
    }
}
