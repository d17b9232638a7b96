package dev.growlog;

import dev.growlog.error.CorruptLogException;
import dev.growlog.internal.format.RecordFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A record's checksum is one CRC32C pass over its payload, sealed with its position and commit
 * word: the record still validates only where it was written and only with its own word.
 */
class RecordSealTest {
    private static final GrowLogConfig CONFIG = GrowLogConfig.builder()
            .segmentSize(64 * 1024).initialSize(64 * 1024).build();

    @TempDir
    Path dir;

    @Property(tries = 2000)
    void seal_differsForEveryShiftBelow32GiB(@ForAll @LongRange(min = 0, max = 1L << 45) long position,
                                             @ForAll @LongRange(min = 1, max = (1L << 32) - 1) long eighths,
                                             @ForAll int word) {
        long at = position & -8L;
        long shifted = at + eighths * 8; // 8 bytes to 32 GiB - 8 further
        assertThat(RecordFormat.seal(shifted, word)).isNotEqualTo(RecordFormat.seal(at, word));
    }

    /**
     * Positions are global across a chain of files, so a log that runs for months passes 32 GiB
     * many times: a record must not validate a whole number of 32 GiB further either.
     */
    @Property(tries = 2000)
    void seal_differsForEveryShiftByWhole32GiBSteps(@ForAll @LongRange(min = 0, max = 1L << 45) long position,
                                                    @ForAll @LongRange(min = 1, max = 1L << 20) long steps,
                                                    @ForAll int word) {
        long at = position & -8L;
        long shifted = at + (steps << 35);
        assertThat(RecordFormat.seal(shifted, word)).isNotEqualTo(RecordFormat.seal(at, word));
    }

    @Property(tries = 2000)
    void seal_differsForEveryOtherCommitWord(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long position,
                                             @ForAll int word, @ForAll @IntRange(min = 1) int change) {
        long at = position & -8L;
        assertThat(RecordFormat.seal(at, word ^ change)).isNotEqualTo(RecordFormat.seal(at, word));
    }

    @Test
    void writtenChecksum_matchesTheFormatComputedIndependently() throws IOException {
        Path file = dir.resolve("log.glog");
        byte[] payload = "sealed with its position".getBytes(StandardCharsets.UTF_8);
        long position;
        try (GrowLog log = GrowLog.open(file, CONFIG)) {
            log.append(new byte[100]);
            position = log.append(payload);
        }
        ByteBuffer header = ByteBuffer.wrap(LogFiles.read(file, position, LogFiles.RECORD_HEADER))
                .order(ByteOrder.LITTLE_ENDIAN);
        int word = header.getInt(0);
        assertThat(word).isEqualTo(LogFiles.TYPE_DATA | payload.length);
        assertThat(header.getInt(LogFiles.CRC_OFFSET)).isEqualTo(LogFiles.recordCrc(position, word, payload));
    }

    @Test
    void aValidRecordCopiedOverAnotherOfTheSameSize_doesNotValidateThere() throws IOException {
        Path file = dir.resolve("log.glog");
        long first;
        long second;
        try (GrowLog log = GrowLog.open(file, CONFIG)) {
            first = log.append("record one, 24 bytes....".getBytes(StandardCharsets.UTF_8));
            second = log.append("record two, 24 bytes....".getBytes(StandardCharsets.UTF_8));
        }
        byte[] copy = LogFiles.read(file, first, (int) LogFiles.recordSize(24));
        LogFiles.write(file, second, copy);

        try (GrowLog log = GrowLog.open(file, CONFIG)) {
            assertThat(log.read(first)).asString(StandardCharsets.UTF_8).isEqualTo("record one, 24 bytes....");
            assertThatThrownBy(() -> log.read(second)).isInstanceOf(CorruptLogException.class)
                    .hasMessageContaining("checksum");
        }
    }

    @Test
    void anEmptyRecordWhoseTypeIsChangedToSkipped_doesNotValidate() throws IOException {
        Path file = dir.resolve("log.glog");
        long empty;
        try (GrowLog log = GrowLog.open(file, CONFIG)) {
            empty = log.append(new byte[0]);
            log.append(new byte[8]);
        }
        // The CRC32C of no bytes is 0: only the seal tells a data word from a skipped one.
        LogFiles.writeInt(file, empty, 0xC000_0000);

        try (GrowLog log = GrowLog.open(file, CONFIG)) {
            assertThat(log.verify().damage()).singleElement()
                    .satisfies(damage -> assertThat(damage.position()).isEqualTo(empty));
        }
    }
}
