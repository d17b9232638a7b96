package dev.growlog.cli;

import java.io.Console;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What a command sees of its process: standard streams, working directory, environment, whether
 * stdout is a terminal, and a stop request (SIGINT or SIGTERM, see {@link StopOnSignal}). Tests
 * build their own; {@link #system()} is the real one.
 */
final class Context {
    /** Environment variable naming the default log of {@code ingest} and {@code append}. */
    static final String LOG_ENV = "GROWLOG_LOG";
    /** Default log, relative to the working directory, when {@link #LOG_ENV} is not set. */
    static final String DEFAULT_LOG = "target/growlog-data/ingest.glog";

    private final InputStream in;
    private final Output out;
    private final OutputStream rawOut;
    private final PrintWriter err;
    private final Path workDir;
    private final Map<String, String> env;
    private final boolean terminal;
    /** Open (count 0) once a stop was requested; commands check it at each record or wait on it. */
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    /** Run once by the first stop request: they wake what waits for input. */
    private final List<Runnable> onStop = new CopyOnWriteArrayList<>();

    Context(InputStream in, OutputStream out, PrintWriter err, Path workDir, Map<String, String> env,
            boolean terminal) {
        this.in = Objects.requireNonNull(in, "in");
        this.rawOut = Objects.requireNonNull(out, "out");
        this.out = new Output(out);
        this.err = Objects.requireNonNull(err, "err");
        this.workDir = Objects.requireNonNull(workDir, "workDir");
        this.env = Map.copyOf(env);
        this.terminal = terminal;
    }

    /**
     * The process's own streams, working directory and environment. Stdout is the file
     * descriptor itself, not {@code System.out}: a {@code PrintStream} swallows write errors, so a
     * reader that went away (EPIPE) would go unnoticed and every later record would be written
     * in vain.
     */
    static Context system() {
        return new Context(System.in, new FileOutputStream(FileDescriptor.out),
                new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true),
                Path.of(""), System.getenv(), stdoutIsTerminal());
    }

    InputStream in() {
        return in;
    }

    Output out() {
        return out;
    }

    /** The unbuffered stream under {@link #out()}, for picocli's help and version text. */
    OutputStream rawOut() {
        return rawOut;
    }

    PrintWriter err() {
        return err;
    }

    /** A path given by the user, resolved against the working directory. */
    Path resolve(Path path) {
        return workDir.resolve(path).toAbsolutePath().normalize();
    }

    Path workDir() {
        return workDir;
    }

    /** The log that {@code ingest} and {@code append} write when no {@code --log} is given. */
    Path defaultLog() {
        String fromEnv = env.get(LOG_ENV);
        return resolve(Path.of(fromEnv == null || fromEnv.isBlank() ? DEFAULT_LOG : fromEnv));
    }

    /** True when stdout is a terminal: progress bars are drawn only then. */
    boolean terminal() {
        return terminal;
    }

    /** Asks the running command to stop: it finishes the record in hand, closes its log and reports. */
    void requestStop() {
        if (stopRequested.getCount() == 0) {
            return;
        }
        stopRequested.countDown();
        for (Runnable action : onStop) {
            action.run();
        }
    }

    boolean stopRequested() {
        return stopRequested.getCount() == 0;
    }

    /** Waits up to {@code millis} for a stop request; true when one came. */
    boolean awaitStop(long millis) throws InterruptedException {
        return stopRequested.await(millis, TimeUnit.MILLISECONDS);
    }

    /**
     * Runs {@code action} on the thread that requests a stop, or at once if one was requested
     * already. It must not block (it runs in the shutdown hook) and must be idempotent: a
     * registration racing the request may run it twice.
     */
    void onStop(Runnable action) {
        onStop.add(action);
        if (stopRequested()) {
            action.run();
        }
    }

    /**
     * JDK 17 returns a console only when stdin and stdout are terminals; JDK 22 added
     * {@code Console.isTerminal()} because its console may exist without one.
     */
    private static boolean stdoutIsTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }
}
