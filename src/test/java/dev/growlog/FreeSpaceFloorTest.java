package dev.growlog;

import dev.growlog.error.LogFullException;
import dev.growlog.internal.chain.DataFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The free-space floor on the ordinary test file system, without filling it: a growth of
 * {@link #STEP} bytes is refused when it would leave less free space than the floor, and allowed
 * when it leaves more. Each floor is set {@link #STEP} bytes away from the decision, so the test
 * holds unless other processes change the free space by that much between the measurement and
 * the growth. ({@code DiskFullTest} checks the floor against a real small file system.)
 */
class FreeSpaceFloorTest {
    /** The data file's initial size, and its first growth step. */
    private static final long STEP = 32L << 20;

    @TempDir
    Path dir;

    private static GrowLogConfig config(long floor) {
        return GrowLogConfig.builder().initialSize(STEP).maxGrowthStep(STEP).minFreeSpace(floor)
                .pretouchAhead(0).build();
    }

    private static long usable(Path file) throws IOException {
        return Files.getFileStore(file).getUsableSpace();
    }

    /** A payload that just does not fit in the initial file, so that its append grows it by one step. */
    private static byte[] oneStepOver() {
        return new byte[(int) STEP - 4096];
    }

    @Test
    void growth_thatWouldLeaveLessThanTheFloor_isLogFull_andChangesNothing() throws IOException {
        Path logDir = dir.resolve("refused");
        GrowLog.open(logDir, config(0)).close();
        Path file = LogFiles.first(logDir);
        try (GrowLog log = GrowLog.open(logDir, config(usable(file)))) { // STEP more than growth would leave
            long end = log.endPosition();
            assertThatThrownBy(() -> log.append(oneStepOver())).isInstanceOf(LogFullException.class)
                    .hasMessageContaining("floor").hasMessageContaining(file.toString());
            assertThat(log.endPosition()).isEqualTo(end);
            assertThat(Files.size(file)).isEqualTo(STEP);
            assertThat(DataFiles.list(logDir)).as("data files").containsOnlyKeys(0L);
            assertThat(log.append(new byte[100])).as("a record that needs no growth").isEqualTo(end);
        }
    }

    @Test
    void growth_thatLeavesMoreThanTheFloor_goesAhead() throws IOException {
        Path logDir = dir.resolve("allowed");
        GrowLog.open(logDir, config(0)).close();
        Path file = LogFiles.first(logDir);
        try (GrowLog log = GrowLog.open(logDir, config(usable(file) - 2 * STEP))) { // STEP less than growth leaves
            long position = log.append(oneStepOver());
            assertThat(Files.size(file)).isEqualTo(2 * STEP);
            assertThat(log.read(position)).hasSize((int) STEP - 4096);
        }
    }
}
