package dev.growlog;

import dev.growlog.error.CorruptLogException;
import dev.growlog.error.GrowLogException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Another actor shortens the file while a writer (or a reader) has it mapped.
 *
 * <p>What growlog can detect, and where: the file being shorter than the mapping, checked with
 * lseek(SEEK_END) before every growth and every sync/checkpoint of a writer and every time a
 * read-only log follows the file; it is then a {@link CorruptLogException} ("file shrank"),
 * and the writer refuses further appends and syncs. A shortened file is also handled on the
 * next open: recovery scans what is left and appends continue after the last valid record.
 *
 * <p>What it cannot detect: a truncation that races an access to the lost pages between two
 * checks. Touching a mapped page past the end of the file raises SIGBUS, which the JVM turns
 * into a late, imprecise {@link InternalError} for ByteBuffer access. So these tests shorten
 * the file only past the writer's end position (in the pre-allocated zero tail) and never let
 * the writer or a reader touch a lost page: they force a growth or a sync instead. Nor can it
 * see a file cut and then extended back to its old size (the size check passes; the lost
 * records read as zeros, reported by verify() as damage) or bytes overwritten in place (their
 * checksums fail when read or verified).
 */
class ExternalDamageTest {
    /** One MiB mapped from the start, one big segment: nothing grows until an append needs more. */
    static final GrowLogConfig ONE_MIB = GrowLogConfig.builder().initialSize(1 << 20).build();

    @TempDir
    Path dir;

    private final Map<Long, byte[]> written = new LinkedHashMap<>();

