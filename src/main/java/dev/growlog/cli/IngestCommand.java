package dev.growlog.cli;

import dev.growlog.GrowLog;
import dev.growlog.GrowLogStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** {@code growlog ingest}: appends log lines from files or stdin, one record per line (or event). */
@Command(name = "ingest",
        description = {
            "Append log lines from files or stdin to a log, one record per line.",
            "A record is the line's bytes without its LF (a CR before it is kept), so lines read back byte for "
                    + "byte. With --multiline-start, a line matching REGEX starts a record and the lines up to "
                    + "the next match are joined to it with LF (stack traces stay with their message).",
            "With no FILE, ingests the samples under ./testdata (all files except README.md, LICENSE and "
                    + "testdata/fixtures/).",
            "Without --log, writes $" + Context.LOG_ENV + ", or else " + Context.DEFAULT_LOG
                    + " under the working directory; the log and its directory are created if absent, "
                    + "and records are appended to what the log already holds.",
            "Ctrl-C (SIGINT) or SIGTERM stops reading: the whole lines already read are appended (a line cut off "
                    + "is not, and stderr says so), the log is closed and the summary printed; exit code 130 or 143."})
final class IngestCommand implements Callable<Integer> {
    @ParentCommand
    private GrowlogCommand parent;

    @Parameters(paramLabel = "FILE", arity = "0..*", description = "Files to ingest; - reads stdin.")
    private List<String> files = new ArrayList<>();

    @Mixin
    private RetentionOptions retention;

    @Option(names = "--log", paramLabel = "PATH", description = "Log to append to (created if absent).")
    private Path log;

    @Option(names = "--multiline-start", paramLabel = "REGEX",
            description = "A line in which REGEX is found starts a new record; other lines continue the "
                    + "current one. Anchor it with ^, e.g. '^\\['.")
    private Pattern multilineStart;

    @Override
    public Integer call() throws IOException {
        Context context = parent.context();
        List<Input> inputs = inputs(context);
        Path logFile = log == null ? context.defaultLog() : context.resolve(log);
        refuseTheLogAsInput(inputs, logFile);
        for (Input input : inputs) {
            if (input.file != null) {
                LogFiles.requireFile(input.file);
            }
        }
        try (GrowLog growLog = LogFiles.openForWriting(logFile, retention.config())) {
            Progress progress = Progress.bytes(context, "ingest", totalSize(inputs));
            long start = System.nanoTime();
            Appended total = new Appended();
            List<String> perInput = new ArrayList<>();
            RuntimeException failure = null;
            RecordSplitter cut = null;
            for (Input input : inputs) {
                if (context.stopRequested()) {
                    break;
                }
                Appended appended = new Appended();
                try (InputStream in = input.open(context)) {
                    RecordSplitter splitter = new RecordSplitter(in, multilineStart, growLog.maxPayload(), input.name);
                    appended.appendAll(growLog, splitter, progress, total);
                    cut = splitter.incompleteLine() > 0 ? splitter : null;
                } catch (StdoutClosedException e) {
                    throw e;
                } catch (CliException | IOException e) {
                    failure = Appended.inputFailure(e);
                }
                perInput.add(String.format(Locale.ROOT, "  %10d %-7s %12d %-5s  %s", appended.records,
                        Units.noun(appended.records, "record"), appended.bytes, Units.noun(appended.bytes, "byte"),
                        input.name));
                if (failure != null || cut != null) {
                    break;
                }
            }
            long nanos = System.nanoTime() - start;
            progress.finish();
            try {
                summary(context.out(), perInput, total, nanos, logFile, growLog);
            } catch (IOException | RuntimeException e) {
                if (failure == null) {
                    throw e;
                }
                failure.addSuppressed(e);
            }
            if (cut != null) {
                context.err().println("growlog: " + Appended.cutOff("line " + cut.incompleteLine() + " of "
                        + cut.source(), cut.incompleteBytes()));
            }
            if (failure != null) {
                throw failure;
            }
        }
        return context.stopRequested() ? ExitCodes.INTERRUPTED : ExitCodes.OK;
    }

