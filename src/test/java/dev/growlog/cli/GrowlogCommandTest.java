package dev.growlog.cli;

import dev.growlog.error.CorruptLogException;
import dev.growlog.error.LogFullException;
import dev.growlog.error.LogLockedException;
import dev.growlog.error.NativeCallException;
import dev.growlog.error.UnsupportedFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class GrowlogCommandTest {
    @TempDir
    Path dir;

    @Test
    void version_printsTheProjectVersionFromTheBuild() {
        Cli.Result result = Cli.in(dir).run("--version");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).matches("(?s)growlog \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\nJava .*");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ingest", "append", "cat", "tail", "verify", "stats", "recover", "bench", "forward"})
    void help_ofEveryCommand_listsItsOptionsAndTheExitCodes(String command) {
        Cli.Result result = Cli.in(dir).run(command, "--help");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).startsWith("Usage: growlog " + command)
                .contains("Exit codes:", "4    log locked by another writer", "130   interrupted",
                        "143   terminated");
        assertThat(result.stderr()).isEmpty();
    }

    @Test
    void noCommand_isAUsageError() {
        Cli.Result result = Cli.in(dir).run();

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.stderr()).startsWith("growlog: missing command: one of ingest, append");
    }

    @Test
    void unknownOption_isOneLineOnStderr_withExitCode2() {
        Cli.Result result = Cli.in(dir).run("ingest", "--frm", "8", "x.log");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.stderr()).startsWith("growlog: Unknown option").contains("'--frm'")
                .endsWith("(see 'growlog ingest --help')" + System.lineSeparator())
                .hasLineCount(1);
        assertThat(result.out()).isEmpty();
    }

    @Test
    void missingParameter_isAUsageError() {
        Cli.Result result = Cli.in(dir).run("verify");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.stderr()).contains("Missing required parameter: 'LOG'").hasLineCount(1);
    }

    @Test
    void badNumber_isAUsageError() {
        Cli.Result result = Cli.in(dir).run("cat", "--count", "many", "x.glog");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.stderr()).contains("'many' is not a long").hasLineCount(1);
    }

    @Test
    void exitCodes_mapTheLibraryExceptions() {
        Path file = dir.resolve("x.glog");
        assertThat(ErrorReporter.exitCode(new CorruptLogException(file, 4096, "bad")))
                .isEqualTo(ExitCodes.CORRUPT);
        assertThat(ErrorReporter.exitCode(new LogLockedException(file))).isEqualTo(ExitCodes.LOCKED);
        assertThat(ErrorReporter.exitCode(new LogFullException(file, "full")))
                .isEqualTo(ExitCodes.DISK_FULL);
        assertThat(ErrorReporter.exitCode(new NativeCallException(file, "fallocate", 28, "ENOSPC",
                "No space left on device", "", null))).isEqualTo(ExitCodes.DISK_FULL);
        assertThat(ErrorReporter.exitCode(new NativeCallException(file, "mremap", 12, "ENOMEM",
                "Cannot allocate memory", "", null))).isEqualTo(ExitCodes.IO_ERROR);
        assertThat(ErrorReporter.exitCode(new UnsupportedFormatException(file, "no")))
                .isEqualTo(ExitCodes.NOT_A_LOG);
        assertThat(ErrorReporter.exitCode(new NoSuchFileException("x"))).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(ErrorReporter.exitCode(new IOException("disk"))).isEqualTo(ExitCodes.IO_ERROR);
        assertThat(ErrorReporter.exitCode(new IllegalStateException("bug"))).isEqualTo(ExitCodes.INTERNAL);
    }
}
