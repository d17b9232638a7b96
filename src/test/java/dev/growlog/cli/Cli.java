package dev.growlog.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.fail;

/** Runs the growlog command in this JVM with captured streams. */
final class Cli {
    /** What a run printed and returned. */
    record Result(int exitCode, byte[] stdout, String stderr) {
        String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out() + "--- stderr\n" + stderr;
        }
    }

    private final Path workDir;
    private byte[] stdin = new byte[0];
    /** Standard input as a stream, instead of {@link #stdin}'s bytes; null: use the bytes. */
    private InputStream stdinStream;
    private Map<String, String> env = Map.of();
    private boolean terminal;

    private Cli(Path workDir) {
        this.workDir = workDir;
    }

    /** A runner whose working directory is {@code workDir}. */
    static Cli in(Path workDir) {
        return new Cli(workDir);
    }

    Cli stdin(byte[] bytes) {
        this.stdin = bytes.clone();
        return this;
    }

    /** Standard input from a stream, such as one that blocks like a quiet pipe. */
    Cli stdin(InputStream in) {
        this.stdinStream = in;
        return this;
    }

    Cli stdin(String text) {
        return stdin(text.getBytes(StandardCharsets.UTF_8));
    }

    Cli env(Map<String, String> variables) {
        this.env = variables;
        return this;
    }

    /** Pretends stdout is a terminal, so that progress bars are drawn. */
    Cli terminal() {
        this.terminal = true;
        return this;
    }

    /** A context on captured streams, for tests that drive the command themselves. */
    Context context(ByteArrayOutputStream out, StringWriter err) {
        InputStream in = stdinStream != null ? stdinStream : new ByteArrayInputStream(stdin);
        return new Context(in, out, new PrintWriter(err, true), workDir, env, terminal);
    }

    /** A run on its own thread, for tests that stop it (as a signal would) or feed it while it runs. */
    record Running(Context context, CompletableFuture<Integer> exitCode, ByteArrayOutputStream out,
                   StringWriter err) {
        /** Waits for the run to end; fails the test when it is still running after the patience. */
        Result await() throws InterruptedException, ExecutionException {
            try {
                int code = exitCode.get(Await.PATIENCE_SECONDS, TimeUnit.SECONDS);
                return new Result(code, out.toByteArray(), err.toString());
            } catch (TimeoutException e) {
                return fail("the command was still running " + Await.PATIENCE_SECONDS + " s later; printed so far:\n"
                        + out.toString(StandardCharsets.UTF_8) + "--- stderr\n" + err);
            }
        }
    }

    Running start(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        Context context = context(out, err);
        CompletableFuture<Integer> exitCode = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                exitCode.complete(GrowlogCommand.commandLine(context).execute(args));
            } catch (Throwable t) {
                exitCode.completeExceptionally(t);
            }
        }, "growlog-under-test");
        thread.setDaemon(true);
        thread.start();
        return new Running(context, exitCode, out, err);
    }

    Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        int code = GrowlogCommand.commandLine(context(out, err)).execute(args);
        return new Result(code, out.toByteArray(), err.toString());
    }
}
