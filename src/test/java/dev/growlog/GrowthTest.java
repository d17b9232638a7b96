package dev.growlog;

import dev.growlog.error.LogFullException;
import dev.growlog.error.NativeCallException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The log grows from a single page through many steps, in place while there is headroom and by
 * moving the mapping when there is none, and every record stays readable after each growth.
 */
@ExtendWith(Seeded.class)
class GrowthTest {
    private static final int SEGMENT = 64 * 1024;
    /** Enough bytes for dozens of growth steps of at most one segment. */
    private static final long TARGET_BYTES = 3L << 20;

    @TempDir
    Path dir;

    private static GrowLogConfig.Builder tiny() {
        return GrowLogConfig.builder().segmentSize(SEGMENT).initialSize(4096).maxGrowthStep(SEGMENT)
                .pretouchAhead(0); // growth exactly when appends need it
    }

    @Test
    void grow_withDefaultHeadroom_growsInPlaceEveryTime_andKeepsEveryRecordReadable(Random random)
            throws IOException {
        GrowLogStats stats = growAndCheck(tiny().build(), random);

        assertThat(stats.inPlaceGrowths()).isGreaterThan(0).isEqualTo(stats.growths());
        assertThat(stats.moves()).isZero();
        assertThat(stats.generation()).isZero();
    }

    @Test
    void grow_withoutHeadroom_movesTheMapping_andKeepsEveryRecordReadable(Random random) throws IOException {
        GrowLogStats stats = growAndCheck(tiny().headroom(0).build(), random);

        assertThat(stats.moves()).isGreaterThan(0);
        assertThat(stats.generation()).isEqualTo(stats.moves());
        assertThat(stats.inPlaceGrowths() + stats.moves()).isEqualTo(stats.growths());
    }

    @Test
    void grow_isBoundedByMaxGrowthStep_andFileAndMappingStayEqual(Random random) throws IOException {
        try (GrowLog log = GrowLog.open(dir.resolve("steps.glog"), tiny().build())) {
            long previousSize = log.stats().fileSize();
            assertThat(previousSize).isEqualTo(4096);
            while (previousSize < TARGET_BYTES) {
                log.append(Payloads.random(random, 0, 2000));
                GrowLogStats stats = log.stats();
                assertThat(stats.fileSize() - previousSize).as("one growth step").isLessThanOrEqualTo(SEGMENT);
                assertThat(stats.fileSize() % 4096).as("file size in whole pages").isZero();
                assertThat(stats.mappedSize()).isEqualTo(stats.fileSize());
                assertThat(LogFiles.size(LogFiles.dataFile(log, 0))).isEqualTo(stats.fileSize());
                previousSize = stats.fileSize();
            }
        }
    }

    /** Appends one record of {@code length} bytes; returns the file size it left, checked against the mapping and the disk. */
    private static long sizeAfterAppending(GrowLog log, int length) throws IOException {
        log.append(new byte[length]);
        GrowLogStats stats = log.stats();
        assertThat(stats.mappedSize()).isEqualTo(stats.fileSize());
        assertThat(LogFiles.size(log.currentFile())).isEqualTo(stats.fileSize());
        return stats.fileSize();
    }

    /** The payload length whose record, appended at {@code position}, ends exactly at {@code end}. */
    private static int payloadEndingAt(long position, long end) {
        int length = (int) (end - position - 8);
        assertThat(LogFiles.recordSize(length)).isEqualTo(end - position);
        return length;
    }

    @Test
    void growth_reservesExactlyTheNewRangeOfBlocks_beforeItExtendsTheFile() throws IOException {
        List<String> calls = new ArrayList<>();
        ForwardingSyscalls recording = new ForwardingSyscalls() {
            @Override
            public void allocate(Path file, int fd, long offset, long length) throws NativeCallException {
                calls.add("allocate " + offset + "+" + length);
                super.allocate(file, fd, offset, length);
            }

            @Override
            public void truncate(Path file, int fd, long length) throws NativeCallException {
                calls.add("truncate " + length);
                super.truncate(file, fd, length);
            }
        };
        try (GrowLog log = GrowLog.open(dir.resolve("reserve.glog"), tiny().initialSize(8192).build(),
                recording)) {
            calls.clear();
            log.append(new byte[payloadEndingAt(log.startPosition(), 8192 + 8)]);
            assertThat(calls).containsExactly("allocate 8192+8192", "truncate 16384");
        }
    }

