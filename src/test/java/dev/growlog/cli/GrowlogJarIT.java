package dev.growlog.cli;

import dev.growlog.GrowLog;
import dev.growlog.GrowLogConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.growlog.cli.GrowlogJar.command;
import static dev.growlog.cli.GrowlogJar.pump;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the built {@code target/growlog.jar} in child JVMs, as a user would: ingest a real sample,
 * verify it, read it back byte for byte, and follow a log that this process writes.
 * Runs in the integration-test phase ({@code mvn verify}), after the jar is packaged.
 */
class GrowlogJarIT {
    private static final Path SAMPLE = Path.of("testdata/kafka-broker-logs/kafka0-server.log.2016-12-19-20");

    @TempDir
    Path dir;

    /** What a child printed and returned. */
    record Run(int exitCode, byte[] stdout, String stderr) {
        String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out() + "--- stderr\n" + stderr;
        }
    }

    @BeforeAll
    static void findJar() {
        GrowlogJar.jar();
    }

    private Run run(String... args) throws IOException, InterruptedException {
        return run(command(true, args));
    }

    private Run run(List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "stdout", ".txt");
        Path err = Files.createTempFile(dir, "stderr", ".txt");
        Process process = new ProcessBuilder(command).directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("growlog " + command + " did not finish within 60 s");
        }
        return new Run(process.exitValue(), Files.readAllBytes(out), Files.readString(err));
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void ingestVerifyCat_roundTripsARealSampleByteForByte() throws Exception {
        Path sample = SAMPLE.toAbsolutePath();
        byte[] source = Files.readAllBytes(sample);
        List<String> lines = Files.readAllLines(sample, StandardCharsets.UTF_8);

        Run ingest = run("ingest", "--log", "kafka.glog", sample.toString());
        assertThat(ingest.exitCode()).as(ingest.toString()).isZero();
        assertThat(ingest.out()).contains("ingested " + lines.size() + " records, " + (source.length - lines.size())
                + " bytes");
        assertThat(ingest.stderr()).isEmpty();

        Run verify = run("verify", "kafka.glog");
        assertThat(verify.exitCode()).as(verify.toString()).isZero();
        assertThat(verify.out()).contains(": " + lines.size() + " records, ").endsWith(": OK\n");

        Run raw = run("cat", "--format", "raw", "kafka.glog");
        assertThat(raw.exitCode()).as(raw.stderr()).isZero();
        assertThat(raw.stdout()).isEqualTo(source);

        Run text = run("cat", "kafka.glog");
        List<String> printed = text.out().lines().toList();
        assertThat(printed).hasSize(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            assertThat(printed.get(i)).matches("\\d+\t.*").endsWith("\t" + lines.get(i));
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void tailFollow_printsWhatAConcurrentWriterAppends_andStopsCleanlyOnSignal() throws Exception {
        Path log = dir.resolve("live.glog");
        GrowLogConfig small = GrowLogConfig.builder().segmentSize(64 * 1024).initialSize(8192).build();
        StringBuilder expected = new StringBuilder();
        try (GrowLog writer = GrowLog.open(log, small)) {
            expected.append(append(writer, "first record, before tail starts"));
            Process tail = new ProcessBuilder(command(true, "tail", "-f", "--poll-ms", "10", "--format", "raw",
                    log.toString())).directory(dir.toFile()).start();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread outPump = pump(tail.getInputStream(), out);
            Thread errPump = pump(tail.getErrorStream(), err);
            try {
                awaitOutput(out, expected.toString());
                for (int batch = 0; batch < 20; batch++) {
                    for (int i = 0; i < 100; i++) {
                        expected.append(append(writer, "batch " + batch + " record " + i + " " + "x".repeat(200)));
                    }
                    Thread.sleep(10);
                }
                assertThat(writer.stats().growths()).as("the writer grew the file while tail followed").isPositive();
                awaitOutput(out, expected.toString());
            } finally {
                String signal = GrowlogJar.interruptSignal();
                GrowlogJar.signal(tail, signal);
                int status = GrowlogJar.awaitExit(tail, "tail -f after SIG" + signal);
                outPump.join(5_000);
                errPump.join(5_000);
                assertThat(status).as(err.toString(StandardCharsets.UTF_8))
                        .isEqualTo(GrowlogJar.exitStatusAfter(signal));
            }
            assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(expected.toString());
            assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void errors_areOneLineWithTheDocumentedExitCode() throws Exception {
        Run missing = run("verify", "missing.glog");
        assertThat(missing.exitCode()).isEqualTo(3);
        assertThat(missing.stderr()).isEqualTo("growlog: no such file: " + dir.toRealPath().resolve("missing.glog")
                + "\n");

        Files.writeString(dir.resolve("notes.txt"), "not a log\n");
        Run foreign = run("cat", "notes.txt");
        assertThat(foreign.exitCode()).isEqualTo(6);
        assertThat(foreign.stderr()).startsWith("growlog: not a growlog file: ").hasLineCount(1);

        Run usage = run("tail", "--bogus", "x.glog");
        assertThat(usage.exitCode()).isEqualTo(2);
        assertThat(usage.stderr()).startsWith("growlog: Unknown option: '--bogus'").hasLineCount(1);
    }

    /** The manifest's Enable-Native-Access keeps plain java -jar free of native-access warnings. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void plainJavaJar_printsNoNativeAccessWarning() throws Exception {
        Run ingest = run(command(false, "append", "--log", "plain.glog"));

        assertThat(ingest.exitCode()).as(ingest.toString()).isZero();
        assertThat(ingest.stderr()).doesNotContain("restricted method", "enable-native-access");
        if (Runtime.version().feature() < 24) {
            assertThat(ingest.stderr()).isEmpty();
        } else {
            // JDK 24+ warns once about jffi's sun.misc.Unsafe use; a manifest cannot allow it
            assertThat(ingest.stderr().lines()).allMatch(line -> line.startsWith("WARNING:")
                    && (line.contains("sun.misc.Unsafe") || line.contains("Please consider reporting")));
        }
    }

    private static String append(GrowLog writer, String record) throws IOException {
        writer.append(record.getBytes(StandardCharsets.UTF_8));
        return record + "\n";
    }

    private static void awaitOutput(ByteArrayOutputStream out, String expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!out.toString(StandardCharsets.UTF_8).equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(expected);
    }
}
