package dev.growlog;

import dev.growlog.error.LogFullException;
import dev.growlog.error.NativeCallException;
import dev.growlog.internal.chain.DataFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A roll that fails at one of its steps (reserving the next file's blocks, syncing it, renaming
 * it into place) fails the append that needed it with a clear error and changes nothing else:
 * every record appended before is still there, the next append rolls, and after a reopen every
 * record is there, the files contiguous and no temporary file left.
 */
class RollFaultTest {
    static final long SPAN = 128 * 1024;
    static final GrowLogConfig CONFIG = GrowLogConfig.builder().segmentSize(64 * 1024).rollSize(SPAN)
            .initialSize(8192).maxGrowthStep(64 * 1024).pretouchAhead(0).build();
    /** Records appended after the failed roll: several more rolls. */
    static final int AFTER = 600;

    @TempDir
    Path dir;

    private final FaultySyscalls sys = new FaultySyscalls();
    private final List<Long> positions = new ArrayList<>();

    @Test
    void aRollWhoseNextFileGetsNoBlocks_failsTheAppendWithLogFull_andTheNextAppendRolls() throws Exception {
        // twice: the background preparation, then the writer's own attempt
        Throwable failure = rollFailsOnce(() -> sys.failOnFile(FaultySyscalls.Call.ALLOCATE, ".creating", 2, "ENOSPC"),
                () -> { });
        assertThat(failure).isInstanceOf(LogFullException.class).hasMessageContaining(".creating");
    }

    @Test
    void aRollWhoseNextFileFailsToSync_failsTheAppendNamingTheCall_andTheNextAppendRolls() throws Exception {
        Throwable failure = rollFailsOnce(() -> sys.failOnFile(FaultySyscalls.Call.FDATASYNC, ".creating", 2, "EIO"),
                () -> { });
        assertThat(failure).isInstanceOf(NativeCallException.class).hasMessageContaining("fdatasync");
    }

    @Test
    void aRollWhoseRenameFails_failsTheAppend_andTheNextAppendRollsIntoThePreparedFile() throws Exception {
        Path next = LogFiles.dataFile(dir.resolve("log"), 1, SPAN);
        Throwable failure = rollFailsOnce(() -> {
            Files.createDirectories(next); // something in the way of the rename
            Files.write(next.resolve("in-the-way"), new byte[1]);
        }, () -> {
            Files.delete(next.resolve("in-the-way"));
            Files.delete(next);
        });
        assertThat(failure).isInstanceOf(IOException.class).hasMessageContaining(LogFiles.dataFileName(SPAN));
    }

    private interface Step {
        void run() throws IOException;
    }

    /**
     * Arms a fault, appends until an append fails at the first roll, checks the log, clears the
     * fault, appends through more rolls and checks the log again after a reopen. Returns the failure.
     */
    private Throwable rollFailsOnce(Step arm, Step clear) throws IOException {
        Path path = dir.resolve("log");
        Throwable failure;
        try (GrowLog log = GrowLog.open(path, CONFIG, sys)) {
            arm.run();
            failure = null;
            for (int i = 0; failure == null; i++) {
                assertThat(i).as("appends before the roll").isLessThan(1000);
                int number = i;
                failure = catchThrowable(() -> positions.add(log.append(Payloads.numbered(number, 1000))));
            }
            assertThat(positions).as("records before the failed roll").isNotEmpty()
                    .allSatisfy(p -> assertThat(p).isLessThan(SPAN));
            readsBackEveryRecord(log);
            clear.run();
            for (int i = 0; i < AFTER; i++) {
                positions.add(log.append(Payloads.numbered(positions.size(), 1000)));
            }
            assertThat(positions.get(positions.size() - 1) / SPAN).as("files rolled to after the fault").isGreaterThan(3);
            readsBackEveryRecord(log);
        }
        try (GrowLog reopened = GrowLog.open(path, CONFIG)) {
            assertThat(reopened.recoveryReport().cleanShutdown()).isTrue();
            readsBackEveryRecord(reopened);
            assertThat(DataFiles.temporary(path)).isEmpty();
            List<Long> files = DataFiles.list(path).keySet().stream().map(base -> base / SPAN).toList();
            assertThat(files).as("data files, contiguous from 0")
                    .isEqualTo(java.util.stream.LongStream.range(0, files.size()).boxed().toList());
        }
        return failure;
    }

    private void readsBackEveryRecord(GrowLog log) throws IOException {
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
