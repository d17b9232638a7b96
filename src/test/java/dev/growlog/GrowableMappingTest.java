package dev.growlog;

import dev.growlog.error.ClosedLogException;
import dev.growlog.internal.mapping.GrowableMapping;
import dev.growlog.internal.nativeio.Syscalls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The growable mapping on its own, against a plain file: the view of the last, partly mapped
 * segment never reaches past the mapped length; growth in place keeps the generation, a move
 * raises it; every lease is counted; close waits for nothing left and refuses later leases.
 */
class GrowableMappingTest {
    private static final int SEGMENT = 64 * 1024;

    @TempDir
    Path dir;

    private final Syscalls sys = Syscalls.libc();
    private Path file;
    private int fd = -1;
    private GrowableMapping mapping;

    private GrowableMapping map(long length, long headroom) throws Exception {
        file = dir.resolve("mapped");
        fd = sys.open(file, true, true);
        sys.truncate(file, fd, length);
        mapping = GrowableMapping.map(sys, file, fd, length, true, headroom, SEGMENT);
        return mapping;
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
    void segmentViews_coverWholeSegments_andOnlyTheMappedPartOfTheLast() throws Exception {
        long length = SEGMENT + 3 * 4096 + 100; // the file ends inside a page of segment 1
        map(length, 0);
        assertThat(mapping.segmentSize()).isEqualTo(SEGMENT);
        assertThat(mapping.mappedLength()).isEqualTo(length);
        assertThat(mapping.writable()).isTrue();
        assertThat(mapping.fd()).isEqualTo(fd);
        assertThat(mapping.segment(0).capacity()).isEqualTo(SEGMENT);
        assertThat(mapping.segment(1).capacity()).as("the last segment's view ends at the mapped length")
                .isEqualTo(length - SEGMENT);
        assertThat(mapping.exposedSegment(1).capacity()).isEqualTo(length - SEGMENT);
        assertThatThrownBy(() -> mapping.segment(2)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("segment 2 is not mapped");
    }

    @Test
    void writesThroughAView_reachTheFile_andSurviveGrowthAndMoves() throws Exception {
        map(8192, 0);
        mapping.segment(0).putLong(4096, 0x1122334455667788L);
        sys.truncate(file, fd, 3L * SEGMENT); // the file first, then the mapping, as the writer grows
        mapping.growTo(3L * SEGMENT);
        assertThat(mapping.counters().moves()).as("no headroom: the growth moved").isEqualTo(1);
        assertThat(mapping.generation()).isEqualTo(1);
        ByteBuffer view = mapping.segment(0);
        assertThat(view.getLong(4096)).isEqualTo(0x1122334455667788L);
        mapping.segment(2).putInt(SEGMENT - 4, 42);
        mapping.sync(0, mapping.mappedLength());
        assertThat(LogFiles.readLong(file, 4096)).isEqualTo(0x1122334455667788L);
        assertThat(LogFiles.readInt(file, 3L * SEGMENT - 4)).isEqualTo(42);
    }

    @Test
    void growthIntoHeadroom_isInPlace_keepsTheGenerationAndTheViews() throws Exception {
        map(SEGMENT + 4096, 1L << 30);
        ByteBuffer before = mapping.segment(0);
        sys.truncate(file, fd, 2L * SEGMENT + 4096);
        mapping.growTo(2L * SEGMENT + 4096);
        GrowableMapping.Counters counters = mapping.counters();
        assertThat(counters.growths()).isEqualTo(1);
        assertThat(counters.inPlaceGrowths()).isEqualTo(1);
        assertThat(counters.moves()).isZero();
        assertThat(mapping.generation()).isZero();
        assertThat(mapping.mappedLength()).isEqualTo(2L * SEGMENT + 4096);
        assertThat(mapping.segment(0)).as("the cached view of segment 0 still holds").isSameAs(before);
        assertThat(mapping.segment(2).capacity()).isEqualTo(4096);
        mapping.growTo(SEGMENT); // not longer: nothing happens
        assertThat(mapping.counters().growths()).isEqualTo(1);
        mapping.populate(0, 10L * SEGMENT); // clipped to the mapping
    }

    @Test
    void everyLease_isCounted_andAfterCloseLeasesAreRefused() throws Exception {
        map(8192, 0);
        long leases = mapping.counters().leases();
        for (int i = 0; i < 3; i++) {
            mapping.acquire();
            mapping.release();
        }
        assertThat(mapping.counters().leases()).isEqualTo(leases + 3);
        assertThat(mapping.isClosed()).isFalse();
        mapping.close();
        assertThat(mapping.isClosed()).isTrue();
        assertThatThrownBy(mapping::acquire).isInstanceOf(ClosedLogException.class);
        assertThatThrownBy(() -> mapping.growTo(SEGMENT)).isInstanceOf(ClosedLogException.class);
        assertThatThrownBy(() -> mapping.sync(0, 4096)).isInstanceOf(ClosedLogException.class);
        mapping.close(); // idempotent
    }
}
