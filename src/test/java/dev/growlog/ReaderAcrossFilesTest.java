package dev.growlog;

import dev.growlog.internal.file.LogFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A reader of a read-only log crossing from one file to the next: it stops where the next file
 * is missing after counting what it read, lets go at once of files deleted below it when it
 * crosses, and lets go of its file when it closes.
 */
class ReaderAcrossFilesTest {
    static final int SEGMENT = 64 * 1024;
    static final long SPAN = 2L * SEGMENT;
    static final GrowLogConfig ROLLING = GrowLogConfig.builder().segmentSize(SEGMENT).rollSize(SPAN)
            .initialSize(8192).maxGrowthStep(SEGMENT).pretouchAhead(0).build();

    @TempDir
    Path dir;

    private final List<Long> written = new ArrayList<>();

    /** Appends records until the writer is in file {@code files - 1}, with a dozen records there. */
    private void write(GrowLog log, int files) throws IOException {
        for (int i = 0; log.endPosition() / SPAN < files - 1 || inFile(files - 1).size() < 12; i++) {
            written.add(log.append(Payloads.numbered(i, 100 + i * 37 % 900)));
        }
    }

    private List<Long> inFile(long index) {
        return written.stream().filter(p -> p / SPAN == index).toList();
    }

    private static List<Long> openFiles(GrowLog log) {
        return log.chain().openFiles().stream().map(LogFile::index).toList();
    }

    @Test
    void aReaderReachingAMissingNextFile_stopsThere_andForEachCountsWhatItHandled() throws Exception {
        // As a writer stopped after it sealed file 0 and before it renamed file 1 into place leaves it.
        Path path = dir.resolve("log");
        try (GrowLog log = GrowLog.open(path, ROLLING)) {
            write(log, 2);
        }
        Files.delete(LogFiles.dataFile(path, 1, SPAN));
        List<Long> sealed = inFile(0);
        try (GrowLog log = GrowLog.openReadOnly(path)) {
            try (LogReader reader = log.reader(log.startPosition())) {
                List<Long> handled = new ArrayList<>();
                assertThat(reader.forEach((position, payload) -> handled.add(position))).isEqualTo(sealed.size());
                assertThat(handled).containsExactlyElementsOf(sealed);
                assertThat(reader.nextPosition()).isEqualTo(SPAN + LogFiles.HEADER_SIZE);
                assertThat(reader.forEach((position, payload) -> handled.add(position))).isZero();
            }
            try (LogReader reader = log.reader(log.startPosition())) {
                List<Long> read = new ArrayList<>();
                while (reader.next()) {
                    read.add(reader.position());
                }
                assertThat(read).containsExactlyElementsOf(sealed);
                assertThat(reader.nextPosition()).isEqualTo(SPAN + LogFiles.HEADER_SIZE);
            }
        }
    }

    @Test
    void close_letsGoOfTheFileTheReaderWasIn() throws Exception {
        Path path = dir.resolve("log");
        try (GrowLog log = GrowLog.open(path, ROLLING)) {
            write(log, 3);
        }
        try (GrowLog log = GrowLog.openReadOnly(path)) {
            LogReader reader = log.reader(log.startPosition());
            assertThat(reader.next()).isTrue();
            assertThat(openFiles(log)).as("files open while the reader is in file 0").contains(0L, 2L);
            reader.close();
            assertThat(openFiles(log)).as("files open after it closed").containsExactly(2L);
        }
    }

    @Test
    void aReaderCrossingIntoTheNextFile_letsGoAtOnceOfAFileDeletedBelowIt_evenWithAnotherReaderInIt()
            throws Exception {
        Path path = dir.resolve("log");
        try (GrowLog log = GrowLog.open(path, ROLLING)) {
            // Two records fill file 0 exactly, each too large to share a batch: every next() there
            // is a look of its own, and the one after the second starts in file 1.
            written.add(log.append(new byte[SEGMENT - LogFiles.HEADER_SIZE - LogFiles.RECORD_HEADER]));
            written.add(log.append(new byte[SEGMENT - LogFiles.RECORD_HEADER]));
            written.add(log.append(Payloads.numbered(1, 100)));
        }
        assertThat(written).containsExactly((long) LogFiles.HEADER_SIZE, (long) SEGMENT, SPAN + LogFiles.HEADER_SIZE);
        try (GrowLog log = GrowLog.openReadOnly(path);
             LogReader stays = log.reader(log.startPosition());
             LogReader crosses = log.reader(log.startPosition())) {
            assertThat(stays.next()).isTrue();
            assertThat(crosses.next()).isTrue();
            assertThat(crosses.next()).isTrue();
            assertThat(crosses.position()).isEqualTo(SEGMENT);
            assertThat(openFiles(log)).contains(0L);

            Files.delete(LogFiles.dataFile(path, 0, SPAN)); // as the writer deletes files below a new start
            assertThat(crosses.next()).isTrue();

            assertThat(crosses.position()).isEqualTo(SPAN + LogFiles.HEADER_SIZE);
            assertThat(openFiles(log)).as("files the read-only log holds open").containsExactly(1L);
            assertThat(log.startPosition()).isEqualTo(SPAN + LogFiles.HEADER_SIZE);
        }
    }
}
