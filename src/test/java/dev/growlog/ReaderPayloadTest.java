package dev.growlog;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReaderPayloadTest {
    @TempDir
    Path dir;

    @Test
    void theCurrentRecord_beforeTheFirstMove_isRefused_byReadersAndTailers() throws Exception {
        try (GrowLog log = GrowLog.open(dir.resolve("none-yet.glog"));
             LogReader reader = log.reader(log.startPosition()); Tailer tailer = log.tailer(log.startPosition())) {
            log.append(new byte[] {1, 2, 3});
            for (Runnable access : List.<Runnable>of(reader::position, reader::length, reader::payload, reader::bytes,
                    tailer::position, tailer::length, tailer::payload, tailer::bytes)) {
                assertThatThrownBy(access::run).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("no current record");
            }
            assertThat(tailer.tryNext()).isTrue();
            assertThat(tailer.length()).isEqualTo(3);
            assertThat(tailer.payload()).isEqualTo(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            assertThat(tailer.nextPosition()).isEqualTo(log.endPosition());
        }
    }

    @Test
    void payload_isAReadOnlyViewFramingExactlyThePayload_acrossBatchesAndALargeRecord() throws Exception {
        List<byte[]> written = new ArrayList<>();
        // Small records fill several batches; the large one makes the reader grow its array.
        for (int i = 0; i < 3 * LogReader.BATCH_RECORDS; i++) {
            written.add(pattern(i % 97, i));
        }
        written.add(pattern(LogReader.BATCH_BYTES + 1000, 7));
        for (int i = 0; i < 10; i++) {
            written.add(pattern(i, 100 + i));
        }
        try (GrowLog log = GrowLog.open(dir.resolve("a.glog"))) {
            for (byte[] payload : written) {
                log.append(payload);
            }
            try (LogReader reader = log.reader(log.startPosition())) {
                for (byte[] expected : written) {
                    assertThat(reader.next()).isTrue();
                    ByteBuffer payload = reader.payload();
                    assertThat(payload.isReadOnly()).isTrue();
                    assertThat(payload.position()).isZero();
                    assertThat(payload.limit()).isEqualTo(expected.length).isEqualTo(payload.capacity());
                    assertThat(payload).isEqualTo(ByteBuffer.wrap(expected));
                    assertThat(reader.bytes()).isEqualTo(expected);
                    assertThat(reader.length()).isEqualTo(expected.length);
                    if (expected.length > 0) {
                        assertThat(payload.get(0)).isEqualTo(expected[0]);
                        assertThatThrownBy(() -> payload.put(0, (byte) 1)).isInstanceOf(ReadOnlyBufferException.class);
                    }
                }
                assertThat(reader.next()).isFalse();
            }
        }
    }

    private static byte[] pattern(int length, int seed) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (seed * 31 + i);
        }
        return bytes;
    }
}
