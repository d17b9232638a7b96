package dev.growlog;

import dev.growlog.error.LogFullException;
import dev.growlog.error.RecordsDroppedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Retention through the public API: a disk budget that holds at every moment, the block and
 * drop-oldest policies against a stalled cursor, abandoned cursors, the age limit, and limits
 * applied again after a restart.
 */
class RetentionBudgetTest {
    private static final int SEGMENT = 64 * 1024;
    private static final long ROLL = 2L * SEGMENT;
    private static final long BUDGET = 6 * ROLL;

    @TempDir
    Path dir;

    private static GrowLogConfig.Builder small() {
        return GrowLogConfig.builder().segmentSize(SEGMENT).initialSize(16 * 1024).maxGrowthStep(SEGMENT)
                .rollSize(ROLL).pretouchAhead(0);
    }

    /** Bytes every file under the log's directory takes on disk. */
    private static long onDisk(Path log) {
        return DiskUsage.now(log);
    }

    /** How {@link #appendUntilFull} ended: the refusal (null if none came) and the next record's number. */
    private record Full(LogFullException refusal, int appended) {
    }

    /**
     * Appends numbered 700-byte records from number {@code from} until the log refuses one (at
     * most up to number 10,000), running {@code afterEach} after every attempt.
     */
    private static Full appendUntilFull(GrowLog log, int from, Runnable afterEach) throws IOException {
        int appended = from;
        while (appended < 10_000) {
            try {
                log.append(Payloads.numbered(appended, 700));
                appended++;
            } catch (LogFullException e) {
                return new Full(e, appended);
            } finally {
                afterEach.run();
            }
        }
        return new Full(null, appended);
    }

    @Test
    void aBudgetSmallerThanTwoFiles_isRefusedWithTheReason() {
        assertThatThrownBy(() -> small().retentionBytes(2 * ROLL - 1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two files")
                .hasMessageContaining("rollSize");
        assertThat(small().retentionBytes(2 * ROLL).build().retentionBytes()).isEqualTo(2 * ROLL);
    }

    @Test
    void withoutCursors_theOldestFilesGo_andTheBudgetHoldsAfterEveryAppend() throws IOException {
        Path path = dir.resolve("log");
        try (GrowLog log = GrowLog.open(path, small().retentionBytes(BUDGET).build())) {
            long max = 0;
            long last = 0;
            for (int i = 0; i < 3000; i++) {
                last = log.append(Payloads.numbered(i, 700));
                max = Math.max(max, onDisk(path));
            }
            assertThat(max).as("bytes on disk at the worst moment").isLessThanOrEqualTo(BUDGET);
            assertThat(log.startPosition()).as("the start moved past the deleted files").isGreaterThan(ROLL);
            assertThat(log.stats().files()).isLessThanOrEqualTo(BUDGET / ROLL);
            assertThat(log.read(last)).isEqualTo(Payloads.numbered(2999, 700));
            RecordsDroppedException dropped = catchThrowableOfType(RecordsDroppedException.class,
                    () -> log.read(4096));
            assertThat(dropped.position()).isEqualTo(4096);
            try (LogReader reader = log.reader(log.startPosition())) {
                long read = 0;
                while (reader.next()) {
                    read++;
                }
                assertThat(read).isPositive();
            }
        }
    }

    @Test
    void underBlock_aStalledCursor_makesAppendsFail_untilItMovesOn_andNothingItNeedsIsLost() throws IOException {
        Path path = dir.resolve("log");
        try (GrowLog log = GrowLog.open(path, small().retentionBytes(BUDGET).build());
             Cursor slow = log.cursor("slow")) {
            long first = log.append(Payloads.numbered(0, 700));
            Full until = appendUntilFull(log, 1, () -> { });
            int appended = until.appended();
            LogFullException full = until.refusal();
            assertThat(full).as("appends stop at the budget").isNotNull();
            assertThat(full.getMessage()).contains("'slow'").contains("budget");
            assertThat(onDisk(path)).isLessThanOrEqualTo(BUDGET);
            assertThat(log.startPosition()).isEqualTo(first);
            try (LogReader reader = slow.reader()) {
                for (int i = 0; i < appended; i++) {
                    assertThat(reader.next()).isTrue();
                    assertThat(reader.bytes()).isEqualTo(Payloads.numbered(i, 700));
                }
                slow.commit(reader.nextPosition());
            }

            long after = log.append(Payloads.numbered(appended, 700));

            assertThat(log.read(after)).isEqualTo(Payloads.numbered(appended, 700));
            assertThat(log.startPosition()).isGreaterThan(first);
            assertThat(onDisk(path)).isLessThanOrEqualTo(BUDGET);
        }
    }

    @Test
    void underDropOldest_aStalledCursor_isToldExactlyWhichRangeItLost() throws IOException {
        Path path = dir.resolve("log");
        GrowLogConfig config = small().retentionBytes(BUDGET).retentionPolicy(RetentionPolicy.DROP_OLDEST).build();
        try (GrowLog log = GrowLog.open(path, config); Cursor slow = log.cursor("slow")) {
            long at = slow.position();
            for (int i = 0; i < 3000; i++) {
                log.append(Payloads.numbered(i, 700));
            }
            assertThat(onDisk(path)).isLessThanOrEqualTo(BUDGET);

            RecordsDroppedException lost = catchThrowableOfType(RecordsDroppedException.class, slow::reader);

            assertThat(lost.position()).isEqualTo(at);
            assertThat(lost.startPosition()).isEqualTo(log.startPosition()).isGreaterThan(at);
            slow.move(log.startPosition());
            try (LogReader reader = slow.reader()) {
                assertThat(reader.next()).isTrue();
            }
        }
    }

    @Test
    void anAbandonedCursor_keepsNothing_evenUnderBlock() throws IOException {
        Path path = dir.resolve("log");
        GrowLogConfig config = small().retentionBytes(BUDGET).cursorTimeout(Duration.ofMillis(1)).build();
        try (GrowLog log = GrowLog.open(path, config)) {
            log.setCursor("gone", log.startPosition());
            Files.setLastModifiedTime(path.resolve("cursors").resolve("gone.cursor"), FileTime.from(Instant.EPOCH));
            for (int i = 0; i < 3000; i++) {
                log.append(Payloads.numbered(i, 700)); // never refused: the cursor's last commit is long past
            }
            assertThat(log.startPosition()).isGreaterThan(ROLL);
            assertThat(log.cursors()).extracting(CursorInfo::name).containsExactly("gone");
        }
    }

    @Test
    void filesOlderThanTheAgeLimit_goWhenTheWriterOpens_butNeverItsCurrentFile() throws IOException {
        Path path = dir.resolve("log");
        try (GrowLog log = GrowLog.open(path, small().build())) {
            for (int i = 0; i < 800; i++) {
                log.append(Payloads.numbered(i, 700));
            }
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(path)) {
            files = list.filter(f -> f.getFileName().toString().endsWith(".glog")).sorted().toList();
        }
        assertThat(files.size()).isGreaterThan(3);
        for (Path file : files) {
            Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(Duration.ofDays(2))));
        }

        try (GrowLog log = GrowLog.open(path, small().retentionAge(Duration.ofDays(1)).build())) {
            assertThat(log.stats().files()).as("only the writer's file is left").isEqualTo(1);
            assertThat(Files.exists(files.get(files.size() - 1))).isTrue();
            assertThat(log.startPosition()).isEqualTo((files.size() - 1) * ROLL + 4096);
        }
    }

