package dev.growlog;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Records never straddle a segment boundary: the writer pads the rest of a segment instead. */
@ExtendWith(Seeded.class)
class SegmentLayoutTest {
    private static final int SEGMENT = 64 * 1024;
    private static final GrowLogConfig CONFIG = GrowLogConfig.builder()
            .segmentSize(SEGMENT).initialSize(8192).maxGrowthStep(SEGMENT).build();

    @TempDir
    Path dir;

    @Test
    void append_whenSegmentFull_padsAndMovesToNextSegment() throws IOException {
        Path file = dir.resolve("pad.glog");
        byte[] big = Payloads.random(1, 40_000);
        long end;
        try (GrowLog log = GrowLog.open(file, CONFIG)) {
            long first = log.append(big);
            end = log.endPosition();
            long second = log.append(big);

            assertThat(first).isEqualTo(LogFiles.HEADER_SIZE);
            assertThat(end).isEqualTo(first + LogFiles.recordSize(big.length)).isLessThan(SEGMENT);
            assertThat(second).as("the second record starts the next segment").isEqualTo(SEGMENT);
            assertThat(log.read(first)).isEqualTo(big);
            assertThat(log.read(second)).isEqualTo(big);
            assertThat(log.stats().records()).isEqualTo(2);
        }
        // Between them lies one padding record that reaches exactly to the segment end.
        int word = LogFiles.readInt(file, end);
        assertThat(word & LogFiles.TYPE_MASK).as("type of the record after the first").isEqualTo(LogFiles.TYPE_PADDING);
        assertThat(end + LogFiles.RECORD_HEADER + (word & LogFiles.LENGTH_MASK)).isEqualTo(SEGMENT);
    }

    @Test
    void append_whenRecordExactlyFillsTheSegment_needsNoPadding() throws IOException {
        try (GrowLog log = GrowLog.open(dir.resolve("exact.glog"), CONFIG)) {
            byte[] restOfFirst = Payloads.random(2, SEGMENT - LogFiles.HEADER_SIZE - LogFiles.RECORD_HEADER);
            byte[] wholeSegment = Payloads.random(3, log.maxPayload());
            byte[] empty = new byte[0];

            long a = log.append(restOfFirst);
            long b = log.append(wholeSegment);
            long c = log.append(empty);

            assertThat(b).isEqualTo(SEGMENT);
            assertThat(c).isEqualTo(2L * SEGMENT);
            assertThat(log.read(a)).isEqualTo(restOfFirst);
            assertThat(log.read(b)).isEqualTo(wholeSegment);
            assertThat(log.read(c)).isEmpty();
        }
    }

    @Test
    void append_ofTheLargestPayloadFirst_padsTheHeaderSegment() throws IOException {
        try (GrowLog log = GrowLog.open(dir.resolve("max.glog"), CONFIG)) {
            byte[] max = Payloads.random(4, log.maxPayload());
            long position = log.append(max);

            assertThat(position).isEqualTo(SEGMENT);
            assertThat(log.endPosition()).isEqualTo(2L * SEGMENT);
            assertThat(log.read(position)).isEqualTo(max);
            try (LogReader reader = log.reader(log.startPosition())) {
                assertThat(reader.next()).isTrue();
                assertThat(reader.position()).isEqualTo(SEGMENT);
                assertThat(reader.next()).isFalse();
            }
        }
    }

    @Test
    void append_ofAnEmptyPayloadInTheLastEightBytes_fitsWithoutPadding() throws IOException {
        try (GrowLog log = GrowLog.open(dir.resolve("last8.glog"), CONFIG)) {
            log.append(Payloads.random(5, SEGMENT - LogFiles.HEADER_SIZE - 2 * LogFiles.RECORD_HEADER));
            long empty = log.append(new byte[0]);
            long next = log.append(new byte[] {42});

            assertThat(empty).isEqualTo(SEGMENT - 8);
            assertThat(next).isEqualTo(SEGMENT);
            assertThat(log.read(empty)).isEmpty();
            assertThat(log.read(next)).containsExactly(42);
        }
    }

    @Test
    void append_ofRandomSizes_neverStraddlesASegment_andReadsBackAfterReopen(Random random) throws IOException {
        Path file = dir.resolve("random.glog");
        List<byte[]> payloads = new ArrayList<>();
        List<Long> positions = new ArrayList<>();
        try (GrowLog log = GrowLog.open(file, CONFIG)) {
            for (int i = 0; i < 300; i++) {
                int size = switch (random.nextInt(4)) {
                    case 0 -> random.nextInt(64);
                    case 1 -> random.nextInt(4096);
                    case 2 -> 20_000 + random.nextInt(30_000);
                    default -> log.maxPayload() - random.nextInt(64);
                };
                byte[] payload = Payloads.random(random.nextLong(), size);
                long position = log.append(payload);
                long last = position + LogFiles.RECORD_HEADER + size - 1;
                assertThat(position / SEGMENT).as("segment of the first and last byte of record %d (%d bytes at %d)",
                        i, size, position).isEqualTo(last / SEGMENT);
                assertThat(position % 8).isZero();
                payloads.add(payload);
                positions.add(position);
            }
        }
        try (GrowLog log = GrowLog.open(file, CONFIG); LogReader reader = log.reader(log.startPosition())) {
            for (int i = 0; i < payloads.size(); i++) {
                assertThat(reader.next()).isTrue();
                assertThat(reader.position()).isEqualTo(positions.get(i));
                assertThat(reader.bytes()).isEqualTo(payloads.get(i));
                assertThat(log.read(positions.get(i))).isEqualTo(payloads.get(i));
            }
            assertThat(reader.next()).isFalse();
        }
    }
}
