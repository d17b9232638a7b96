package dev.growlog.cli;

import dev.growlog.GrowLog;
import dev.growlog.LogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class IngestCommandTest {
    @TempDir
    Path dir;

    private static List<String> records(Path log) throws IOException {
        List<String> records = new ArrayList<>();
        try (GrowLog growLog = GrowLog.openReadOnly(log); LogReader reader = growLog.reader(growLog.startPosition())) {
            while (reader.next()) {
                records.add(new String(reader.bytes(), StandardCharsets.UTF_8));
            }
        }
        return records;
    }

    /** Records in the log as a read-only open finds them; -1 while there is no log yet. */
    private static long count(Path log) {
        try (GrowLog growLog = GrowLog.openReadOnly(log)) {
            return growLog.stats().records();
        } catch (IOException e) {
            return -1;
        }
    }

    private Path write(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        return file;
    }

    @Test
    void files_becomeOneRecordPerLine_inOrder() throws IOException {
        write("a.log", "one\ntwo\r\n\nthree");
        write("b.log", "four\n");

        Cli.Result result = Cli.in(dir).run("ingest", "--log", "out.glog", "a.log", "b.log");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(records(dir.resolve("out.glog"))).containsExactly("one", "two\r", "", "three", "four");
        assertThat(result.out())
                .contains("ingested 5 records, 16 bytes", "from 2 inputs", "records/s", "MB/s")
                .contains("log " + dir.resolve("out.glog") + ": 5 records, end position ")
                .containsPattern("\\d+ growths? \\(\\d+ in place, \\d+ moves?\\)")
                .containsPattern("4 records +12 bytes  a.log");
        assertThat(result.stderr()).isEmpty();
    }

    @Test
    void secondIngest_appendsToTheLog() throws IOException {
        write("a.log", "one\n");
        Cli.in(dir).run("ingest", "--log", "out.glog", "a.log");

        Cli.Result result = Cli.in(dir).run("ingest", "--log", "out.glog", "a.log");

        assertThat(result.exitCode()).isZero();
        assertThat(records(dir.resolve("out.glog"))).containsExactly("one", "one");
    }

    @Test
    void multilineStart_keepsStackTracesWithTheirMessage() throws IOException {
        write("k.log", "[1] WARN oops\njava.io.IOException: x\n\tat a(A.java:1)\n[2] INFO fine\n");

        Cli.Result result = Cli.in(dir).run("ingest", "--log", "out.glog", "--multiline-start", "^\\[", "k.log");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(records(dir.resolve("out.glog")))
                .containsExactly("[1] WARN oops\njava.io.IOException: x\n\tat a(A.java:1)", "[2] INFO fine");
    }

    @Test
    void dash_readsStdin() throws IOException {
        Cli.Result result = Cli.in(dir).stdin("x\ny\n").run("ingest", "--log", "out.glog", "-");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(records(dir.resolve("out.glog"))).containsExactly("x", "y");
        assertThat(result.out()).contains("<stdin>");
    }

    @Test
    void noFiles_ingestsTheTestdataSamples_intoTheDefaultLog() throws IOException {
        write("testdata/b/second.log", "b1\nb2\n");
        write("testdata/a.log", "a1\n");
        write("testdata/README.md", "readme\n");
        write("testdata/LICENSE", "license\n");
        write("testdata/fixtures/torn.glog", "not a sample\n");
        write("testdata/.hidden", "hidden\n");

        Cli.Result result = Cli.in(dir).run("ingest");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        Path log = dir.resolve("target/growlog-data/ingest.glog");
        assertThat(records(log)).containsExactly("a1", "b1", "b2");
        assertThat(result.out()).contains("log " + log + ":");
    }

    @Test
    void environmentVariable_choosesTheDefaultLog() throws IOException {
        write("a.log", "a1\n");

        Cli.Result result = Cli.in(dir).env(Map.of("GROWLOG_LOG", "elsewhere/my.glog")).run("ingest", "a.log");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(records(dir.resolve("elsewhere/my.glog"))).containsExactly("a1");
    }

    @Test
    void noFilesAndNoTestdata_isNotFound() {
        Cli.Result result = Cli.in(dir).run("ingest");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(result.stderr()).startsWith("growlog: no FILE given and no testdata/ directory").hasLineCount(1);
    }

    @Test
    void missingFile_isNotFound_andNoLogIsCreated() throws IOException {
        write("a.log", "a1\n");

        Cli.Result result = Cli.in(dir).run("ingest", "--log", "out.glog", "a.log", "missing.log");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(result.stderr()).isEqualTo("growlog: no such file: " + dir.resolve("missing.log")
                + System.lineSeparator());
        assertThat(dir.resolve("out.glog")).doesNotExist();
    }

    @Test
    void logOpenByAnotherWriter_isLocked() throws IOException {
        write("a.log", "a1\n");
        Path log = dir.resolve("out.glog");
        try (GrowLog writer = GrowLog.open(log, Logs.SMALL)) {
            Cli.Result result = Cli.in(dir).run("ingest", "--log", "out.glog", "a.log");

            assertThat(result.exitCode()).isEqualTo(ExitCodes.LOCKED);
            assertThat(result.stderr()).startsWith("growlog: log " + log + " is locked by another writer")
                    .hasLineCount(1);
            assertThat(writer.stats().records()).isZero();
        }
    }

    @Test
    void logThatIsNotAGrowlogFile_isRefused_andLeftAlone() throws IOException {
        write("a.log", "a1\n");
        Path notALog = write("notes.txt", "just some text, long enough to be a file\n");

        Cli.Result result = Cli.in(dir).run("ingest", "--log", "notes.txt", "a.log");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.NOT_A_LOG);
        assertThat(result.stderr()).startsWith("growlog: not a growlog file: " + notALog);
        assertThat(Files.readString(notALog)).isEqualTo("just some text, long enough to be a file\n");
    }

    @Test
    void badRegex_isAUsageError() {
        Cli.Result result = Cli.in(dir).run("ingest", "--multiline-start", "[", "a.log");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.stderr()).contains("--multiline-start").hasLineCount(1);
    }

    @Test
    void stdinTwice_isAUsageError() {
        Cli.Result result = Cli.in(dir).run("ingest", "--log", "out.glog", "-", "-");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.stderr()).isEqualTo("growlog: stdin (-) can be read only once" + System.lineSeparator());
    }

    @Test
    void onATerminal_drawsAProgressBar_thenClearsIt() throws IOException {
        write("a.log", "x\n".repeat(200_000));

        Cli.Result result = Cli.in(dir).terminal().run("ingest", "--log", "out.glog", "a.log");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).startsWith("\ringest [").contains("%", " records, ", "MB/s")
                .contains("\r" + " ".repeat(20)).contains("ingested 200000 records");
    }

    @Test
    void notOnATerminal_drawsNoProgressBar() throws IOException {
        write("a.log", "x\n");

        Cli.Result result = Cli.in(dir).run("ingest", "--log", "out.glog", "a.log");

        assertThat(result.out()).doesNotContain("\r");
    }

    @Test
    void oneLine_isOneRecord_inTheSummary() {
        Cli.Result result = Cli.in(dir).stdin("x\n").run("ingest", "--log", "out.glog", "-");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out())
                .contains("           1 record             1 byte   <stdin>\n")
                .contains("ingested 1 record, 1 byte (1 B) from 1 input in ")
                .contains(": 1 record, end position 4112");
    }

    @Test
    void logThatIsAPlainFile_isRefused_asNoLog() throws IOException {
        Files.writeString(dir.resolve("logs"), "plain text\n");

        Cli.Result result = Cli.in(dir).stdin("hi\n").run("ingest", "--log", "logs", "-");

        assertThat(result.exitCode()).as(result.toString()).isNotEqualTo(ExitCodes.OK);
        assertThat(result.stderr()).contains("not a growlog");
    }

    @Test
    void theLogItselfAsAnInput_isRefused_underAnyName() throws IOException {
        Path log = dir.resolve("x.glog");
        Logs.create(log, "one");
        Files.createSymbolicLink(dir.resolve("link.glog"), log);
        write("a.log", "a1\n");
        byte[] before = Files.readAllBytes(Logs.dataFile(log));

        Cli.Result same = Cli.in(dir).run("ingest", "--log", "x.glog", "x.glog");
        Cli.Result linked = Cli.in(dir).run("ingest", "--log", "./x.glog", "a.log", "link.glog");

        assertThat(same.exitCode()).as(same.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(same.stderr()).isEqualTo("growlog: x.glog is the log being written (" + log + "): a log cannot "
                + "ingest itself" + System.lineSeparator());
        assertThat(linked.exitCode()).as(linked.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(linked.stderr()).startsWith("growlog: link.glog is the log being written");
        assertThat(Files.readAllBytes(Logs.dataFile(log))).isEqualTo(before);
    }

    /** A stop request is what SIGINT and SIGTERM make; the jar's integration test sends real signals. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void whenStopped_appendsTheWholeLinesItRead_dropsTheIncompleteOne_closesTheLog_andPrintsTheSummary()
            throws Exception {
        Path log = dir.resolve("out.glog");
        StalledInput stdin = new StalledInput("one\ntwo\nthr".getBytes(StandardCharsets.UTF_8));
        try {
            Cli.Running ingest = Cli.in(dir).stdin(stdin).start("ingest", "--log", "out.glog", "-");
            Await.until("two records are in the log", () -> count(log) == 2);

            ingest.context().requestStop();

            Cli.Result result = ingest.await();
            assertThat(result.exitCode()).as(result.toString()).isEqualTo(130);
            assertThat(result.out())
                    .contains("           2 records            6 bytes  <stdin>\n")
                    .contains("ingested 2 records, 6 bytes (6 B) from 1 input in ")
                    .contains("log " + log + ": 2 records, end position 4128");
            assertThat(result.stderr()).isEqualTo("growlog: stopped by a signal inside line 3 of <stdin>: its 3 "
                    + "bytes read so far were not appended" + System.lineSeparator());
            assertThat(records(log)).containsExactly("one", "two");
            try (GrowLog closed = GrowLog.openReadOnly(log)) {
                assertThat(closed.recoveryReport().cleanShutdown()).as("closed cleanly").isTrue();
            }
        } finally {
            stdin.release();
        }
    }

    @Test
    void lineOverTheRecordLimit_stopsWithExitCode2_afterPrintingWhatWasWritten_andNamesTheLine() throws IOException {
        Path log = dir.resolve("small.glog");
        Logs.create(log); // 64 KiB segments: the largest record is 65528 bytes
        write("a.log", "first\n");
        write("b.log", "ok\n" + "y".repeat(70_000) + "\nnever\n");

        Cli.Result result = Cli.in(dir).run("ingest", "--log", "small.glog", "a.log", "b.log");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.out())
                .contains("           1 record             5 bytes  a.log\n")
                .contains("           1 record             2 bytes  b.log\n")
                .contains("ingested 2 records, 7 bytes (7 B) from 2 inputs in ")
                .contains("log " + log + ": 2 records, end position ");
        assertThat(result.stderr()).isEqualTo("growlog: b.log: line 2 is longer than the largest record this log "
                + "accepts (65528 bytes); the records before it were appended" + System.lineSeparator());
        assertThat(records(log)).containsExactly("first", "ok");
    }
}