    private void appendLines(GrowLog log, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            byte[] line = Samples.apache().get(written.size() % Samples.apache().size());
            written.put(log.append(line), line);
        }
    }

    /** What another process does: ftruncate through its own descriptor. */
    private static void truncateBehindTheWriter(Path file, long size) throws IOException {
        try (FileChannel channel = FileChannel.open(LogFiles.first(file), StandardOpenOption.WRITE)) {
            channel.truncate(size);
        }
    }

    private void assertAllRecordsIntact(GrowLog log) throws IOException {
        for (Map.Entry<Long, byte[]> e : written.entrySet()) {
            assertThat(log.read(e.getKey())).as("record at %d", e.getKey()).isEqualTo(e.getValue());
        }
        List<Long> scanned = new ArrayList<>();
        try (LogReader reader = log.reader(log.startPosition())) {
            while (reader.next()) {
                assertThat(Arrays.equals(reader.bytes(), written.get(reader.position())))
                        .as("record at %d as written", reader.position()).isTrue();
                scanned.add(reader.position());
            }
        }
        assertThat(scanned).isEqualTo(new ArrayList<>(written.keySet()));
    }

    @Test
    void fileShortenedPastTheEnd_isReportedByTheNextSync_andTheWriterThenRefusesAppends() throws Exception {
        Path file = dir.resolve("shrunk-sync.glog");
        GrowLog log = GrowLog.open(file, ONE_MIB);
        appendLines(log, 200);
        assertThat(log.endPosition()).isLessThan(512 * 1024);

        truncateBehindTheWriter(file, 512 * 1024);

        assertThatThrownBy(log::sync).isInstanceOf(CorruptLogException.class).hasMessageContaining("shrank")
                .hasMessageContaining(file.toString()).hasMessageContaining("actual size=" + 512 * 1024);
        assertThatThrownBy(() -> log.append(new byte[8])).isInstanceOf(GrowLogException.class)
                .hasMessageContaining("shrank");
        assertThatThrownBy(log::sync).isInstanceOf(GrowLogException.class).hasMessageContaining("shrank");
        assertAllRecordsIntact(log); // every record lies below the new size
        assertThatCode(log::close).doesNotThrowAnyException();

        try (GrowLog reopened = GrowLog.open(file, ONE_MIB)) {
            assertThat(reopened.recoveryReport().cleanShutdown()).isFalse();
            assertAllRecordsIntact(reopened);
            appendLines(reopened, 5_000); // grows past the old size again
            assertAllRecordsIntact(reopened);
        }
    }

    @Test
    void fileShortenedPastTheEnd_isReportedByClose_whichDoesNotMarkTheLogClean() throws Exception {
        Path file = dir.resolve("shrunk-close.glog");
        GrowLog log = GrowLog.open(file, ONE_MIB);
        appendLines(log, 200);
        log.sync();
        truncateBehindTheWriter(file, 512 * 1024);

        assertThatThrownBy(log::close).isInstanceOf(CorruptLogException.class).hasMessageContaining("shrank");
        assertThatCode(log::close).doesNotThrowAnyException();

        try (GrowLog reopened = GrowLog.open(file, ONE_MIB)) {
            assertThat(reopened.recoveryReport().cleanShutdown()).isFalse();
            assertAllRecordsIntact(reopened);
        }
    }

    @Test
    void fileShortenedPastTheEnd_isReportedByTheNextGrowth_andTheWriterThenRefusesAppends() throws Exception {
        Path file = dir.resolve("shrunk-growth.glog");
        GrowLog log = GrowLog.open(file, ONE_MIB);
        appendLines(log, 200);
        long end = log.endPosition();

        truncateBehindTheWriter(file, 512 * 1024);

        // Larger than the mapped room left, so the append must grow first; nothing is written.
        byte[] big = new byte[(int) (log.stats().mappedSize() - end)];
        assertThatThrownBy(() -> log.append(big)).isInstanceOf(CorruptLogException.class)
                .hasMessageContaining("shrank").hasMessageContaining(file.toString());
        assertThat(log.endPosition()).isEqualTo(end);
        assertThat(LogFiles.size(file)).as("growlog did not extend the file again").isEqualTo(512 * 1024);
        // Small appends would still fit in the mapping, but they would walk into the lost pages.
        assertThatThrownBy(() -> log.append(new byte[8])).isInstanceOf(GrowLogException.class)
                .hasMessageContaining("shrank");
        assertThatThrownBy(log::sync).isInstanceOf(GrowLogException.class);
        assertAllRecordsIntact(log);
        log.close();

        try (GrowLog reopened = GrowLog.open(file, ONE_MIB)) {
            assertAllRecordsIntact(reopened);
        }
    }

    @Test
    void fileShortenedUnderAReadOnlyFollower_isReportedWhenItLooksForNewRecords() throws Exception {
        Path file = dir.resolve("shrunk-follower.glog");
        try (GrowLog writer = GrowLog.open(file, ONE_MIB); GrowLog follower = GrowLog.openReadOnly(file)) {
            appendLines(writer, 200);
            assertThat(follower.endPosition()).isEqualTo(writer.endPosition());

            truncateBehindTheWriter(file, 512 * 1024);

            assertThatThrownBy(follower::endPosition).isInstanceOf(CorruptLogException.class)
                    .hasMessageContaining("shrank");
            assertThatThrownBy(writer::sync).isInstanceOf(CorruptLogException.class);
        }
    }

    @Test
    void logShortenedToASizeThatIsNotAPageMultiple_opensReadOnlyAndForWriting_growsAndCloses() throws Exception {
        Path file = dir.resolve("odd-size.glog");
        try (GrowLog log = GrowLog.open(file, GrowLogConfig.builder().initialSize(64 * 1024).build())) {
            appendLines(log, 100);
        }
        long cut = written.keySet().stream().skip(60).findFirst().orElseThrow() + 13; // inside record 60
        truncateBehindTheWriter(file, cut);
        written.keySet().removeIf(position -> position >= cut - 13);

        try (GrowLog reader = GrowLog.openReadOnly(file)) {
            // A read-only log changes nothing, so the cut record stays: readers report it, after every record before it.
            for (Map.Entry<Long, byte[]> e : written.entrySet()) {
                assertThat(reader.read(e.getKey())).isEqualTo(e.getValue());
            }
            try (LogReader scan = reader.reader(reader.startPosition())) {
                for (Map.Entry<Long, byte[]> e : written.entrySet()) {
                    assertThat(scan.next()).isTrue();
                    assertThat(scan.position()).isEqualTo(e.getKey());
                    assertThat(scan.bytes()).isEqualTo(e.getValue());
                }
                assertThatThrownBy(scan::next).isInstanceOf(CorruptLogException.class)
                        .hasMessageContaining("past the end of the file")
                        .satisfies(e -> assertThat(((CorruptLogException) e).position()).isEqualTo(cut - 13));
            }
        }
        try (GrowLog log = GrowLog.open(file, GrowLogConfig.builder().initialSize(64 * 1024)
                .maxGrowthStep(16 * 1024).build())) {
            assertThat(log.recoveryReport().tailCut()).isTrue();
            assertThat(log.endPosition()).isEqualTo(cut - 13);
            appendLines(log, 2_000); // many growths from an odd size
            assertAllRecordsIntact(log);
        }
        try (GrowLog reopened = GrowLog.open(file)) {
            assertAllRecordsIntact(reopened);
        }
    }
}
