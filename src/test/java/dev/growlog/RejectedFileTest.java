package dev.growlog;

import dev.growlog.error.CorruptLogException;
import dev.growlog.error.LogLockedException;
import dev.growlog.error.UnsupportedFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Files that are not logs this version can read are refused with a clear, typed error, left
 * exactly as they were, and cost no file descriptor or mapping.
 */
class RejectedFileTest {
    @TempDir
    Path dir;

    private Path emptyFile() throws IOException {
        return Files.createFile(dir.resolve("empty.glog"));
    }

    private Path textFile() throws IOException {
        return Files.writeString(dir.resolve("notes.txt"), "This is a plain text file, not a growlog log.\n"
                + "It is long enough to fill the header's first bytes.\n".repeat(100), StandardCharsets.UTF_8);
    }

    private Path apacheLogCopy() throws IOException {
        return Files.copy(Path.of("testdata", "apache_logs"), dir.resolve("apache_logs"));
    }

    /** A valid log with one record. */
    private Path log(String name) throws IOException {
        Path file = dir.resolve(name);
        try (GrowLog log = GrowLog.open(file, GrowLogConfig.builder().initialSize(8192).build())) {
            log.append("a record".getBytes(StandardCharsets.UTF_8));
        }
        return file;
    }

    private Path newerVersion() throws IOException {
        Path file = log("newer.glog");
        LogFiles.setVersion(file, 3);
        return file;
    }

    private Path damagedHeaderChecksum() throws IOException {
        Path file = log("damaged-header.glog");
        LogFiles.flipByte(file, LogFiles.LOG_ID_OFFSET);
        return file;
    }

    /** The header's checksum is right, but the segment size it covers is not a power of two. */
    private Path impossibleSegmentSize() throws IOException {
        Path file = log("bad-segment.glog");
        LogFiles.writeInt(file, LogFiles.SEGMENT_SIZE_OFFSET, 100_000);
        LogFiles.writeInt(file, LogFiles.HEADER_CRC_OFFSET, LogFiles.crc(LogFiles.read(file, 0, LogFiles.HEADER_CRC_OFFSET)));
        return file;
    }

    /** Only the start of a header: the magic and nothing else. */
    private Path shortFile() throws IOException {
        Path file = log("short.glog");
        byte[] start = LogFiles.read(file, 0, 100);
        Files.write(LogFiles.first(file), start);
        return file;
    }

    @Test
    void open_ofAnEmptyFile_throwsUnsupportedFormatMentioningEmpty() throws IOException {
        Path file = emptyFile();
        assertRefused(file, UnsupportedFormatException.class, "empty");
        assertThat(LogFiles.size(file)).isZero();
    }

    @Test
    void open_ofATextFile_throwsUnsupportedFormatNotAGrowlogFile() throws IOException {
        assertRefused(textFile(), UnsupportedFormatException.class, "not a growlog file");
    }

    @Test
    void open_ofARealLogOfAnotherFormat_throwsUnsupportedFormatNotAGrowlogFile() throws IOException {
        assertRefused(apacheLogCopy(), UnsupportedFormatException.class, "not a growlog file");
    }

    @Test
    void open_ofAFileShorterThanTheHeader_throwsUnsupportedFormat() throws IOException {
        assertRefused(shortFile(), UnsupportedFormatException.class, "size=100");
    }

    @Test
    void open_ofALogFromANewerFormatVersion_throwsUnsupportedFormatNamingTheVersions() throws IOException {
        Path file = newerVersion();
        assertRefused(file, UnsupportedFormatException.class, "newer");
        assertThatThrownBy(() -> GrowLog.open(file)).hasMessageContaining("version")
                .hasMessageContaining("actual=3").hasMessageContaining("expected=2");
    }

    @Test
    void open_ofALogWithVersionZero_throwsUnsupportedFormat() throws IOException {
        Path file = log("zero.glog");
        LogFiles.setVersion(file, 0);
        assertRefused(file, UnsupportedFormatException.class, "version");
    }

    @Test
    void open_ofALogWithADamagedHeaderChecksum_throwsCorruptLog() throws IOException {
        Path file = damagedHeaderChecksum();
        assertRefused(file, CorruptLogException.class, "header checksum");
        CorruptLogException e = (CorruptLogException) catchThrowable(() -> GrowLog.open(file));
        assertThat(e.position()).isEqualTo(LogFiles.HEADER_CRC_OFFSET);
    }

    @Test
    void open_ofALogWithAnImpossibleSegmentSize_throwsCorruptLog() throws IOException {
        assertRefused(impossibleSegmentSize(), CorruptLogException.class, "100000");
    }

    @Test
    void openReadOnly_ofAMissingFile_throwsNoSuchFile_andCreatesNothing() {
        Path missing = dir.resolve("missing.glog");
        assertThatThrownBy(() -> GrowLog.openReadOnly(missing)).isInstanceOf(NoSuchFileException.class);
        assertThat(missing).doesNotExist();
    }

    @Test
    void open_inAMissingDirectory_throwsNoSuchFile_andLeavesNothingBehind() throws IOException {
        Path missing = dir.resolve("no-such-dir").resolve("log.glog");
        assertThatThrownBy(() -> GrowLog.open(missing)).isInstanceOf(NoSuchFileException.class);
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void failedOpens_leakNoFileDescriptors() throws IOException {
        List<Path> rejected = List.of(emptyFile(), textFile(), apacheLogCopy(), shortFile(), newerVersion(),
                damagedHeaderChecksum(), impossibleSegmentSize());
        Path held = log("held.glog");
        try (GrowLog writer = GrowLog.open(held)) {
            Runnable failEveryWay = () -> {
                for (Path file : rejected) {
                    assertThat(catchThrowable(() -> GrowLog.open(file).close())).as("open %s", file)
                            .isInstanceOf(IOException.class);
                    assertThat(catchThrowable(() -> GrowLog.openReadOnly(file).close())).as("openReadOnly %s", file)
                            .isInstanceOf(IOException.class);
                }
                assertThat(catchThrowable(() -> GrowLog.open(held).close())).isInstanceOf(LogLockedException.class);
            };
            failEveryWay.run(); // loads the classes and the native library first
            long before = LogFiles.openFileDescriptors(dir);
            for (int i = 0; i < 5; i++) {
                failEveryWay.run();
            }
            assertThat(LogFiles.openFileDescriptors(dir)).as("open file descriptors").isEqualTo(before);
            String maps = Files.readString(Path.of("/proc/self/maps"));
            for (Path file : rejected) {
                assertThat(maps).as("mappings of the process").doesNotContain(file.toAbsolutePath().toString());
            }
            assertThat(writer.stats().records()).isEqualTo(1);
        }
    }

    /** Both kinds of open refuse the file with {@code type} and a message containing {@code text}, changing nothing. */
    private static void assertRefused(Path file, Class<? extends IOException> type, String text) {
        String before = LogFiles.sha256(file);
        for (boolean readOnly : new boolean[] {false, true}) {
            Throwable e = catchThrowable(() -> (readOnly ? GrowLog.openReadOnly(file) : GrowLog.open(file)).close());
            assertThat(e).as(readOnly ? "openReadOnly" : "open").isInstanceOf(type)
                    .hasMessageContaining(text)
                    .hasMessageContaining(file.getFileName().toString());
        }
        assertThat(LogFiles.sha256(file)).as("the refused file is unchanged").isEqualTo(before);
    }
}
