package dev.growlog.cli;

import dev.growlog.GrowLog;
import dev.growlog.GrowLogConfig;
import dev.growlog.RecoveryReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.growlog.cli.Await.until;
import static dev.growlog.cli.GrowlogJar.command;
import static dev.growlog.cli.GrowlogJar.ownLines;
import static dev.growlog.cli.GrowlogJar.pump;
import static dev.growlog.cli.GrowlogJar.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The built jar under real signals and real pipes: a writer stopped by SIGINT or SIGTERM closes
 * its log and reports what it wrote; a reader whose stdout is gone stops at its first failed write.
 * Runs in the integration-test phase ({@code mvn verify}), after the jar is packaged.
 */
class SignalsAndPipesIT {
    @TempDir
    Path dir;

    /**
     * A child whose stdin is a pipe from this test and whose stderr (and, unless the test reads
     * it itself, stdout) is collected.
     */
    private static final class Child {
        final Process process;
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        private final Thread outPump;
        private final Thread errPump;

        Child(Process process) {
            this(process, true);
        }

        Child(Process process, boolean collectStdout) {
            this.process = process;
            outPump = collectStdout ? pump(process.getInputStream(), out) : null;
            errPump = pump(process.getErrorStream(), err);
        }

        /** The child's stdout, for a test that reads it itself. */
        BufferedReader stdout() {
            return new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        /** Waits for the child to end and for everything it printed; see {@link GrowlogJar#awaitExit}. */
        int awaitExit(String what) throws InterruptedException {
            int status = GrowlogJar.awaitExit(process, what);
            if (outPump != null) {
                outPump.join(TimeUnit.SECONDS.toMillis(Await.PATIENCE_SECONDS));
            }
            errPump.join(TimeUnit.SECONDS.toMillis(Await.PATIENCE_SECONDS));
            return status;
        }

        OutputStream stdin() {
            return process.getOutputStream();
        }

        @Override
        public String toString() {
            return "--- stdout\n" + text(out) + "--- stderr\n" + text(err);
        }
    }

    private Child start(String... args) throws IOException {
        return new Child(new ProcessBuilder(command(args)).directory(dir.toFile()).start());
    }

    /** Records in the log as a read-only open finds them; -1 while the writer has not created it yet. */
    private static long records(Path log) {
        try (GrowLog reader = GrowLog.openReadOnly(log)) {
            return reader.stats().records();
        } catch (IOException e) {
            return -1;
        }
    }

    private static RecoveryReport reopen(Path log) throws IOException {
        try (GrowLog reader = GrowLog.openReadOnly(log)) {
            return reader.recoveryReport();
        }
    }

