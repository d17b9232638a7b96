package dev.growlog;

import dev.growlog.error.CorruptLogException;
import dev.growlog.error.UnsupportedFormatException;
import dev.growlog.internal.format.FileHeader;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code FileHeader.read} on header pages built from the format's own description
 * ({@link LogFiles#headerPage}): the file size that tells a short file from a log, at exactly
 * the header size and one byte either side, the largest segment size, an older version; and
 * {@code FileHeader.write} against the same description.
 */
class FileHeaderReadTest {
    private static final int SEGMENT = 64 * 1024;
    private static final long FILE_ID = 0x0123_4567_89AB_CDEFL;
    private static final Path FILE = Path.of("header.log");

    @Test
    void aFileOfExactlyTheHeaderSize_isAnEmptyLog() throws Exception {
        FileHeader.Fields fields = FileHeader.read(LogFiles.headerPage(SEGMENT, FILE_ID), LogFiles.HEADER_SIZE, FILE);
        assertThat(fields.version()).isEqualTo(2);
        assertThat(fields.segmentSize()).isEqualTo(SEGMENT);
        assertThat(fields.logId()).isEqualTo(FILE_ID);
        assertThat(fields.checkpoint()).isEqualTo(LogFiles.HEADER_SIZE);
        assertThat(fields.checkpointRecords()).isZero();
        assertThat(fields.checkpointBytes()).isZero();
        assertThat(fields.checkpointValid()).isTrue();
        assertThat(fields.cleanShutdown()).isFalse();
    }

    @Test
    void write_producesThePageTheFormatDescribes_checkpointIncluded() {
        ByteBuffer page = ByteBuffer.allocate(LogFiles.HEADER_SIZE);
        FileHeader.write(page, SEGMENT, FILE_ID, 0, LogFiles.DEFAULT_SPAN);
        assertThat(page.array()).isEqualTo(LogFiles.headerPage(SEGMENT, FILE_ID).array());
    }

    @Test
    void aSegmentSizeOfExactly1GiB_isTheLargestAccepted() throws Exception {
        int largest = 1 << 30;
        assertThat(FileHeader.read(LogFiles.headerPage(largest, FILE_ID), LogFiles.HEADER_SIZE, FILE).segmentSize())
                .isEqualTo(largest);
        assertThat(FileHeader.validSegmentSize(largest)).isTrue();
        assertThat(FileHeader.validSegmentSize(SEGMENT)).isTrue();
        assertThat(FileHeader.validSegmentSize(SEGMENT / 2)).isFalse();
    }

    @Test
    void aSpanOfOneSegment_isTheSmallestAccepted_andZeroIsDamage() throws Exception {
        assertThat(FileHeader.read(LogFiles.headerPage(SEGMENT, FILE_ID, SEGMENT, SEGMENT), LogFiles.HEADER_SIZE,
                FILE).segmentSize()).isEqualTo(SEGMENT);
        assertThatThrownBy(() -> FileHeader.read(LogFiles.headerPage(SEGMENT, FILE_ID, 0, 0), LogFiles.HEADER_SIZE,
                FILE)).isInstanceOf(CorruptLogException.class).hasMessageContaining("span and base actual=0/0");
    }

    @Test
    void anOlderVersion_isRefused_withoutBlamingANewerGrowlog() {
        ByteBuffer page = LogFiles.headerPage(SEGMENT, FILE_ID);
        page.putInt(LogFiles.VERSION_OFFSET, 0);
        page.putInt(LogFiles.HEADER_CRC_OFFSET, LogFiles.crc(Arrays.copyOf(page.array(), LogFiles.HEADER_CRC_OFFSET)));
        assertThatThrownBy(() -> FileHeader.read(page, LogFiles.HEADER_SIZE, FILE))
                .isInstanceOf(UnsupportedFormatException.class)
                .hasMessageContaining("actual=0 expected=2")
                .hasMessageNotContaining("newer");
    }

    @Test
    void aFileOneByteShorterThanTheHeader_isNotALog_evenWithTheMagic() {
        ByteBuffer page = LogFiles.headerPage(SEGMENT, FILE_ID);
        assertThatThrownBy(() -> FileHeader.read(page, LogFiles.HEADER_SIZE - 1, FILE))
                .isInstanceOf(UnsupportedFormatException.class)
                .hasMessageContaining("not a growlog file")
                .hasMessageContaining("size=" + (LogFiles.HEADER_SIZE - 1));
    }

    @Test
    void aFileOneByteLongerThanTheHeader_isALog() throws Exception {
        FileHeader.Fields fields = FileHeader.read(LogFiles.headerPage(SEGMENT, FILE_ID), LogFiles.HEADER_SIZE + 1, FILE);
        assertThat(fields.segmentSize()).isEqualTo(SEGMENT);
        assertThat(fields.logId()).isEqualTo(FILE_ID);
    }
}
