package dev.growlog;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;

/** A writer and a read-only tailer in different processes. */
class CrossProcessTest {
    static final Path SAMPLE = Path.of("testdata", "apache_logs");

    @TempDir
    Path dir;

    @Test
    void tailerHere_followsAWriterInAChildProcess_throughManyGrowths() throws Exception {
        Path file = dir.resolve("child-writes.glog");
        List<String> lines = CrossProcessChild.lines(SAMPLE);
        try (ChildJvm child = ChildJvm.start(CrossProcessChild.class, "write", file.toString(), SAMPLE.toString())) {
            child.nextLine(Duration.ofSeconds(60)); // the log exists once the first position is printed
            try (GrowLog log = GrowLog.openReadOnly(file); Tailer tailer = log.tailer(log.startPosition())) {
                for (int i = 0; i < lines.size(); i++) {
                    assertThat(tailer.poll(30, TimeUnit.SECONDS)).as("record %d arrived", i).isTrue();
                    assertThat(new String(tailer.bytes(), StandardCharsets.UTF_8)).as("record %d", i)
                            .isEqualTo(lines.get(i));
                }
                assertThat(tailer.poll(200, TimeUnit.MILLISECONDS)).as("no extra record").isFalse();
                GrowLogStats stats = log.stats();
                assertThat(stats.growths()).as("growths followed").isPositive();
                assertThat(stats.mappedSize()).as("followed through many growth steps of at most 256 KiB")
                        .isGreaterThan(8 * 256 * 1024);
            }
            assertThat(child.waitFor(Duration.ofSeconds(60))).isZero();
        }
    }

    @Test
    void tailerInAChildProcess_followsTheWriterHere() throws Exception {
        Path file = dir.resolve("parent-writes.glog");
        List<String> lines = CrossProcessChild.lines(SAMPLE);
        CRC32C crc = new CRC32C();
        try (GrowLog log = GrowLog.open(file, CrossProcessChild.SMALL_STEPS);
             ChildJvm child = ChildJvm.start(CrossProcessChild.class, "tail", file.toString(),
                     Integer.toString(lines.size()))) {
            assertThat(child.nextLine(Duration.ofSeconds(60))).isEqualTo("ready");
            for (String line : lines) {
                byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
                crc.update(bytes);
                log.append(bytes);
            }
            assertThat(child.nextLine(Duration.ofSeconds(60)))
                    .isEqualTo(lines.size() + " " + Long.toHexString(crc.getValue()));
            assertThat(child.waitFor(Duration.ofSeconds(60))).isZero();
            assertThat(log.stats().growths()).isGreaterThan(5);
        }
    }

    @Test
    void readOnlyTailer_afterTheWriterCrashedWithATornTail_returnsOnlyWhatTheRestartedWriterKeeps() throws Exception {
        Path file = dir.resolve("restart.glog");
        List<String> lines = CrossProcessChild.lines(SAMPLE).subList(0, 200);
        Path sample = dir.resolve("sample");
        Files.write(sample, lines, StandardCharsets.UTF_8);
        long end;
        try (ChildJvm child = ChildJvm.start(CrossProcessChild.class, "write-and-hang", file.toString(),
                sample.toString())) {
            List<String> printed = child.linesUntil("done", Duration.ofSeconds(60));
            long last = Long.parseLong(printed.get(printed.size() - 2));
            end = last + 8 + ((lines.get(lines.size() - 1).getBytes(StandardCharsets.UTF_8).length + 7) & -8);
            child.kill();
        }

        try (GrowLog reader = GrowLog.openReadOnly(file); Tailer tailer = reader.tailer(reader.startPosition())) {
            for (String line : lines) {
                assertThat(tailer.poll(10, TimeUnit.SECONDS)).isTrue();
                assertThat(new String(tailer.bytes(), StandardCharsets.UTF_8)).isEqualTo(line);
            }
            // A torn record, as a crash in the middle of a write leaves it: committed word, bad checksum.
            Corruption.writeTornRecord(file, end, 100);
            assertThat(tailer.poll(100, TimeUnit.MILLISECONDS)).as("torn record not returned").isFalse();

            try (GrowLog writer = GrowLog.open(file)) {
                assertThat(writer.recoveryReport().tailCut()).isTrue();
                assertThat(writer.endPosition()).isEqualTo(end);
                writer.append("after restart".getBytes(StandardCharsets.UTF_8));
            }
            assertThat(tailer.poll(10, TimeUnit.SECONDS)).isTrue();
            assertThat(tailer.position()).isEqualTo(end);
            assertThat(new String(tailer.bytes(), StandardCharsets.UTF_8)).isEqualTo("after restart");
            assertThat(tailer.poll(100, TimeUnit.MILLISECONDS)).isFalse();
        }
    }
}
