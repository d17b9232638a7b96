package dev.growlog.cli;

import dev.growlog.GrowLog;
import dev.growlog.GrowLogConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.growlog.cli.GrowlogJar.command;
import static dev.growlog.cli.GrowlogJar.ownLines;
import static dev.growlog.cli.GrowlogJar.pump;
import static dev.growlog.cli.GrowlogJar.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The built jar under real pipes: a reader whose stdout is gone stops at its first failed write.
 * Runs in the integration-test phase ({@code mvn verify}), after the jar is packaged.
 */
class SignalsAndPipesIT {
    @TempDir
    Path dir;

    /** A child whose stderr (and, unless the test reads it itself, stdout) is collected. */
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

        @Override
        public String toString() {
            return "--- stdout\n" + text(out) + "--- stderr\n" + text(err);
        }
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
}
