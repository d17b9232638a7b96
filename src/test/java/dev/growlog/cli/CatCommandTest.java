package dev.growlog.cli;

import dev.growlog.GrowLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CatCommandTest {
    @TempDir
    Path dir;

    @Test
    void text_printsPositionTabPayload() throws IOException {
        List<Long> at = Logs.create(dir.resolve("a.glog"), "one", "two words", "");

        Cli.Result result = Cli.in(dir).run("cat", "a.glog");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).isEqualTo(at.get(0) + "\tone\n" + at.get(1) + "\ttwo words\n" + at.get(2) + "\t\n");
    }

    @Test
    void fromAndCount_selectRecords() throws IOException {
        List<Long> at = Logs.create(dir.resolve("a.glog"), "r0", "r1", "r2", "r3");

        Cli.Result result = Cli.in(dir).run("cat", "--from", Long.toString(at.get(1)), "--count", "2", "a.glog");

        assertThat(result.out()).isEqualTo(at.get(1) + "\tr1\n" + at.get(2) + "\tr2\n");
    }

    @Test
    void fromTheEndPosition_printsNothing() throws IOException {
        Logs.create(dir.resolve("a.glog"), "r0");
        long end;
        try (GrowLog log = GrowLog.openReadOnly(dir.resolve("a.glog"))) {
            end = log.endPosition();
        }

        Cli.Result result = Cli.in(dir).run("cat", "--from", Long.toString(end), "a.glog");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEmpty();
    }

    @Test
    void json_printsOneObjectPerRecord() throws IOException {
        Logs.create(dir.resolve("a.glog"), "say \"hi\"\nbye");

        Cli.Result result = Cli.in(dir).run("cat", "--format", "json", "a.glog");

        assertThat(result.out()).isEqualTo(
                "{\"position\":4096,\"length\":12,\"encoding\":\"utf-8\",\"payload\":\"say \\\"hi\\\"\\nbye\"}\n");
    }

    @Test
    void raw_printsThePayloadsAsIngested() throws IOException {
        Files.writeString(dir.resolve("in.log"), "a\r\n\nb c\n");
        Cli.in(dir).run("ingest", "--log", "a.glog", "in.log");

        Cli.Result result = Cli.in(dir).run("cat", "--format=raw", "a.glog");

        assertThat(result.stdout()).isEqualTo(Files.readAllBytes(dir.resolve("in.log")));
    }

    @Test
    void fromAPositionInsideARecord_isAUsageError() throws IOException {
        Logs.create(dir.resolve("a.glog"), "a record long enough to hold several aligned positions");

        Cli.Result result = Cli.in(dir).run("cat", "--from", "4112", "a.glog");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.stderr()).startsWith("growlog: --from 4112: no record starts at position 4112");
    }

    @Test
    void fromAMisalignedPosition_isAUsageError() throws IOException {
        Logs.create(dir.resolve("a.glog"), "r0");

        Cli.Result result = Cli.in(dir).run("cat", "--from", "4097", "a.glog");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.stderr()).contains("position 4097 is not a record position");
    }

    @Test
    void negativeCount_isAUsageError() {
        Cli.Result result = Cli.in(dir).run("cat", "--count", "-1", "a.glog");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void missingLog_isNotFound() {
        Cli.Result result = Cli.in(dir).run("cat", "missing.glog");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(result.stderr()).isEqualTo("growlog: no such file: " + dir.resolve("missing.glog")
                + System.lineSeparator());
    }

    @Test
    void notAGrowlogFile_isRefused() throws IOException {
        Files.writeString(dir.resolve("text.log"), "plain text\n");

        Cli.Result result = Cli.in(dir).run("cat", "text.log");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.NOT_A_LOG);
        assertThat(result.stderr()).startsWith("growlog: not a growlog file: " + dir.resolve("text.log"));
    }

    @Test
    void damagedRecord_printsTheRecordsBefore_thenFailsNamingItsPosition() throws IOException {
        List<Long> at = Logs.create(dir.resolve("a.glog"), "good", "bad", "after");
        Logs.flipBit(dir.resolve("a.glog"), at.get(1) + 9);

        Cli.Result result = Cli.in(dir).run("cat", "a.glog");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.CORRUPT);
        assertThat(result.out()).isEqualTo(at.get(0) + "\tgood\n");
        assertThat(result.stderr()).startsWith("growlog: corrupt log " + Logs.dataFile(dir.resolve("a.glog")) + " at position "
                + at.get(1) + ": checksum actual=").hasLineCount(1);
    }

    @Test
    void logOpenByAWriter_canBeRead() throws IOException {
        try (GrowLog writer = GrowLog.open(dir.resolve("w.glog"), Logs.SMALL)) {
            long at = writer.append("live".getBytes(java.nio.charset.StandardCharsets.UTF_8));

            Cli.Result result = Cli.in(dir).run("cat", "w.glog");

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(result.out()).isEqualTo(at + "\tlive\n");
        }
    }

    /** Standard output whose reader has gone: every write fails, as with EPIPE. */
    private static final class GoneReader extends OutputStream {
        int writes;

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            writes++;
            throw new IOException("Broken pipe");
        }
    }

    @Test
    void stdoutWhoseReaderHasGone_isWrittenOnce_andTheCommandEndsQuietly() throws IOException {
        String[] records = new String[2000];
        Arrays.fill(records, "x".repeat(100)); // 200 KiB of output: several buffers
        Logs.create(dir.resolve("a.glog"), records);
        GoneReader stdout = new GoneReader();
        StringWriter err = new StringWriter();
        Context context = new Context(InputStream.nullInputStream(), stdout, new PrintWriter(err, true), dir,
                Map.of(), false);

        int code = GrowlogCommand.commandLine(context).execute("cat", "a.glog");

        assertThat(code).as(err.toString()).isZero();
        assertThat(err.toString()).isEmpty();
        assertThat(stdout.writes).as("write calls on the closed stdout").isEqualTo(1);
    }

    /** A stop request is what SIGINT and SIGTERM make. */
    @Test
    void whenStopped_printsNoMore() throws IOException {
        Logs.create(dir.resolve("a.glog"), "one", "two");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Context context = Cli.in(dir).context(out, new StringWriter());
        context.requestStop();

        int code = GrowlogCommand.commandLine(context).execute("cat", "a.glog");

        assertThat(code).isEqualTo(130);
        assertThat(out.toByteArray()).isEmpty();
    }
}
