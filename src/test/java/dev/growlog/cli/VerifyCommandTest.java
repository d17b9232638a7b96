package dev.growlog.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class VerifyCommandTest {
    @TempDir
    Path dir;

    @Test
    void soundLog_isOk_withASummary() throws IOException {
        String[] records = new String[3000];
        long bytes = 0;
        for (int i = 0; i < records.length; i++) {
            records[i] = "record number " + i;
            bytes += records[i].length();
        }
        Logs.create(dir.resolve("a.glog"), records);

        Cli.Result result = Cli.in(dir).run("verify", "a.glog");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).startsWith("verified " + dir.resolve("a.glog") + ": 3000 records, " + bytes
                + " payload bytes, end position ").endsWith(": OK\n");
        assertThat(result.stderr()).isEmpty();
    }

    @Test
    void flippedPayloadBit_isExitCode1_namingThePosition() throws IOException {
        List<Long> at = Logs.create(dir.resolve("a.glog"), "first", "second", "third", "fourth");
        Logs.flipBit(dir.resolve("a.glog"), at.get(2) + 8 + 2);

        Cli.Result result = Cli.in(dir).run("verify", "a.glog");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.CORRUPT);
        assertThat(result.out()).startsWith("verified " + dir.resolve("a.glog") + ": 3 records, 17 payload bytes, "
                + "end position " + (at.get(3) + 16) + " in ")
                .contains(": DAMAGED\n" + "damage at " + at.get(2) + " (16 bytes): checksum actual=")
                .contains("(valid records follow at " + at.get(3) + ")");
        assertThat(result.stderr()).startsWith("growlog: 1 damaged range in " + dir.resolve("a.glog")
                + " at position " + at.get(2) + "; the first: checksum").hasLineCount(1);
    }

    @Test
    void damagedCommitWord_isExitCode1_namingThePosition() throws IOException {
        List<Long> at = Logs.create(dir.resolve("a.glog"), "first", "second");
        Logs.flipBit(dir.resolve("a.glog"), at.get(1) + 3);

        Cli.Result result = Cli.in(dir).run("verify", "a.glog");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.CORRUPT);
        assertThat(result.stderr()).contains("at position " + at.get(1) + "; ");
    }

    @Test
    void onATerminal_drawsProgress() throws IOException {
        Logs.create(dir.resolve("a.glog"), "x");

        Cli.Result result = Cli.in(dir).terminal().run("verify", "a.glog");

        assertThat(result.out()).startsWith("\rverify [").contains("verified ");
    }

    @Test
    void missingLog_isNotFound() {
        assertThat(Cli.in(dir).run("verify", "nope.glog").exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    }

    @Test
    void emptyFile_isNotAGrowlogFile() throws IOException {
        Files.createFile(dir.resolve("empty.glog"));

        Cli.Result result = Cli.in(dir).run("verify", "empty.glog");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.NOT_A_LOG);
        assertThat(result.stderr()).contains("is empty");
    }

    @Test
    void damagedHeader_isCorrupt() throws IOException {
        Logs.create(dir.resolve("a.glog"), "x");
        Logs.flipBit(dir.resolve("a.glog"), 17);

        Cli.Result result = Cli.in(dir).run("verify", "a.glog");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.CORRUPT);
        assertThat(result.stderr()).contains("header checksum");
    }

    @Test
    void directoryWithoutDataFiles_isNoLog() {
        Cli.Result result = Cli.in(dir).run("verify", ".");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(result.stderr()).contains("no growlog data file");
    }

    /** A stop request is what SIGINT and SIGTERM make. */
    @Test
    void whenStopped_endsQuietly_withoutAVerdict() throws IOException {
        Logs.create(dir.resolve("a.glog"), "one", "two");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        Context context = Cli.in(dir).context(out, err);
        context.requestStop();

        int code = GrowlogCommand.commandLine(context).execute("verify", "a.glog");

        assertThat(code).isEqualTo(ExitCodes.INTERRUPTED);
        assertThat(out.toByteArray()).isEmpty();
        assertThat(err.toString()).isEmpty();
    }
}