    @Test
    void growth_doublesTheFile_whenTheStepAllows() throws IOException {
        try (GrowLog log = GrowLog.open(dir.resolve("double.glog"), tiny().initialSize(8192).maxGrowthStep(1 << 20).build())) {
            int fills = payloadEndingAt(log.startPosition(), 8192);
            assertThat(sizeAfterAppending(log, fills)).as("a record ending at the mapped length needs no growth")
                    .isEqualTo(8192);
            assertThat(log.stats().growths()).isZero();
            assertThat(sizeAfterAppending(log, 0)).as("one more record doubles the file").isEqualTo(16384);
            assertThat(sizeAfterAppending(log, payloadEndingAt(log.endPosition(), 32768)))
                    .as("a record that ends exactly at double").isEqualTo(32768);
        }
    }

    @Test
    void growth_ofALargeFile_isCappedAtTheStep() throws IOException {
        try (GrowLog log = GrowLog.open(dir.resolve("step.glog"), tiny().initialSize(SEGMENT).maxGrowthStep(16384).build())) {
            int fills = payloadEndingAt(log.startPosition(), SEGMENT);
            assertThat(sizeAfterAppending(log, fills)).isEqualTo(SEGMENT);
            assertThat(sizeAfterAppending(log, 0)).isEqualTo(SEGMENT + 16384);
        }
    }

    @Test
    void growth_forARecordLargerThanTheStep_coversTheRecordRoundedUpToAPage() throws IOException {
        try (GrowLog log = GrowLog.open(dir.resolve("large.glog"), tiny().initialSize(8192).maxGrowthStep(4096).build())) {
            int length = 40_000; // ends at 4096 + 8 + 40000 = 44104, inside the page that ends at 45056
            assertThat(sizeAfterAppending(log, length)).isEqualTo(45056);
        }
    }

    @Test
    void growth_stopsAtTheFilesSpan_andARecordEndingExactlyThereFits_thenTheLogRolls() throws IOException {
        long span = 2L * SEGMENT;
        try (GrowLog log = GrowLog.open(dir.resolve("max.glog"), tiny().initialSize(8192).maxGrowthStep(1 << 20)
                .rollSize(span).build())) {
            long firstSegmentEnd = SEGMENT;
            sizeAfterAppending(log, payloadEndingAt(log.startPosition(), firstSegmentEnd));
            assertThat(sizeAfterAppending(log, payloadEndingAt(log.endPosition(), span)))
                    .as("doubling capped at the span").isEqualTo(span);
            assertThat(log.append(new byte[0])).as("the next record opens the next file").isEqualTo(span + 4096);
        }
    }

    /**
     * Appends random records until the file reaches {@link #TARGET_BYTES}. After every growth it
     * reads back every earlier record by position and lets a reader opened at the start follow
     * along, then checks everything once more after reopening.
     */
    private GrowLogStats growAndCheck(GrowLogConfig config, Random random) throws IOException {
        Path file = dir.resolve("grow.glog");
        List<byte[]> payloads = new ArrayList<>();
        List<Long> positions = new ArrayList<>();
        GrowLogStats stats;
        try (GrowLog log = GrowLog.open(file, config)) {
            assertThat(log.stats().fileSize()).isEqualTo(4096);
            LogReader follower = log.reader(log.startPosition());
            int followed = 0;
            long growths = 0;
            int checks = 0;
            while (log.stats().fileSize() < TARGET_BYTES) {
                byte[] payload = Payloads.random(random, 0, 6000);
                positions.add(log.append(payload));
                payloads.add(payload);
                long nowGrowths = log.stats().growths();
                if (nowGrowths != growths) {
                    growths = nowGrowths;
                    checks++;
                    for (int i = 0; i < payloads.size(); i++) {
                        assertThat(log.read(positions.get(i))).as("record %d after growth %d", i, growths)
                                .isEqualTo(payloads.get(i));
                    }
                    followed = follow(follower, payloads, positions, followed);
                }
            }
            follow(follower, payloads, positions, followed);
            follower.close();
            stats = log.stats();
            assertThat(stats.growths()).as("growth steps").isGreaterThanOrEqualTo(30);
            assertThat(checks).isEqualTo((int) stats.growths());
            assertThat(stats.records()).isEqualTo(payloads.size());
        }
        try (GrowLog log = GrowLog.open(file, config)) {
            for (int i = 0; i < payloads.size(); i++) {
                assertThat(log.read(positions.get(i))).as("record %d after reopen", i).isEqualTo(payloads.get(i));
            }
        }
        return stats;
    }

    /** Reads on with {@code reader} to the end; returns how many records it has seen in all. */
    private static int follow(LogReader reader, List<byte[]> payloads, List<Long> positions, int seen)
            throws IOException {
        while (reader.next()) {
            assertThat(reader.position()).as("position of record %d", seen).isEqualTo(positions.get(seen));
            assertThat(reader.bytes()).as("record %d read by the follower", seen).isEqualTo(payloads.get(seen));
            seen++;
        }
        assertThat(seen).isEqualTo(payloads.size());
        return seen;
    }
}
