package dev.growlog;

import dev.growlog.PausingSyscalls.Call;
import dev.growlog.PausingSyscalls.Pause;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A zero-copy scan of a read-only log meets a record that runs past its mapping, follows the
 * file, goes on, and within the same batch meets another such record that the writer appended
 * after that follow: the second needs a follow of its own, not a "runs past the end of the
 * file" error. The writer's append lands exactly while the scan follows (paused in the
 * {@code Syscalls} double after it read the file size).
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FollowerZeroCopyScanTest {
    /** Growth by 8 KiB at a time, only when an append needs it. */
    private static final GrowLogConfig STEPS = GrowLogConfig.builder().segmentSize(64 * 1024).initialSize(8192)
            .maxGrowthStep(8192).pretouchAhead(0).build();

    @TempDir
    Path dir;

    /** Appends records until the next one of 24 bytes would start inside {@code boundary}'s last 24 bytes. */
    private static void fillTo(GrowLog writer, long boundary) throws Exception {
        while (writer.endPosition() + LogFiles.recordSize(1000) + 40 <= boundary) {
            writer.append(new byte[1000]);
        }
        long left = boundary - writer.endPosition();
        writer.append(new byte[(int) left - 32]); // leaves 24 bytes before the boundary
        assertThat(boundary - writer.endPosition()).isEqualTo(24);
    }

    @Test
    void forEach_onAReadOnlyLog_followsAgainForASecondRecordPastItsMapping() throws Exception {
        Path file = dir.resolve("f.glog");
        PausingSyscalls sys = new PausingSyscalls();
        try (GrowLog writer = GrowLog.open(file, STEPS, sys)) {
            writer.append(new byte[100]);
            writer.append(new byte[100]);
            try (GrowLog follower = GrowLog.openReadOnly(file, GrowLogConfig.defaults(), sys);
                 LogReader reader = follower.reader(follower.startPosition())) { // follows now, not later
                long mapped = follower.stats().mappedSize();
                fillTo(writer, mapped);
                writer.append(new byte[24]); // header inside the follower's mapping, payload past it
                long size = writer.stats().fileSize();
                fillTo(writer, size);

                CompletableFuture<Long> scanned = new CompletableFuture<>();
                Thread scanner = new Thread(() -> {
                    try {
                        scanned.complete(reader.forEach((position, payload) -> { }));
                    } catch (Throwable e) {
                        scanned.completeExceptionally(e);
                    }
                }, "scanner");
                Pause follow = sys.pauseAfter(Call.SIZE, scanner);
                scanner.start();
                follow.awaitReached(); // the scan follows the file to its current size
                writer.append(new byte[24]); // grows the file, and straddles the size the scan read
                follow.resume();

                assertThat(scanned.get(PausingSyscalls.TIMEOUT_SECONDS, TimeUnit.SECONDS))
                        .isEqualTo(writer.stats().records());
            }
        }
    }
}
