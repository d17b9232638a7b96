package dev.growlog.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class BenchCommandTest {
    @TempDir
    Path dir;

    @Test
    void smallRun_printsBothSidesAndRatios_andLeavesNoFiles() throws IOException {
        Files.createDirectory(dir.resolve("b"));

        Cli.Result result = Cli.in(dir).run("bench", "--records", "5000", "--size", "40", "--log-dir", "b");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).contains("bench: 5000 records of 40 bytes per pass", "growlog", "FileChannel",
                "append records/s", "batches records/s", "append p50", "append p99 ", "append p99.9", "append max",
                "scan records/s",
                "sync at the end", " in place, ", "ratio = growlog / FileChannel");
        try (Stream<Path> left = Files.list(dir.resolve("b"))) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void badSizes_areUsageErrors() {
        assertThat(Cli.in(dir).run("bench", "--records", "0").exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(Cli.in(dir).run("bench", "--size", "70000").exitCode()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void emptyRecords_printNoRatioOfZeroToZero() throws IOException {
        Files.createDirectory(dir.resolve("b"));

        Cli.Result result = Cli.in(dir).run("bench", "--records", "2000", "--size", "0", "--log-dir", "b");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).contains("bench: 2000 records of 0 bytes per pass", "append records/s")
                .doesNotContain("NaN", "Infinity");
        assertThat(result.out().lines().filter(line -> line.startsWith("append MB/s"))).singleElement()
                .asString().endsWith(" -");
    }

    @Test
    void missingLogDir_isNotFound_andNotCreated() {
        Cli.Result result = Cli.in(dir).run("bench", "--records", "1000", "--log-dir", "nowhere/deeper");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(result.stderr()).isEqualTo("growlog: --log-dir " + dir.resolve("nowhere/deeper")
                + ": no such directory" + System.lineSeparator());
        assertThat(result.out()).isEmpty();
        assertThat(dir.resolve("nowhere")).doesNotExist();
    }
}
