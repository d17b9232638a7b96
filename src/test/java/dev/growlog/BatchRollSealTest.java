package dev.growlog;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A batch that does not fit rolls the writer from wherever its end is, possibly an early
 * segment of the file: the sealed file must be padded through every segment left, not only to
 * the end of the segment the writer was in, or readers stop there as if at the end of the log.
 */
class BatchRollSealTest {
    static final int SEGMENT = 64 * 1024;
    /** Four segments per file. */
    static final GrowLogConfig FOUR_SEGMENTS = GrowLogConfig.builder().segmentSize(SEGMENT).rollSize(4L * SEGMENT)
            .initialSize(8192).pretouchAhead(0).build();

    @TempDir
    Path dir;

    @Test
    void aBatchRollingFromTheFirstSegment_sealsTheWholeSpan_soReadersReachTheNextFile() throws Exception {
        Path path = dir.resolve("batch-roll");
        List<Long> written = new ArrayList<>();
        try (GrowLog log = GrowLog.open(path, FOUR_SEGMENTS)) {
            written.add(log.append(new byte[30_000]));
            RecordBatch batch = new RecordBatch().add(new byte[40_000]).add(new byte[60_000]).add(new byte[60_000])
                    .add(new byte[60_000]);
            log.append(batch);
            for (int i = 0; i < batch.size(); i++) {
                written.add(batch.position(i));
            }
            assertThat(batch.position(0)).as("the batch went to the next file").isEqualTo(4L * SEGMENT + 4096);
            assertThat(readAll(log)).containsExactlyElementsOf(written);
            assertThat(log.verify().clean()).isTrue();
        }
        try (GrowLog log = GrowLog.openReadOnly(path)) {
            assertThat(readAll(log)).containsExactlyElementsOf(written);
        }
    }

    private static List<Long> readAll(GrowLog log) throws Exception {
        List<Long> read = new ArrayList<>();
        try (LogReader reader = log.reader(log.startPosition())) {
            while (reader.next()) {
                read.add(reader.position());
            }
        }
        return read;
    }
}
