package dev.growlog;

import dev.growlog.error.RecordsDroppedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A reader never hands out a record the log's start has moved past, even when the record's file
 * is still there: {@code next()} refuses to go on from a dropped position, and {@code forEach}
 * stops at the first record dropped while it runs, after handing every record before it.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReaderDroppedTest {
    private static final int RECORDS = 10;

    @TempDir
    Path dir;

    private static List<Long> append(GrowLog log) throws Exception {
        List<Long> positions = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            positions.add(log.append(Payloads.numbered(i, 40)));
        }
        return positions;
    }

    private static void assertDropped(Throwable thrown, long position, long start) {
        assertThat(thrown).isInstanceOf(RecordsDroppedException.class);
        assertThat(((RecordsDroppedException) thrown).position()).isEqualTo(position);
        assertThat(((RecordsDroppedException) thrown).startPosition()).isEqualTo(start);
    }

    @Test
    void next_fromAPositionTheStartMovedPast_inTheSameFile_throwsRecordsDropped() throws Exception {
        try (GrowLog log = GrowLog.open(dir.resolve("log"), GrowLogConfig.builder().pretouchAhead(0).build())) {
            List<Long> positions = append(log);
            try (LogReader reader = log.reader(positions.get(2))) {
                log.truncateBefore(positions.get(5));
                assertThatThrownBy(reader::next).satisfies(e -> assertDropped(e, positions.get(2), positions.get(5)));
            }
            try (LogReader reader = log.reader(log.startPosition())) {
                assertThat(reader.next()).isTrue();
                assertThat(reader.position()).isEqualTo(positions.get(5));
            }
        }
    }

    @Test
    void forEach_whenTheStartMovesPastTheNextRecordDuringTheCall_stopsThereWithRecordsDropped() throws Exception {
        try (GrowLog log = GrowLog.open(dir.resolve("log"), GrowLogConfig.builder().pretouchAhead(0).build());
             LogReader reader = log.reader(log.startPosition())) {
            List<Long> positions = append(log);
            CountDownLatch inHandler = new CountDownLatch(1);
            CountDownLatch truncated = new CountDownLatch(1);
            List<Long> handled = new ArrayList<>();
            CompletableFuture<Long> scan = new CompletableFuture<>();
            Thread scanner = new Thread(() -> {
                try {
                    scan.complete(reader.forEach((position, payload) -> {
                        handled.add(position);
                        if (handled.size() == 2) {
                            inHandler.countDown();
                            try {
                                assertThat(truncated.await(PausingSyscalls.TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                    }));
                } catch (Throwable e) {
                    scan.completeExceptionally(e);
                }
            }, "scanner");
            scanner.start();
            try {
                assertThat(inHandler.await(PausingSyscalls.TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
                log.truncateBefore(positions.get(5)); // while the handler holds the second record
                truncated.countDown();
                assertThatThrownBy(() -> scan.get(PausingSyscalls.TIMEOUT_SECONDS, TimeUnit.SECONDS))
                        .satisfies(e -> assertDropped(e.getCause(), positions.get(2), positions.get(5)));
                assertThat(handled).containsExactlyElementsOf(positions.subList(0, 2));
            } finally {
                truncated.countDown();
                scanner.join(TimeUnit.SECONDS.toMillis(PausingSyscalls.TIMEOUT_SECONDS));
            }
        }
    }
}
