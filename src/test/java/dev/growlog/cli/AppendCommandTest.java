package dev.growlog.cli;

import dev.growlog.GrowLog;
import dev.growlog.LogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class AppendCommandTest {
    @TempDir
    Path dir;

    private static List<byte[]> records(Path log) throws IOException {
        List<byte[]> records = new ArrayList<>();
        try (GrowLog growLog = GrowLog.openReadOnly(log); LogReader reader = growLog.reader(growLog.startPosition())) {
            while (reader.next()) {
                records.add(reader.bytes());
            }
        }
        return records;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] framed(byte[]... records) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        for (byte[] record : records) {
            out.writeInt(record.length);
            out.write(record);
        }
        return bytes.toByteArray();
    }

    @Test
    void lines_fromStdin_areRecords() throws IOException {
        Cli.Result result = Cli.in(dir).stdin("alpha\nbeta\n").run("append", "--log", "a.glog");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(records(dir.resolve("a.glog"))).containsExactly(utf8("alpha"), utf8("beta"));
        assertThat(result.out()).isEqualTo("appended 2 records, 9 bytes to " + dir.resolve("a.glog")
                + " at positions 4096..4112, end position 4128\n");
    }

    @Test
    void binary_readsLengthPrefixedRecords_byteForByte() throws IOException {
        byte[] zeros = new byte[3];
        byte[] anyBytes = {(byte) 0xff, '\n', 0, (byte) 0x80};
        Cli.Result result = Cli.in(dir).stdin(framed(zeros, new byte[0], anyBytes))
                .run("append", "--binary", "--log", "b.glog");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(records(dir.resolve("b.glog"))).containsExactly(zeros, new byte[0], anyBytes);
    }

    @Test
    void binary_endingInsideARecord_isAUsageError_keepingTheRecordsBefore() throws IOException {
        byte[] input = framed(utf8("whole"), utf8("cut short"));
        byte[] truncated = Arrays.copyOf(input, input.length - 3);

        Cli.Result result = Cli.in(dir).stdin(truncated).run("append", "--binary", "--log", "b.glog");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.stderr()).startsWith("growlog: stdin ends inside record 2: its length prefix says 9 bytes");
        assertThat(records(dir.resolve("b.glog"))).containsExactly(utf8("whole"));
    }

    @Test
    void binary_endingInsideALengthPrefix_isAUsageError() {
        Cli.Result result = Cli.in(dir).stdin(new byte[] {0, 0}).run("append", "--binary", "--log", "b.glog");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.stderr()).startsWith("growlog: stdin ends inside the length prefix of record 1");
    }

    @Test
    void binary_negativeLength_isAUsageError() {
        Cli.Result result = Cli.in(dir).stdin(new byte[] {(byte) 0xff, 0, 0, 0})
                .run("append", "--binary", "--log", "b.glog");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.stderr()).contains("record 1 declares length 4278190080");
    }

    @Test
    void durable_syncsAndSaysSo() {
        Cli.Result result = Cli.in(dir).stdin("x\n").run("append", "--durable", "--log", "d.glog");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).endsWith("durable: synced through position 4112\n");
    }

    @Test
    void emptyStdin_appendsNothing() {
        Cli.Result result = Cli.in(dir).run("append", "--log", "e.glog");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("appended 0 records, 0 bytes to " + dir.resolve("e.glog")
                + ", end position 4096\n");
    }

    @Test
    void logOpenByAnotherWriter_isLocked() throws IOException {
        try (GrowLog writer = GrowLog.open(dir.resolve("l.glog"), Logs.SMALL)) {
            Cli.Result result = Cli.in(dir).stdin("x\n").run("append", "--log", "l.glog");

            assertThat(result.exitCode()).isEqualTo(ExitCodes.LOCKED);
            assertThat(result.stderr()).contains("is locked by another writer").hasLineCount(1);
            assertThat(writer.endPosition()).isEqualTo(writer.startPosition());
        }
    }

    @Test
    void oneLine_isOneRecord_inTheSummary() {
        Cli.Result result = Cli.in(dir).stdin("x\n").run("append", "--log", "a.glog");

        assertThat(result.out()).isEqualTo("appended 1 record, 1 byte to " + dir.resolve("a.glog")
                + " at positions 4096..4096, end position 4112\n");
    }

    @Test
    void logThatIsAPlainFile_isRefused_asNoLog() throws IOException {
        Files.writeString(dir.resolve("logs"), "plain text\n");

        Cli.Result result = Cli.in(dir).stdin("x\n").run("append", "--log", "logs");

        assertThat(result.exitCode()).as(result.toString()).isNotEqualTo(ExitCodes.OK);
        assertThat(result.stderr()).contains("not a growlog");
        assertThat(Files.readString(dir.resolve("logs"))).isEqualTo("plain text\n");
    }

    /** A stop request is what SIGINT and SIGTERM make; the jar's integration test sends real signals. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void binary_whenStopped_appendsTheWholeRecordsItRead_syncs_andPrintsTheSummary() throws Exception {
        Path log = dir.resolve("b.glog");
        byte[] input = framed(utf8("whole"), utf8("cut short"));
        StalledInput stdin = new StalledInput(Arrays.copyOf(input, input.length - 3));
        try {
            Cli.Running append = Cli.in(dir).stdin(stdin).start("append", "--binary", "--durable", "--log", "b.glog");
            Await.until("one record is in the log", () -> count(log) == 1);

            append.context().requestStop();

            Cli.Result result = append.await();
            assertThat(result.exitCode()).as(result.toString()).isEqualTo(130);
            assertThat(result.out()).isEqualTo("appended 1 record, 5 bytes to " + log + " at positions 4096..4096, "
                    + "end position 4112\ndurable: synced through position 4112\n");
            assertThat(result.stderr()).isEqualTo("growlog: stopped by a signal inside record 2 of <stdin>: its 10 "
                    + "bytes read so far were not appended" + System.lineSeparator());
            try (GrowLog closed = GrowLog.openReadOnly(log)) {
                assertThat(closed.recoveryReport().cleanShutdown()).as("closed cleanly").isTrue();
                assertThat(closed.recoveryReport().checkpoint()).as("synced").isEqualTo(4112);
            }
        } finally {
            stdin.release();
        }
    }

    /** Lines are appended in batches, but a batch never waits for input that has not arrived. */
    @Test
    void lines_areAppendedBeforeTheInputEnds_whenNoMoreHasArrived() throws Exception {
        Path log = dir.resolve("slow.glog");
        StalledInput stdin = new StalledInput(utf8("first\nsecond\nthird, still being written"));
        try {
            Cli.Running append = Cli.in(dir).stdin(stdin).start("append", "--log", "slow.glog");

            Await.until("the two whole lines are in the log while the input stalls", () -> count(log) == 2);
            assertThat(records(log)).containsExactly(utf8("first"), utf8("second"));

            append.context().requestStop();
            assertThat(append.await().exitCode()).isEqualTo(130);
        } finally {
            stdin.release();
        }
    }

    private static long count(Path log) {
        try (GrowLog growLog = GrowLog.openReadOnly(log)) {
            return growLog.stats().records();
        } catch (IOException e) {
            return -1;
        }
    }

    @Test
    void lineOverTheRecordLimit_stopsWithExitCode2_afterPrintingWhatWasAppended() throws IOException {
        Path log = dir.resolve("small.glog");
        Logs.create(log); // 64 KiB segments: the largest record is 65528 bytes

        Cli.Result result = Cli.in(dir).stdin("ok\n" + "y".repeat(70_000) + "\n").run("append", "--durable",
                "--log", "small.glog");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.out()).isEqualTo("appended 1 record, 2 bytes to " + log + " at positions 4096..4096, "
                + "end position 4112\ndurable: synced through position 4112\n");
        assertThat(result.stderr()).isEqualTo("growlog: <stdin>: line 2 is longer than the largest record this log "
                + "accepts (65528 bytes); the records before it were appended" + System.lineSeparator());
        assertThat(records(log)).containsExactly(utf8("ok"));
    }
}
