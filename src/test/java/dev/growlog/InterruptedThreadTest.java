package dev.growlog;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A thread whose interrupt flag is set (a worker told to stop, flushing on its way out) still
 * syncs and closes, directory included, and keeps its flag.
 */
class InterruptedThreadTest {
    @TempDir
    Path dir;

    @AfterEach
    void clearFlag() {
        Thread.interrupted();
    }

    private static int cleanFlag(Path log, long index) throws IOException {
        return LogFiles.readInt(LogFiles.dataFile(log, index, ChainTest.SPAN), LogFiles.CLEAN_OFFSET);
    }

    @Test
    void anInterruptedThread_syncsTheRolledFilesAndTheirDirectory_andClosesClean_keepingItsFlag()
            throws IOException {
        Path path = dir.resolve("log");
        long end;
        try (GrowLog log = GrowLog.open(path, ChainTest.ROLLING)) {
            for (int i = 0; i < 1000; i++) {
                log.append(Payloads.numbered(i, 500));
            }
            assertThat(log.stats().files()).as("files: the rolls left the directory to sync").isGreaterThan(2);
            end = log.endPosition();
            Thread.currentThread().interrupt();

            log.sync();

            assertThat(Thread.interrupted()).as("the caller's interrupt flag, kept by sync").isTrue();
            assertThat(log.stats().syncedPosition()).isEqualTo(end);
            assertThat(cleanFlag(path, 0)).as("the first sealed file, marked clean by the sync").isEqualTo(1);
            for (int i = 1000; i < 1300; i++) { // 150 kB more: a roll leaves the directory to sync at close
                log.append(Payloads.numbered(i, 500));
            }
            end = log.endPosition();
            Thread.currentThread().interrupt();
        }
        assertThat(Thread.interrupted()).as("the caller's interrupt flag, kept by close").isTrue();
        try (GrowLog reopened = GrowLog.open(path, ChainTest.ROLLING)) {
            assertThat(reopened.recoveryReport().cleanShutdown()).isTrue();
            assertThat(reopened.endPosition()).isEqualTo(end);
        }
    }
}
