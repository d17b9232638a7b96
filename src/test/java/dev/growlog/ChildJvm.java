package dev.growlog;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A second JVM running a main class from the test classpath, talked to line by line. Every wait
 * is bounded; {@link #close()} kills the process (SIGKILL) if it is still running.
 */
public final class ChildJvm implements AutoCloseable {
    private static final String EOF = "\u0000EOF";

    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuilder stderr = new StringBuilder();

    private ChildJvm(Process process) {
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        pump(new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)), true);
        pump(new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)), false);
    }

    public static ChildJvm start(Class<?> main, String... args) throws IOException {
        return new ChildJvm(command(List.of(), main, args).start());
    }

    /** As {@link #start(Class, String...)}, with extra JVM options (a later -Xmx wins over the default). */
    public static ChildJvm start(List<String> jvmOptions, Class<?> main, String... args) throws IOException {
        return new ChildJvm(command(jvmOptions, main, args).start());
    }

    /**
     * Starts the child as a bare process, with extra JVM options; the caller reads its stdout,
     * its stderr goes to this JVM's.
     */
    static Process startProcess(List<String> jvmOptions, Class<?> main, String... args) throws IOException {
        return command(jvmOptions, main, args).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private static ProcessBuilder command(List<String> jvmOptions, Class<?> main, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Same native-access flags as this JVM (set by the build), so jnr-ffi loads without warnings.
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--enable-native-access") || arg.startsWith("--sun-misc-unsafe-memory-access")) {
                command.add(arg);
            }
        }
        command.addAll(List.of("-Xmx64m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }

    private void pump(BufferedReader reader, boolean out) {
        Thread pump = new Thread(() -> {
            try (reader) {
                for (String line; (line = reader.readLine()) != null; ) {
                    if (out) {
                        lines.add(line);
                    } else {
                        synchronized (stderr) {
                            stderr.append(line).append('\n');
                        }
                    }
                }
            } catch (IOException e) {
                // the process died; what it said so far is kept
            } finally {
                if (out) {
                    lines.add(EOF);
                }
            }
        }, "child " + (out ? "stdout" : "stderr"));
        pump.setDaemon(true);
        pump.start();
    }

    /** The next line the child printed; fails after {@code timeout} or when the child has ended. */
    public String nextLine(Duration timeout) throws InterruptedException {
        String line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (line == null || line.equals(EOF)) {
            throw new AssertionError((line == null ? "no line from the child within " + timeout
                    : "the child ended") + "; its stderr:\n" + stderr());
        }
        return line;
    }

    /**
     * The next line the child printed, or null when none came within {@code timeout}; fails when
     * the child has ended.
     */
    public String pollLine(Duration timeout) throws InterruptedException {
        String line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (line != null && line.equals(EOF)) {
            throw new AssertionError("the child ended; its stderr:\n" + stderr());
        }
        return line;
    }

    /** Lines up to and including the first one starting with {@code prefix}. */
    public List<String> linesUntil(String prefix, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> seen = new ArrayList<>();
        while (true) {
            String line = nextLine(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            seen.add(line);
            if (line.startsWith(prefix)) {
                return seen;
            }
        }
    }

    public void send(String line) {
        try {
            stdin.write(line + "\n");
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("the child no longer reads; its stderr:\n" + stderr(), e);
        }
    }

    /** SIGKILL, then waits for the process to be gone (its locks released). */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the child survived SIGKILL for 30 s");
        }
    }

    public int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the child did not exit within " + timeout + "; its stderr:\n" + stderr());
        }
        return process.exitValue();
    }

    public String stderr() {
        synchronized (stderr) {
            return stderr.toString();
        }
    }

    /** Kills the process if it still runs; does not wait long for it (an interrupt stops the wait). */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
