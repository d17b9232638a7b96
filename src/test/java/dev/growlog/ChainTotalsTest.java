package dev.growlog;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The totals that {@code stats()} reports over a chain of files: every data file counts, with its
 * size on disk, and its records and payload bytes, whether the file is the writer's, open for
 * reading, or closed (counted from the checkpoint in its header), in the writer's log and in a
 * read-only one.
 */
class ChainTotalsTest {
    static final long SPAN = ChainTest.SPAN;

    @TempDir
    Path dir;

    private long records;
    private long payloadBytes;
    private long last;

    private void appendUntilFile(GrowLog log, long index) throws IOException {
        while (records == 0 || last < index * SPAN) {
            int length = 100 + (int) (records * 37 % 1500);
            last = log.append(Payloads.numbered((int) records, length));
            records++;
            payloadBytes += length;
        }
    }

    private static long dataFileBytes(Path log) throws IOException {
        long bytes = 0;
        for (String name : ChainTest.dataFiles(log)) {
            bytes += Files.size(log.resolve(name));
        }
        return bytes;
    }

    private void assertTotals(GrowLog log, Path path, String which) throws IOException {
        GrowLogStats stats = log.stats();
        assertThat(stats.files()).as("files (%s)", which).isEqualTo(ChainTest.dataFiles(path).size());
        assertThat(stats.diskBytes()).as("bytes of the data files (%s)", which).isEqualTo(dataFileBytes(path));
        assertThat(stats.records()).as("records (%s)", which).isEqualTo(records);
        assertThat(stats.payloadBytes()).as("payload bytes (%s)", which).isEqualTo(payloadBytes);
    }

    @Test
    void stats_countEveryFile_whetherWritten_openForReading_orClosed() throws Exception {
        Path path = dir.resolve("totals");
        try (GrowLog log = GrowLog.open(path, ChainTest.ROLLING)) {
            appendUntilFile(log, 3);
            log.sync(); // retires the sealed files: closed, they count by their headers
            assertThat(log.chain().openFiles()).hasSize(1);
            assertTotals(log, path, "writer, sealed files closed");

            log.read(LogFiles.HEADER_SIZE); // opens file 0 for reading
            assertThat(log.chain().openFiles()).hasSize(2);
            assertTotals(log, path, "writer, file 0 open for reading");

            try (GrowLog follower = GrowLog.openReadOnly(path)) {
                assertTotals(follower, path, "read-only, following the last file");
            }
        }
    }
}