    /** Prints what was ingested, whether the run ended, was stopped, or failed on an input. */
    private static void summary(Output out, List<String> perInput, Appended total, long nanos, Path logFile,
                                GrowLog growLog) throws IOException {
        GrowLogStats stats = growLog.stats();
        for (String line : perInput) {
            out.println(line);
        }
        out.println("ingested " + total.counts() + " (" + Units.size(total.bytes) + ") from "
                + Units.count(perInput.size(), "input") + " in " + Units.seconds(nanos) + ": "
                + Units.rate(total.records, nanos, "records") + ", " + Units.byteRate(total.bytes, nanos));
        out.println("log " + logFile + ": " + Units.count(stats.records(), "record") + ", end position "
                + stats.endPosition() + ", " + Units.count(stats.files(), "file") + " ("
                + Units.size(stats.diskBytes()) + " on disk), " + growths(stats));
    }

    static String growths(GrowLogStats stats) {
        return Units.count(stats.growths(), "growth") + " (" + stats.inPlaceGrowths() + " in place, "
                + Units.count(stats.moves(), "move") + ")";
    }

    /**
     * Refuses an input that is the log itself, under any name (a symbolic or hard link too):
     * the log would grow while it is read, and its own bytes would be stored as lines.
     */
    private static void refuseTheLogAsInput(List<Input> inputs, Path logFile) throws IOException {
        if (!Files.exists(logFile)) {
            return;
        }
        for (Input input : inputs) {
            if (input.file != null && (Files.isSameFile(input.file, logFile)
                    || input.file.toRealPath().startsWith(logFile.toRealPath()))) {
                throw new CliException(ExitCodes.USAGE, input.name + " is the log being written (" + logFile
                        + "): a log cannot ingest itself");
            }
        }
    }

    /** The inputs, all checked to exist before the log is opened. */
    private List<Input> inputs(Context context) throws IOException {
        List<Input> inputs = new ArrayList<>();
        if (files.isEmpty()) {
            for (Path sample : bundledSamples(context)) {
                inputs.add(new Input(context.workDir().resolve(sample), sample.toString()));
            }
            return inputs;
        }
        boolean stdin = false;
        for (String name : files) {
            if ("-".equals(name)) {
                if (stdin) {
                    throw new CliException(ExitCodes.USAGE, "stdin (-) can be read only once");
                }
                stdin = true;
                inputs.add(new Input(null, "<stdin>"));
            } else {
                Path file = context.resolve(Path.of(name));
                LogFiles.requireLog(file); // exists; a directory is refused after the check that it is not the log
                inputs.add(new Input(file, name));
            }
        }
        return inputs;
    }

    /** Every file under ./testdata except README.md, LICENSE and fixtures/, sorted; relative paths. */
    static List<Path> bundledSamples(Context context) throws IOException {
        Path dir = context.workDir().resolve("testdata");
        if (!Files.isDirectory(dir)) {
            throw new CliException(ExitCodes.NOT_FOUND, "no FILE given and no testdata/ directory in "
                    + context.resolve(Path.of("")) + ": run it in a growlog checkout, or name files (- for stdin)");
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile)
                    .map(file -> context.workDir().relativize(file))
                    .filter(IngestCommand::isSample)
                    .sorted()
                    .toList();
        }
    }

    private static boolean isSample(Path relative) {
        String name = relative.getFileName().toString();
        boolean fixture = relative.getNameCount() > 2 && relative.getName(1).toString().equals("fixtures");
        return !fixture && !name.equals("README.md") && !name.equals("LICENSE") && !name.startsWith(".");
    }

    private static long totalSize(List<Input> inputs) throws IOException {
        long total = 0;
        for (Input input : inputs) {
            if (input.file == null) {
                return -1;
            }
            total += Files.size(input.file);
        }
        return total;
    }

    /** A file, or stdin when {@code file} is null; either ends at a stop request. */
    private record Input(Path file, String name) {
        InputStream open(Context context) throws IOException {
            return file == null ? StoppableInput.stdin(context)
                    : StoppableInput.of(Files.newInputStream(file), context);
        }
    }
}
