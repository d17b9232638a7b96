package dev.growlog;

import dev.growlog.error.CorruptLogException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Payload sizes and positions are checked before anything is touched: an oversized record or a
 * position that is not a record is an {@link IllegalArgumentException}, and the log is left as it
 * was. Empty payloads are records like any other.
 */
class RecordAndPositionValidationTest {
    private static final int SEGMENT = 64 * 1024;
    private static final GrowLogConfig CONFIG = GrowLogConfig.builder()
            .segmentSize(SEGMENT).initialSize(8192).maxGrowthStep(SEGMENT).build();

    @TempDir
    Path dir;

    private GrowLog log;

    @BeforeEach
    void open() throws IOException {
        log = GrowLog.open(dir.resolve("valid.glog"), CONFIG);
    }

    @AfterEach
    void close() throws IOException {
        log.close();
    }

    @Test
    void maxPayload_isTheSegmentSizeMinusTheRecordHeader_andStaysWithTheFile() throws IOException {
        assertThat(log.maxPayload()).isEqualTo(SEGMENT - 8);
        log.close();
        try (GrowLog reopened = GrowLog.open(log.directory(), GrowLogConfig.defaults())) {
            assertThat(reopened.maxPayload()).as("segment size is fixed at creation").isEqualTo(SEGMENT - 8);
            assertThat(reopened.stats().segmentSize()).isEqualTo(SEGMENT);
        }
    }

