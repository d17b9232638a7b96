package dev.growlog;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The writer keeps its segment view in a field and looks a view up only when it enters another
 * segment (a cache lookup per record halves append throughput): counted as view-cache hits plus
 * misses, on a log that neither grows nor runs a pretoucher meanwhile.
 */
class WriterViewLookupTest {
    private static final int SEGMENT = 64 * 1024;

    @TempDir
    Path dir;

    private static long lookUps(GrowLog log) throws IOException {
        GrowLogStats stats = log.stats();
        return stats.viewCacheHits() + stats.viewCacheMisses();
    }

    @Test
    void appends_lookTheViewUpOncePerSegment_evenWhenRecordsEndExactlyAtEachSegmentEnd() throws IOException {
        int length = 1024 - 8; // records of 1 KiB: the first segment holds 60 after the header, the others 64
        int segments = 4;
        int records = (SEGMENT - 4096) / 1024 + (segments - 1) * (SEGMENT / 1024);
        GrowLogConfig config = GrowLogConfig.builder().segmentSize(SEGMENT).initialSize(8L * SEGMENT)
                .pretouchAhead(0).build();
        try (GrowLog log = GrowLog.open(dir.resolve("views.glog"), config)) {
            long before = lookUps(log);
            for (int i = 0; i < records; i++) {
                log.append(new byte[length]);
            }
            assertThat(log.endPosition()).isEqualTo((long) segments * SEGMENT);
            assertThat(log.stats().growths()).isZero();
            assertThat(lookUps(log) - before).as("view look-ups for %d records in %d segments", records, segments)
                    .isEqualTo(segments);
        }
    }
}
