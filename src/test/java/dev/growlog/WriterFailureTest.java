package dev.growlog;

import dev.growlog.error.GrowLogException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The writer's failure state belongs to the whole log, not to one file: a sync that fails in a
 * file the writer has rolled past (by the next {@code sync()} or by the background retire,
 * whichever comes first) makes every later append and sync of the log fail, naming the first
 * failure, and the records appended before stay readable and survive a reopen.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WriterFailureTest {
    static final long SPAN = 128 * 1024;
    static final GrowLogConfig CONFIG = GrowLogConfig.builder().segmentSize(64 * 1024).rollSize(SPAN)
            .initialSize(8192).maxGrowthStep(64 * 1024).pretouchAhead(0).build();

    @TempDir
    Path dir;

    private final FaultySyscalls sys = new FaultySyscalls();

    @Test
    void aFailedSyncOfASealedFile_makesTheWholeLogRefuseAppendsAndSyncs() throws IOException {
        Path path = dir.resolve("log");
        List<Long> positions = new ArrayList<>();
        try (GrowLog log = GrowLog.open(path, CONFIG, sys)) {
            sys.failOnFile(FaultySyscalls.Call.MSYNC, LogFiles.dataFileName(0), 1, "EIO");
            while (positions.isEmpty() || positions.get(positions.size() - 1) < SPAN) {
                positions.add(log.append(Payloads.numbered(positions.size(), 1000)));
            }

            Throwable failed = catchThrowable(log::sync);
            assertThat(failed).as("the sync after the roll").isInstanceOf(GrowLogException.class)
                    .hasStackTraceContaining("EIO");
            int msyncs = sys.calls(FaultySyscalls.Call.MSYNC);
            assertThatThrownBy(() -> log.append(Payloads.numbered(positions.size(), 1000)))
                    .as("an append into the new file").isInstanceOf(GrowLogException.class)
                    .hasMessageContaining("failed earlier").hasStackTraceContaining("EIO");
            assertThatThrownBy(log::sync).isInstanceOf(GrowLogException.class).hasMessageContaining("failed earlier");
            assertThat(sys.calls(FaultySyscalls.Call.MSYNC)).as("msync calls after the failure: none")
                    .isEqualTo(msyncs);
            readsBack(log, positions);
        }
        try (GrowLog reopened = GrowLog.open(path, CONFIG)) {
            readsBack(reopened, positions);
            reopened.append(Payloads.numbered(positions.size(), 1000)); // a reopened log is healthy again
        }
    }

    private static void readsBack(GrowLog log, List<Long> positions) throws IOException {
        int k = 0;
        try (LogReader reader = log.reader(log.startPosition())) {
            while (reader.next()) {
                assertThat(reader.position()).as("position of record %d", k).isEqualTo(positions.get(k));
                assertThat(Payloads.numberOf(reader.bytes())).isEqualTo(k);
                k++;
            }
        }
        assertThat(k).as("records read back").isEqualTo(positions.size());
    }
}