    @Test
    void append_ofAnOversizedRecord_throwsIllegalArgumentNamingTheLimit_andChangesNothing() throws IOException {
        long a = log.append(new byte[] {7});
        long end = log.endPosition();
        byte[] tooBig = new byte[log.maxPayload() + 1];

        assertThatThrownBy(() -> log.append(tooBig))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(Integer.toString(SEGMENT - 8));
        assertThatThrownBy(() -> log.append(ByteBuffer.wrap(tooBig)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(Integer.toString(SEGMENT - 8));
        assertThatThrownBy(() -> log.append(new byte[SEGMENT * 2], 3, SEGMENT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(Integer.toString(SEGMENT - 8));

        assertThat(log.endPosition()).isEqualTo(end);
        assertThat(log.stats().records()).isEqualTo(1);
        assertThat(log.read(a)).containsExactly(7);
        assertThat(log.read(log.append(new byte[log.maxPayload()]))).hasSize(log.maxPayload());
    }

    @Test
    void append_withAnOffsetAndLengthOutsideTheArray_throwsIndexOutOfBounds() {
        assertThatThrownBy(() -> log.append(new byte[10], 5, 6)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> log.append(new byte[10], -1, 2)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void append_ofEmptyPayloads_makesDistinctRecordsThatRoundTrip() throws IOException {
        long a = log.append(new byte[0]);
        long b = log.append(ByteBuffer.allocate(0));
        long c = log.append(new byte[] {1, 2, 3}, 1, 0);
        long d = log.append(new byte[0]);

        assertThat(List.of(a, b, c, d)).doesNotHaveDuplicates();
        assertThat(b - a).isEqualTo(8);
        for (long p : List.of(a, b, c, d)) {
            assertThat(log.read(p)).isEmpty();
        }
        log.close();
        // Trailing empty records survive recovery: a zero commit word ends the log, an empty record does not.
        try (GrowLog reopened = GrowLog.open(log.directory(), CONFIG); LogReader reader = reopened.reader(a)) {
            assertThat(reopened.stats().records()).isEqualTo(4);
            for (long p : List.of(a, b, c, d)) {
                assertThat(reader.next()).isTrue();
                assertThat(reader.position()).isEqualTo(p);
                assertThat(reader.length()).isZero();
                assertThat(reader.payload().remaining()).isZero();
            }
            assertThat(reader.next()).isFalse();
        }
    }

    @Test
    void append_ofAByteBuffer_writesPositionToLimit_andLeavesTheBufferAsItWas() throws IOException {
        byte[] bytes = "0123456789".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer heap = ByteBuffer.wrap(bytes, 2, 5);
        ByteBuffer slice = ByteBuffer.wrap(bytes).position(3).slice().limit(4);
        ByteBuffer direct = ByteBuffer.allocateDirect(16).put(bytes).flip().position(6);
        ByteBuffer readOnly = ByteBuffer.wrap(bytes).asReadOnlyBuffer().position(8);

        assertThat(log.read(log.append(heap))).asString(StandardCharsets.US_ASCII).isEqualTo("23456");
        assertThat(log.read(log.append(slice))).asString(StandardCharsets.US_ASCII).isEqualTo("3456");
        assertThat(log.read(log.append(direct))).asString(StandardCharsets.US_ASCII).isEqualTo("6789");
        assertThat(log.read(log.append(readOnly))).asString(StandardCharsets.US_ASCII).isEqualTo("89");

        assertThat(heap.position()).isEqualTo(2);
        assertThat(heap.limit()).isEqualTo(7);
        assertThat(slice.position()).isZero();
        assertThat(direct.position()).isEqualTo(6);
        assertThat(direct.limit()).isEqualTo(10);
        assertThat(readOnly.position()).isEqualTo(8);
    }

    @Test
    void readAndReader_atPositionsThatAreNoRecord_throwIllegalArgument() throws IOException {
        long first = log.append("first record".getBytes(StandardCharsets.US_ASCII));
        log.append(new byte[100]);
        long end = log.endPosition();

        List<Long> bad = List.of(-1L, -8L, Long.MIN_VALUE, 0L, 8L, first - 8, first + 1, first + 4, first + 7,
                end + 1, end + 8, end + 4096, Long.MAX_VALUE);
        for (long position : bad) {
            assertThatThrownBy(() -> log.read(position)).as("read(%d)", position)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(Long.toString(position));
            assertThatThrownBy(() -> log.reader(position)).as("reader(%d)", position)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> log.read(end)).as("read(end)").isInstanceOf(IllegalArgumentException.class);
        try (LogReader atEnd = log.reader(end)) {
            assertThat(atEnd.next()).as("a reader at the end waits for the next record").isFalse();
        }
    }

    @Test
    void read_ofAnEmptyLog_hasNoValidPosition() {
        assertThatThrownBy(() -> log.read(log.startPosition())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void read_intoTheMiddleOfARecord_throwsIllegalArgument() throws IOException {
        long text = log.append("an ordinary line of text in a log, long enough".getBytes(StandardCharsets.US_ASCII));
        long zeros = log.append(new byte[64]);
        log.append(new byte[] {1});

        for (long inside : List.of(text + 8, text + 16, text + 24, zeros + 8, zeros + 32)) {
            assertThatThrownBy(() -> log.read(inside)).as("read(%d)", inside)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(Long.toString(inside));
            Throwable scan = catchThrowable(() -> {
                try (LogReader reader = log.reader(inside)) {
                    reader.next();
                }
            });
            assertThat(scan).as("reader(%d)", inside).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void readAndReader_atAWordThatIsNoRecord_sayWhatTheyFoundThere() throws IOException {
        byte[] payload = new byte[16];
        ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 5); // no record type in the top bits
        long position = log.append(payload);
        log.append(new byte[] {1});
        long invalid = position + 8;
        long zero = position + 16;

        assertThatThrownBy(() -> log.read(invalid)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith(": invalid record type in commit word 0x5");
        assertThatThrownBy(() -> log.reader(invalid)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith(": invalid record type in commit word 0x5");
        assertThatThrownBy(() -> log.read(zero)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith(": END");
        assertThatThrownBy(() -> log.reader(zero)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith(": END");
    }

    /**
     * A payload can hold bytes that look like a record header. The checksum covers the position,
     * so such a "record" never validates: the read is refused, and the library cannot tell a
     * position inside a record from a damaged record there, so either refusal is right.
     */
    @Test
    void read_intoAPayloadThatLooksLikeARecord_isRefused_neverReturnsData() throws IOException {
        ByteBuffer fake = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        fake.putInt(16, LogFiles.TYPE_DATA | 8).putInt(20, 0x12345678).putLong(24, 0x0102030405060708L);
        long position = log.append(fake.array());
        log.append(new byte[] {1});
        long inside = position + 8 + 16;

        Throwable e = catchThrowable(() -> log.read(inside));
        assertThat(e).isInstanceOfAny(IllegalArgumentException.class, CorruptLogException.class)
                .hasMessageContaining(Long.toString(inside));
    }

    @Test
    void read_ofAPaddingRecord_throwsIllegalArgument() throws IOException {
        log.append(new byte[40_000]);
        long padding = log.endPosition();
        long next = log.append(new byte[40_000]);
        assertThat(next).isEqualTo(SEGMENT);

        assertThatThrownBy(() -> log.read(padding)).isInstanceOf(IllegalArgumentException.class);
        try (LogReader reader = log.reader(padding)) {
            assertThat(reader.next()).as("a reader at padding skips to the next record").isTrue();
            assertThat(reader.position()).isEqualTo(next);
        }
    }
}
