package dev.growlog.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The built {@code target/growlog.jar} run as a child process, for the integration tests. */
final class GrowlogJar {
    private GrowlogJar() {
    }

    /** The jar; skips the test when it was not built. */
    static Path jar() {
        Path jar = Path.of(System.getProperty("growlog.jar", "target/growlog.jar")).toAbsolutePath();
        assumeTrue(Files.isRegularFile(jar), "skipped: " + jar + " does not exist; build it with mvn package "
                + "(mvn verify builds it before running this test)");
        return jar;
    }

    /**
     * {@code java -jar growlog.jar ARGS}. JDK 24+ also gets the flag that allows jffi's
     * sun.misc.Unsafe use, which a manifest cannot grant, so that stderr holds only our output.
     */
    static List<String> command(boolean quietUnsafe, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (quietUnsafe && Runtime.version().feature() >= 24) {
            command.add("--sun-misc-unsafe-memory-access=allow");
        }
        command.add("-jar");
        command.add(jar().toString());
        command.addAll(List.of(args));
        return command;
    }

    static List<String> command(String... args) {
        return command(true, args);
    }

    /** Copies {@code in} into {@code to} on a daemon thread until the child closes it. */
    static Thread pump(InputStream in, ByteArrayOutputStream to) {
        Thread thread = new Thread(() -> {
            try {
                in.transferTo(to);
            } catch (IOException e) {
                // the child ended; what it printed is in the buffer
            }
        });
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    static String text(ByteArrayOutputStream bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Sends {@code signal} (INT, TERM, ...) to the process, as {@code kill -SIGNAL pid}. */
    static void signal(Process process, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        assertThat(kill.waitFor(Await.PATIENCE_SECONDS, TimeUnit.SECONDS)).as("kill -" + signal + " finished").isTrue();
        assertThat(kill.exitValue()).as("kill -" + signal + " exit status").isZero();
    }

    /**
     * The signal that stands for Ctrl-C here: INT, or TERM when this process ignores SIGINT (as
     * background jobs of some shells do), because its children inherit that and cannot be stopped by it.
     */
    static String interruptSignal() throws IOException {
        return (signalsIgnored() & (1L << 1)) == 0 ? "INT" : "TERM";
    }

    /** The exit status of a JVM ended by {@code signal}: 128 + the signal's number. */
    static int exitStatusAfter(String signal) {
        return "INT".equals(signal) ? 130 : 143;
    }

    /** Skips the test when this process ignores SIGTERM: its children would too. */
    static void assumeSigtermIsNotIgnored() throws IOException {
        assumeTrue((signalsIgnored() & (1L << 14)) == 0, "skipped: SIGTERM is ignored in this environment");
    }

    private static long signalsIgnored() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("SigIgn:")) {
                return Long.parseUnsignedLong(line.substring("SigIgn:".length()).trim(), 16);
            }
        }
        return 0;
    }

    /**
     * Waits for the process to end; fails the test, naming {@code what} and killing the process
     * tree, when it does not end within {@link Await#PATIENCE_SECONDS}.
     */
    static int awaitExit(Process process, String what) throws InterruptedException {
        if (!process.waitFor(Await.PATIENCE_SECONDS, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            fail(what + ": the process was still running " + Await.PATIENCE_SECONDS + " s later, and was killed");
        }
        return process.exitValue();
    }

    /** stderr without the JVM's own warnings (JDK 24+ warns about jffi's sun.misc.Unsafe use). */
    static String ownLines(String stderr) {
        StringBuilder own = new StringBuilder();
        stderr.lines().filter(line -> !line.startsWith("WARNING:")).forEach(line -> own.append(line).append('\n'));
        return own.toString();
    }
}