    private static byte[] lines(int count) {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < count; i++) {
            lines.append("line ").append(i).append('\n');
        }
        return lines.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void ingest_whenInterruptedWhileStdinWaits_closesTheLogPrintsTheSummaryAndExits130() throws Exception {
        String signal = GrowlogJar.interruptSignal();
        Path log = dir.resolve("in.glog");
        Child ingest = start("ingest", "--log", log.toString(), "-");
        ingest.stdin().write(lines(1000));
        ingest.stdin().flush(); // and left open: the child waits in read() for more
        until("the child appended 1000 records", () -> records(log) == 1000);

        GrowlogJar.signal(ingest.process, signal);

        int status = ingest.awaitExit("ingest after SIG" + signal);
        assertThat(status).as(ingest.toString()).isEqualTo(GrowlogJar.exitStatusAfter(signal));
        assertThat(text(ingest.out)).as(ingest.toString())
                .contains("      1000 records         7890 bytes  <stdin>\n")
                .contains("ingested 1000 records, 7890 bytes (7.7 KiB) from 1 input in ")
                .contains("log " + log + ": 1000 records, end position ");
        assertThat(ownLines(text(ingest.err))).isEmpty();
        RecoveryReport after = reopen(log);
        assertThat(after.cleanShutdown()).as("closed cleanly").isTrue();
        assertThat(records(log)).isEqualTo(1000);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void appendDurable_whenTerminated_syncsClosesTheLogPrintsTheSummaryAndExits143() throws Exception {
        GrowlogJar.assumeSigtermIsNotIgnored();
        Path log = dir.resolve("a.glog");
        Child append = start("append", "--durable", "--log", log.toString());
        append.stdin().write(lines(10));
        append.stdin().flush();
        until("the child appended 10 records", () -> records(log) == 10);

        GrowlogJar.signal(append.process, "TERM"); // not Process.destroy(): it also closes the child's pipes

        int status = append.awaitExit("append after SIGTERM");
        assertThat(status).as(append.toString()).isEqualTo(143);
        assertThat(text(append.out)).as(append.toString())
                .startsWith("appended 10 records, 60 bytes to " + log + " at positions 4096..")
                .containsPattern("\ndurable: synced through position \\d+\n$");
        assertThat(ownLines(text(append.err))).isEmpty();
        RecoveryReport after = reopen(log);
        assertThat(after.cleanShutdown()).as("closed cleanly").isTrue();
        assertThat(after.checkpoint()).as("synced through the end").isEqualTo(after.endPosition());
    }

    /**
     * The damage sits behind far more output than the pipe, head and growlog's buffer hold
     * together: a cat that went on after head left would reach it and fail with exit status 1.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void cat_intoAPipeWhoseReaderLeaves_stopsAtTheFirstFailedWrite_quietly() throws Exception {
        Path log = dir.resolve("big.glog");
        long damaged;
        try (GrowLog writer = GrowLog.open(log)) {
            byte[] record = "x".repeat(200).getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 40_000; i++) { // about 8 MiB of output
                writer.append(record);
            }
            damaged = writer.append(record);
        }
        Logs.flipBit(log, damaged + 8);
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "skipped: no /bin/bash for the pipeline");
        List<String> pipeline = new ArrayList<>(List.of("/bin/bash", "-c",
                "\"$@\" | head -1; exit \"${PIPESTATUS[0]}\"", "bash"));
        pipeline.addAll(command("cat", log.toString()));
        Child cat = new Child(new ProcessBuilder(pipeline).directory(dir.toFile()).start());

        int status = cat.awaitExit("cat | head -1");

        assertThat(status).as("growlog cat's exit status; " + cat).isZero();
        assertThat(text(cat.out)).isEqualTo("4096\t" + "x".repeat(200) + "\n");
        assertThat(ownLines(text(cat.err))).isEmpty();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void tailFollow_whoseReaderHasGone_stopsAtTheNextRecord_quietly() throws Exception {
        Path log = dir.resolve("live.glog");
        GrowLogConfig small = GrowLogConfig.builder().segmentSize(64 * 1024).initialSize(8192).build();
        try (GrowLog writer = GrowLog.open(log, small)) {
            writer.append("first".getBytes(StandardCharsets.UTF_8));
            Child tail = new Child(new ProcessBuilder(command("tail", "-f", "--poll-ms", "10", "--format", "raw",
                    log.toString())).directory(dir.toFile()).start(), false);
            BufferedReader out = tail.stdout();
            assertThat(out.readLine()).isEqualTo("first");
            out.close(); // the only reader of the child's stdout is gone

            writer.append("second".getBytes(StandardCharsets.UTF_8));

            int status = tail.awaitExit("tail -f after its reader left and a record came");
            assertThat(status).as(tail.toString()).isZero();
            assertThat(ownLines(text(tail.err))).isEmpty();
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void bench_whenInterrupted_deletesItsFiles() throws Exception {
        String signal = GrowlogJar.interruptSignal();
        Path benchDir = Files.createDirectory(dir.resolve("bench"));
        Child bench = new Child(new ProcessBuilder(command("bench", "--records", "50000000", "--log-dir",
                benchDir.toString())).directory(dir.toFile()).start(), false);
        assertThat(bench.stdout().readLine()).as("bench's first line").startsWith("bench: 50000000 records");
        until("bench wrote its first file",
                () -> !list(benchDir).isEmpty() && !list(list(benchDir).get(0)).isEmpty());

        GrowlogJar.signal(bench.process, signal);

        int status = bench.awaitExit("bench after SIG" + signal);
        assertThat(status).as(bench.toString()).isEqualTo(GrowlogJar.exitStatusAfter(signal));
        assertThat(ownLines(text(bench.err))).isEmpty();
        assertThat(list(benchDir)).as("left behind in the bench directory").isEmpty();
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