    @Test
    void aSmallerBudget_holdsAsSoonAsTheWriterReopens() throws IOException {
        Path path = dir.resolve("log");
        try (GrowLog log = GrowLog.open(path, small().build())) {
            for (int i = 0; i < 3000; i++) {
                log.append(Payloads.numbered(i, 700));
            }
        }
        assertThat(onDisk(path)).isGreaterThan(BUDGET);

        try (GrowLog log = GrowLog.open(path, small().retentionBytes(BUDGET).build())) {
            assertThat(onDisk(path)).isLessThanOrEqualTo(BUDGET);
            assertThat(log.read(log.startPosition())).isNotNull();
        }
    }

    /** The file that is current when the writer opens grows under the budget too, not only the files it rolls to. */
    @Test
    void theFileCurrentAtOpen_growsWithinTheBudgetToo() throws IOException {
        Path path = dir.resolve("log");
        long budget = 2 * ROLL;
        int appended = 0;
        try (GrowLog log = GrowLog.open(path, small().build());
             Cursor held = log.cursor("held")) {
            held.commit(log.append(Payloads.numbered(appended++, 700))); // keeps file 0
            while (log.endPosition() < ROLL + 4096 + 1024) {
                log.append(Payloads.numbered(appended++, 700));
            }
        }
        assertThat(onDisk(path)).as("file 1 has just begun").isLessThan(budget - ROLL / 2);

        try (GrowLog log = GrowLog.open(path, small().retentionBytes(budget).build())) {
            long[] max = {onDisk(path)};
            LogFullException full = appendUntilFull(log, appended, () -> max[0] = Math.max(max[0], onDisk(path)))
                    .refusal();
            assertThat(full).as("appends stop at the budget").isNotNull();
            assertThat(full.getMessage()).contains("'held'");
            assertThat(max[0]).as("bytes on disk at the worst moment").isLessThanOrEqualTo(budget);
        }
    }
}
