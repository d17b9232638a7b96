package dev.growlog;

import dev.growlog.error.RecordsDroppedException;
import dev.growlog.internal.chain.StartFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Retention while the writer runs: the age limit deletes old files after a roll, moving the start
 * durably and letting go of files this log had opened for reading; and a budgeted log rolls on
 * through many times its budget, its reservations for new files released after each.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ChainRetentionTest {
    static final long SPAN = ChainTest.SPAN;
    static final int PAYLOAD = 1000;

    @TempDir
    Path dir;

    private final List<Long> positions = new ArrayList<>();

    private void appendUntilFile(GrowLog log, long index) throws IOException {
        while (positions.isEmpty() || positions.get(positions.size() - 1) < index * SPAN) {
            positions.add(log.append(Payloads.numbered(positions.size(), PAYLOAD)));
        }
    }

    @Test
    void theAgeLimit_deletesOldFilesAfterARoll_movingTheStartDurably_andLettingGoOfThem() throws Exception {
        GrowLogConfig config = GrowLogConfig.builder().segmentSize(64 * 1024).rollSize(SPAN).initialSize(8192)
                .maxGrowthStep(64 * 1024).pretouchAhead(0).retentionAge(Duration.ofDays(1)).build();
        Path path = dir.resolve("aged");
        try (GrowLog log = GrowLog.open(path, config)) {
            appendUntilFile(log, 3);
            log.sync(); // retires the sealed files
            assertThat(log.read(positions.get(0))).isEqualTo(Payloads.numbered(0, PAYLOAD)); // opens file 0
            for (long index = 0; index < 2; index++) {
                Files.setLastModifiedTime(LogFiles.dataFile(path, index, SPAN),
                        FileTime.from(Instant.now().minus(Duration.ofDays(2))));
            }
            assertThat(path.resolve(StartFile.NAME)).doesNotExist();

            appendUntilFile(log, 4); // the roll applies the age limit in the background
            Await.until("files 0 and 1 deleted", () -> ChainTest.dataFiles(path).size() == 3);

            long start = 2 * SPAN + LogFiles.HEADER_SIZE;
            assertThat(ChainTest.dataFiles(path)).first().isEqualTo(LogFiles.dataFileName(2 * SPAN));
            assertThat(log.startPosition()).isEqualTo(start);
            assertThat(path.resolve(StartFile.NAME)).as("the start, written durably").exists();
            ChainTest.assertNoDeletedFileHeld(path);
            assertThatThrownBy(() -> log.read(positions.get(0))).isInstanceOf(RecordsDroppedException.class);
            assertThat(log.read(start)).isNotNull();
        }
    }

    @Test
    void aBudgetedLog_rollsOnThroughManyTimesItsBudget() throws Exception {
        long budget = 6 * SPAN;
        GrowLogConfig config = GrowLogConfig.builder().segmentSize(64 * 1024).rollSize(SPAN).initialSize(16 * 1024)
                .maxGrowthStep(64 * 1024).pretouchAhead(0).retentionBytes(budget).build();
        Path path = dir.resolve("budgeted");
        long files = 60;
        try (GrowLog log = GrowLog.open(path, config)) {
            appendUntilFile(log, files);
            assertThat(log.stats().files()).isLessThanOrEqualTo(budget / SPAN);
            assertThat(log.startPosition()).isGreaterThan((files - budget / SPAN) * SPAN);
            long lastPosition = positions.get(positions.size() - 1);
            assertThat(log.read(lastPosition)).isEqualTo(Payloads.numbered(positions.size() - 1, PAYLOAD));
        }
    }
}
