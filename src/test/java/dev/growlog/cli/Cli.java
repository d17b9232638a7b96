package dev.growlog.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

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
        return new Context(new ByteArrayInputStream(stdin), out, new PrintWriter(err, true), workDir, env, terminal);
    }

    Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        int code = GrowlogCommand.commandLine(context(out, err)).execute(args);
        return new Result(code, out.toByteArray(), err.toString());
    }
}
