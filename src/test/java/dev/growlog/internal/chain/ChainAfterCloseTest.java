package dev.growlog.internal.chain;

import dev.growlog.GrowLog;
import dev.growlog.GrowLogConfig;
import dev.growlog.GrowLogHooks;
import dev.growlog.error.ClosedLogException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Once the log is closed, the chain's steps that a thread racing the close may still reach
 * (truncation, a retention pass, opening a file for reading) refuse with
 * {@link ClosedLogException} and touch nothing on disk: no start file written, no file deleted,
 * no file mapped again.
 */
class ChainAfterCloseTest {
    private static final long SPAN = 128 * 1024;

    @TempDir
    Path dir;

    @Test
    void truncationRetentionAndOpeningAFile_areRefusedOnceClosed_andChangeNothing() throws Exception {
        GrowLogConfig config = GrowLogConfig.builder().segmentSize(64 * 1024).rollSize(SPAN).initialSize(8192)
                .maxGrowthStep(64 * 1024).pretouchAhead(0).retentionAge(Duration.ofDays(1)).build();
        Path path = dir.resolve("closed");
        GrowLog log = GrowLog.open(path, config);
        long appended = 0;
        while (appended < 2 * SPAN) {
            appended = log.append(new byte[1000]);
        }
        long last = appended;
        Chain chain = GrowLogHooks.chain(log);
        log.close();
        TreeMap<Long, Path> before = DataFiles.list(path);
        for (Path file : before.values()) { // old enough for the age limit to delete
            Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(0));
        }

        assertThatThrownBy(() -> chain.truncateBefore(last)).isInstanceOf(ClosedLogException.class);
        assertThatThrownBy(() -> chain.enforceRetention(0)).isInstanceOf(ClosedLogException.class);
        assertThatThrownBy(() -> chain.fileAt(0)).isInstanceOf(ClosedLogException.class);

        assertThat(path.resolve(StartFile.NAME)).doesNotExist();
        assertThat(DataFiles.list(path)).isEqualTo(before);
        assertThat(chain.openFiles()).isEmpty();
    }
}
