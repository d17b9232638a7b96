package dev.growlog;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Publish last: an append writes the payload before the commit word (and its CRC32C) that makes
 * the record visible. The order of two stores on one thread is not visible to another thread
 * without a race, so this test makes it visible in the data: the payload it appends is the
 * file's own 8 bytes where that very record's commit word and CRC32C go, read through a
 * separate shared mapping of the file. An append that copies the payload first copies zeros,
 * which its checksum covers; one that publishes first copies its own header, and the record
 * fails its checksum.
 */
class PublishOrderTest {
    @TempDir
    Path dir;

    @Test
    void append_copiesThePayloadBeforeItPublishesTheCommitWordAndChecksum() throws Exception {
        Path file = dir.resolve("order.glog");
        GrowLogConfig config = GrowLogConfig.builder().initialSize(64 * 1024).pretouchAhead(0).build();
        try (GrowLog log = GrowLog.open(file, config); FileChannel channel = FileChannel.open(LogFiles.first(file), StandardOpenOption.READ)) {
            for (int i = 0; i < 10; i++) {
                long next = log.endPosition();
                assertThat(LogFiles.size(file)).as("the file holds the next record's header").isGreaterThan(next + 64);
                MappedByteBuffer ownHeader = channel.map(FileChannel.MapMode.READ_ONLY, next, LogFiles.RECORD_HEADER);
                assertThat(ownHeader.getLong(0)).as("nothing written at the end yet").isZero();

                long position = log.append(ownHeader);

                assertThat(position).isEqualTo(next);
                assertThat(log.read(position)).as("payload copied before its header was written").containsOnly(0)
                        .hasSize(LogFiles.RECORD_HEADER);
                ByteBuffer header = ownHeader.duplicate().order(ByteOrder.LITTLE_ENDIAN);
                assertThat(header.getInt(0)).as("the commit word, written after the payload")
                        .isEqualTo(LogFiles.TYPE_DATA | LogFiles.RECORD_HEADER);
                assertThat(header.getInt(LogFiles.CRC_OFFSET)).as("the CRC32C over zeros")
                        .isEqualTo(LogFiles.recordCrc(position, LogFiles.TYPE_DATA | LogFiles.RECORD_HEADER,
                                new byte[LogFiles.RECORD_HEADER]));
            }
        }
    }
}
