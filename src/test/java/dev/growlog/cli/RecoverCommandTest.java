package dev.growlog.cli;

import dev.growlog.GrowLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class RecoverCommandTest {
    @TempDir
    Path dir;

    @Test
    void cleanLog_keepsEverything_andSaysSo() throws IOException {
        Logs.create(dir.resolve("a.glog"), "one", "two");

        Cli.Result result = Cli.in(dir).run("recover", "a.glog");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).isEqualTo("recovered " + dir.resolve("a.glog") + ": clean shutdown; scanned from "
                + "4128 (checkpoint), kept 0 records after it, end 4128\ndropped: no records\n");
    }

    /** A copy of a log taken while its writer is running looks like the writer crashed. */
    @Test
    void crashedWriterWithATornTail_cutsTheTail_andReportsIt() throws IOException {
        Path crashed = dir.resolve("crashed.glog");
        long third;
        try (GrowLog writer = GrowLog.open(dir.resolve("live.glog"), Logs.SMALL)) {
            writer.append("one".getBytes(StandardCharsets.UTF_8));
            writer.append("two".getBytes(StandardCharsets.UTF_8));
            third = writer.append("torn".getBytes(StandardCharsets.UTF_8));
            Files.copy(dir.resolve("live.glog"), crashed);
        }
        Logs.flipBit(crashed, third + 8);

        Cli.Result result = Cli.in(dir).run("recover", "crashed.glog");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out())
                .startsWith("recovered " + crashed + ": unclean shutdown; scanned from 4096 (checkpoint), kept 2 "
                        + "records after it, end " + third + "; cut the tail at " + third + ": checksum")
                .contains("dropped: the torn tail from position " + third + ", because checksum actual=")
                .contains("zeroed: ");
        assertThat(Cli.in(dir).run("verify", "crashed.glog").out()).contains(": 2 records, 6 payload bytes");
    }

    @Test
    void repairOptions_areNotSupportedYet_withTheirOwnExitCode() throws IOException {
        Logs.create(dir.resolve("a.glog"), "one");

        Cli.Result truncate = Cli.in(dir).run("recover", "--truncate-corrupt", "a.glog");
        Cli.Result skip = Cli.in(dir).run("recover", "--skip-corrupt", "a.glog");

        assertThat(truncate.exitCode()).isEqualTo(ExitCodes.UNSUPPORTED);
        assertThat(truncate.stderr()).startsWith("growlog: --truncate-corrupt is not supported by this version");
        assertThat(skip.exitCode()).isEqualTo(ExitCodes.UNSUPPORTED);
        assertThat(skip.stderr()).startsWith("growlog: --skip-corrupt is not supported by this version");
    }

    @Test
    void bothRepairOptions_isAUsageError() {
        Cli.Result result = Cli.in(dir).run("recover", "--truncate-corrupt", "--skip-corrupt", "a.glog");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.stderr()).contains("mutually exclusive").hasLineCount(1);
    }

    @Test
    void missingLog_isNotFound_andNotCreated() {
        Cli.Result result = Cli.in(dir).run("recover", "nope.glog");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(dir.resolve("nope.glog")).doesNotExist();
    }

    @Test
    void logOpenByAnotherWriter_isLocked() throws IOException {
        try (GrowLog writer = GrowLog.open(dir.resolve("w.glog"), Logs.SMALL)) {
            Cli.Result result = Cli.in(dir).run("recover", "w.glog");

            assertThat(result.exitCode()).isEqualTo(ExitCodes.LOCKED);
            assertThat(writer.isReadOnly()).isFalse();
        }
    }
}
