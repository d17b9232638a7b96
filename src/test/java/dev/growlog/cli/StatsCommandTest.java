package dev.growlog.cli;

import dev.growlog.GrowLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class StatsCommandTest {
    @TempDir
    Path dir;

    @Test
    void closedLog_showsItsHeaderAndCounts() throws IOException {
        Logs.create(dir.resolve("a.glog"), "one", "two");

        Cli.Result result = Cli.in(dir).run("stats", "a.glog");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).contains(
                "log             " + dir.resolve("a.glog") + "\n",
                "records         2\n",
                "payload bytes   6 (6 B)\n",
                "start position  4096\n",
                "end position    4128\n",
                "checkpoint      4128 (every record before it was durable)\n",
                "clean shutdown  yes\n",
                "segment size    65536 (64.0 KiB)\n",
                "largest record  65528 bytes\n",
                "growths         0 (0 in place, 0 moves; this open only)\n",
                "recovery        clean shutdown; scanned from 4128 (checkpoint)");
    }

    @Test
    void logOpenByAWriter_showsItUnclean_andCountsWhatIsThere() throws IOException {
        try (GrowLog writer = GrowLog.open(dir.resolve("w.glog"), Logs.SMALL)) {
            writer.append(new byte[10]);

            Cli.Result result = Cli.in(dir).run("stats", "w.glog");

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(result.out()).contains("records         1\n", "clean shutdown  no");
        }
    }

    @Test
    void notAGrowlogFile_isRefused() throws IOException {
        Files.write(dir.resolve("zeros"), new byte[8192]);

        assertThat(Cli.in(dir).run("stats", "zeros").exitCode()).isEqualTo(ExitCodes.NOT_A_LOG);
    }

    @Test
    void missingLog_isNotFound() {
        assertThat(Cli.in(dir).run("stats", "nope.glog").exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    }
}
