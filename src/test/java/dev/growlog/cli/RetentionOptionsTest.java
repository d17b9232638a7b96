package dev.growlog.cli;

import dev.growlog.GrowLog;
import dev.growlog.GrowLogStats;
import dev.growlog.error.RecordsDroppedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code ingest}/{@code append} with retention options, and {@code truncate}. */
class RetentionOptionsTest {
    @TempDir
    Path dir;

    private static String lines(int count) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < count; i++) {
            text.append("line ").append(i).append(" ").append("x".repeat(200)).append('\n');
        }
        return text.toString();
    }

    @Test
    void appendWithABudget_keepsTheLogWithinIt_byDeletingTheOldestFiles() throws IOException {
        Cli.Result result = Cli.in(dir).stdin(lines(20_000)).run("append", "--roll-size", "128k", "--retain-bytes",
                "1m", "--log", "a.glog");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        try (GrowLog log = GrowLog.openReadOnly(dir.resolve("a.glog"))) {
            GrowLogStats stats = log.stats();
            assertThat(stats.rollSize()).isEqualTo(128 * 1024);
            assertThat(stats.diskBytes()).isLessThanOrEqualTo(1 << 20);
            assertThat(stats.startPosition()).isGreaterThan(128 * 1024);
            assertThatThrownBy(() -> log.read(4096)).isInstanceOf(RecordsDroppedException.class);
        }
    }

    @Test
    void truncate_dropsTheRecordsBefore_andSaysWhatItGaveBack() throws IOException {
        Cli.in(dir).stdin(lines(3_000)).run("append", "--roll-size", "128k", "--log", "a.glog");
        long end;
        try (GrowLog log = GrowLog.openReadOnly(dir.resolve("a.glog"))) {
            end = log.endPosition();
        }

        Cli.Result result = Cli.in(dir).run("truncate", "--before", "end", "a.glog");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).startsWith("start position " + end + " (was 4096); ").contains("deleted");
        try (GrowLog log = GrowLog.openReadOnly(dir.resolve("a.glog"))) {
            assertThat(log.startPosition()).isEqualTo(end);
            assertThat(log.stats().files()).isEqualTo(1);
        }
    }

    @Test
    void badValues_areUsageErrors() throws IOException {
        Cli.in(dir).stdin("one\n").run("append", "--log", "a.glog");

        assertThat(Cli.in(dir).stdin("x\n").run("append", "--retain-bytes", "lots", "--log", "b.glog").exitCode())
                .isEqualTo(ExitCodes.USAGE);
        assertThat(Cli.in(dir).stdin("x\n").run("append", "--roll-size", "128k", "--retain-bytes", "200k",
                "--log", "c.glog").stderr()).contains("two files");
        assertThat(Cli.in(dir).stdin("x\n").run("append", "--retain-age", "soon", "--log", "d.glog").exitCode())
                .isEqualTo(ExitCodes.USAGE);
        assertThat(Cli.in(dir).stdin("x\n").run("append", "--retention-policy", "maybe", "--log", "e.glog")
                .exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(Cli.in(dir).run("truncate", "--before", "4100", "a.glog").exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(Cli.in(dir).run("truncate", "--before", "end", "missing.glog").exitCode())
                .isEqualTo(ExitCodes.NOT_FOUND);
    }

    @Test
    void sizesAndDurations_parseAsDocumented() {
        assertThat(RetentionOptions.size("--x", "4096")).isEqualTo(4096);
        assertThat(RetentionOptions.size("--x", "64k")).isEqualTo(64 * 1024);
        assertThat(RetentionOptions.size("--x", "64MiB")).isEqualTo(64L << 20);
        assertThat(RetentionOptions.size("--x", "10g")).isEqualTo(10L << 30);
        assertThat(RetentionOptions.duration("--x", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(RetentionOptions.duration("--x", "12h")).isEqualTo(Duration.ofHours(12));
        assertThat(RetentionOptions.duration("--x", "7d")).isEqualTo(Duration.ofDays(7));
    }
}
