package dev.growlog.cli;

import dev.growlog.GrowLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RecoverCommandTest {
    @TempDir
    Path dir;

    @Test
    void cleanLog_keepsEverything_andSaysSo() throws IOException {
        Logs.create(dir.resolve("a.glog"), "one", "two");

        Cli.Result result = Cli.in(dir).run("recover", "a.glog");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).startsWith("recovered " + dir.resolve("a.glog") + ": clean shutdown; scanned from "
                + "4128 (checkpoint), kept 0 records after it, end 4128; nothing dropped\ndropped: no records\n");
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
            Logs.copy(dir.resolve("live.glog"), crashed);
        }
        Logs.flipBit(crashed, third + 8);

        Cli.Result result = Cli.in(dir).run("recover", "crashed.glog");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out())
                .startsWith("recovered " + crashed + ": unclean shutdown; scanned from 4096 (checkpoint), kept 2 "
                        + "records after it, end " + third + "; cut the tail at " + third + ": checksum")
                .contains("dropped: the torn tail from position " + third + ", because checksum actual=")
                .contains("cleared: ");
        assertThat(Cli.in(dir).run("verify", "crashed.glog").out()).contains(": 2 records, 6 payload bytes");
    }

    @Test
    void skipCorrupt_marksTheDamagedRecordSkipped_andKeepsTheRecordsAfterIt() throws IOException {
        List<Long> at = Logs.create(dir.resolve("a.glog"), "one", "two", "three", "four");
        Logs.flipBit(dir.resolve("a.glog"), at.get(1) + 8);

        Cli.Result skip = Cli.in(dir).run("recover", "--skip-corrupt", "a.glog");

        assertThat(skip.exitCode()).as(skip.toString()).isZero();
        assertThat(skip.out()).contains("repaired " + dir.resolve("a.glog") + ": skipped 1 damaged range, kept 3 "
                        + "records, end ")
                .contains("skipped: damage at " + at.get(1));
        Cli.Result cat = Cli.in(dir).run("cat", "a.glog");
        assertThat(cat.out()).isEqualTo(at.get(0) + "\tone\n" + at.get(2) + "\tthree\n" + at.get(3) + "\tfour\n");
        assertThat(Cli.in(dir).run("verify", "a.glog").exitCode()).isZero();
    }

    @Test
    void truncateCorrupt_cutsAtTheDamagedRecord_andReportsWhatItDropped() throws IOException {
        List<Long> at = Logs.create(dir.resolve("a.glog"), "one", "two", "three", "four");
        Logs.flipBit(dir.resolve("a.glog"), at.get(1) + 8);

        Cli.Result truncate = Cli.in(dir).run("recover", "--truncate-corrupt", "a.glog");

        assertThat(truncate.exitCode()).as(truncate.toString()).isZero();
        assertThat(truncate.out()).contains("cut the log at " + at.get(1) + " (first damage): kept 1 record, "
                        + "dropped 2 valid records after it; 1 damaged range")
                .contains("dropped: 2 valid records after position " + at.get(1));
        assertThat(Cli.in(dir).run("cat", "a.glog").out()).isEqualTo(at.get(0) + "\tone\n");
        assertThat(Cli.in(dir).run("verify", "a.glog").exitCode()).isZero();
    }

    @Test
    void bothRepairOptions_isAUsageError() {
        Cli.Result result = Cli.in(dir).run("recover", "--truncate-corrupt", "--skip-corrupt", "a.glog");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.stderr()).isEqualTo("growlog: --truncate-corrupt, --skip-corrupt are mutually exclusive "
                + "(specify only one) (see 'growlog recover --help')" + System.lineSeparator());
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

    @Test
    void crashedWriterWithOneRecord_saysOneRecord() throws IOException {
        Path crashed = dir.resolve("crashed.glog");
        try (GrowLog writer = GrowLog.open(dir.resolve("live.glog"), Logs.SMALL)) {
            writer.append("one".getBytes(StandardCharsets.UTF_8));
            Logs.copy(dir.resolve("live.glog"), crashed);
        }

        Cli.Result result = Cli.in(dir).run("recover", "crashed.glog");

        assertThat(result.out()).startsWith("recovered " + crashed + ": unclean shutdown; scanned from 4096 "
                + "(checkpoint), kept 1 record after it, end 4112; nothing dropped\n");
    }

    @Test
    void help_saysTheRepairOptionsWork_andUsesOnlyDocumentedExitCodes() {
        Cli.Result result = Cli.in(dir).run("recover", "--help");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        String description = result.out().substring(0, result.out().indexOf("Exit codes:")).replaceAll("\\s+", " ");
        assertThat(description).doesNotContain("not support", "exit code 8")
                .contains("--truncate-corrupt cuts the log at the first damaged record")
                .contains("--skip-corrupt marks damaged ranges skipped");
    }
}
