package dev.growlog.cli;

import dev.growlog.GrowLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code cursor list|set|delete}, {@code --cursor}/{@code --commit} on cat and tail, cursors in stats. */
class CursorCommandTest {
    @TempDir
    Path dir;

    private void append(Path log, String... records) throws IOException {
        try (GrowLog growLog = GrowLog.open(log)) {
            for (String record : records) {
                growLog.append(record.getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void catWithACommittedCursor_printsEachRecordOnce_acrossRuns() throws IOException {
        Path log = dir.resolve("a.glog");
        List<Long> at = Logs.create(log, "r0", "r1");

        Cli.Result first = Cli.in(dir).run("cat", "--cursor", "shipper", "--commit", "a.glog");
        Cli.Result again = Cli.in(dir).run("cat", "--cursor", "shipper", "--commit", "a.glog");
        append(log, "r2");
        Cli.Result third = Cli.in(dir).run("cat", "--cursor", "shipper", "--commit", "a.glog");

        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.out()).isEqualTo(at.get(0) + "\tr0\n" + at.get(1) + "\tr1\n");
        assertThat(again.out()).isEmpty();
        assertThat(third.out()).endsWith("\tr2\n").doesNotContain("r0", "r1");
    }

    @Test
    void catWithACursorWithoutCommit_startsThere_andLeavesItWhereItWas() throws IOException {
        List<Long> at = Logs.create(dir.resolve("a.glog"), "r0", "r1", "r2");
        assertThat(Cli.in(dir).run("cursor", "set", "a.glog", "c", Long.toString(at.get(1))).exitCode()).isZero();

        Cli.Result result = Cli.in(dir).run("cat", "--cursor", "c", "a.glog");
        Cli.Result list = Cli.in(dir).run("cursor", "list", "a.glog");

        assertThat(result.out()).isEqualTo(at.get(1) + "\tr1\n" + at.get(2) + "\tr2\n");
        assertThat(list.out()).contains("c ").contains(Long.toString(at.get(1)));
    }

    @Test
    void aMissingCursorWithoutCommit_isNotFound_andBadCombinationsAreUsageErrors() throws IOException {
        Logs.create(dir.resolve("a.glog"), "r0");

        assertThat(Cli.in(dir).run("cat", "--cursor", "nobody", "a.glog").exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(Cli.in(dir).run("cat", "--commit", "a.glog").exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(Cli.in(dir).run("cat", "--cursor", "c", "--from", "4096", "a.glog").exitCode())
                .isEqualTo(ExitCodes.USAGE);
        assertThat(Cli.in(dir).run("cursor", "set", "a.glog", "c", "4100").exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(Cli.in(dir).run("cursor", "set", "a.glog", ".hidden", "start").exitCode())
                .isEqualTo(ExitCodes.USAGE);
        assertThat(Cli.in(dir).run("cursor", "delete", "a.glog", "nobody").exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    }

    @Test
    void aCursorOwnedByAConsumer_cannotBeSetOrDeleted() throws IOException {
        Path log = dir.resolve("a.glog");
        Logs.create(log, "r0");
        try (GrowLog growLog = GrowLog.openReadOnly(log); var owned = growLog.cursor("busy")) {
            assertThat(Cli.in(dir).run("cursor", "set", "a.glog", "busy", "end").exitCode()).isEqualTo(ExitCodes.LOCKED);
            assertThat(Cli.in(dir).run("cursor", "delete", "a.glog", "busy").exitCode()).isEqualTo(ExitCodes.LOCKED);
            assertThat(Cli.in(dir).run("cat", "--cursor", "busy", "--commit", "a.glog").exitCode())
                    .isEqualTo(ExitCodes.LOCKED);
            assertThat(owned.position()).isEqualTo(growLog.startPosition());
        }
        assertThat(Cli.in(dir).run("cursor", "delete", "a.glog", "busy").exitCode()).isZero();
    }

    @Test
    void stats_listsEveryCursorWithItsLag() throws IOException {
        List<Long> at = Logs.create(dir.resolve("a.glog"), "r0", "r1");
        Cli.in(dir).run("cursor", "set", "a.glog", "behind", "start");
        Cli.in(dir).run("cursor", "set", "a.glog", "done", "end");

        Cli.Result stats = Cli.in(dir).run("stats", "a.glog");

        assertThat(stats.exitCode()).as(stats.toString()).isZero();
        assertThat(stats.out()).containsPattern("behind\\s+" + at.get(0) + "\\s+32 B")
                .containsPattern("done\\s+" + (at.get(1) + 16) + "\\s+0 B");
    }

    @Test
    void tailWithACommittedCursor_commitsWhatItPrinted() throws IOException {
        Path log = dir.resolve("a.glog");
        List<Long> at = Logs.create(log, "r0", "r1", "r2");

        Cli.Result result = Cli.in(dir).run("tail", "--cursor", "t", "--commit", "a.glog");
        Cli.Result list = Cli.in(dir).run("cursor", "list", "a.glog");

        assertThat(result.out()).isEqualTo(at.get(0) + "\tr0\n" + at.get(1) + "\tr1\n" + at.get(2) + "\tr2\n");
        assertThat(list.out()).containsPattern("t\\s+" + (at.get(2) + 16) + "\\s+0 B");
    }
}
