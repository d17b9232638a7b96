package dev.growlog.cli;

import dev.growlog.GrowLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class TailCommandTest {
    @TempDir
    Path dir;

    private static String[] numbered(int count) {
        String[] records = new String[count];
        for (int i = 0; i < count; i++) {
            records[i] = "r" + i;
        }
        return records;
    }

    @Test
    void withoutFollow_printsTheLastTenRecords() throws IOException {
        List<Long> at = Logs.create(dir.resolve("a.glog"), numbered(25));

        Cli.Result result = Cli.in(dir).run("tail", "a.glog");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out().lines()).hasSize(10).first().isEqualTo(at.get(15) + "\tr15");
        assertThat(result.out().lines()).last().isEqualTo(at.get(24) + "\tr24");
    }

    @Test
    void n_choosesHowManyRecords_andMoreThanThereAreMeansAll() throws IOException {
        Logs.create(dir.resolve("a.glog"), numbered(5));

        assertThat(Cli.in(dir).run("tail", "-n", "2", "--format", "raw", "a.glog").out()).isEqualTo("r3\nr4\n");
        assertThat(Cli.in(dir).run("tail", "-n", "0", "a.glog").out()).isEmpty();
        assertThat(Cli.in(dir).run("tail", "-n", "99", "--format", "raw", "a.glog").out().lines()).hasSize(5);
    }

    @Test
    void from_startsAtThatRecord() throws IOException {
        List<Long> at = Logs.create(dir.resolve("a.glog"), numbered(5));

        Cli.Result result = Cli.in(dir).run("tail", "--from", Long.toString(at.get(1)), "--format", "raw", "a.glog");

        assertThat(result.out()).isEqualTo("r1\nr2\nr3\nr4\n");
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void follow_printsRecordsAConcurrentWriterAppends_throughGrowth_untilStopped() throws Exception {
        Path log = dir.resolve("live.glog");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        Context context = Cli.in(dir).context(out, err);
        try (GrowLog writer = GrowLog.open(log, Logs.SMALL)) {
            writer.append("before".getBytes(StandardCharsets.UTF_8));
            CompletableFuture<Integer> tail = CompletableFuture.supplyAsync(() -> GrowlogCommand.commandLine(context)
                    .execute("tail", "-f", "--poll-ms", "5", "--format", "raw", "live.glog"));
            awaitOutput(out, "before\n");

            StringBuilder expected = new StringBuilder("before\n");
            String filler = "x".repeat(300);
            for (int i = 0; i < 2000; i++) {
                String record = i + " " + filler;
                writer.append(record.getBytes(StandardCharsets.UTF_8));
                expected.append(record).append('\n');
            }
            assertThat(writer.stats().growths()).as("the writer grew the file while tail followed").isPositive();
            awaitOutput(out, expected.toString());

            context.requestStop();
            assertThat(tail.get(10, TimeUnit.SECONDS)).as(err.toString()).isEqualTo(ExitCodes.INTERRUPTED);
            assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(expected.toString());
        }
    }

    private static void awaitOutput(ByteArrayOutputStream out, String expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!out.toString(StandardCharsets.UTF_8).equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(5); // polls for the output; the assertion below fails when it never comes
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(expected);
    }

    @Test
    void badPollInterval_isAUsageError() {
        Cli.Result result = Cli.in(dir).run("tail", "-f", "--poll-ms", "0", "a.glog");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.stderr()).startsWith("growlog: --poll-ms must be from 1 to 60000");
    }

    @Test
    void missingLog_isNotFound() {
        assertThat(Cli.in(dir).run("tail", "-f", "nope.glog").exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    }
}
