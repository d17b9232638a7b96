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
        Cli.Result result = Cli.in(dir).run("bench", "--records", "5000", "--size", "40", "--log-dir", "b");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).contains("bench: 5000 records of 40 bytes per pass", "growlog", "FileChannel",
                "append records/s", "append p50", "append p99 ", "append p99.9", "append max", "scan records/s",
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
}
