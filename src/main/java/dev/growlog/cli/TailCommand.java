package dev.growlog.cli;

import dev.growlog.GrowLog;
import dev.growlog.LogReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code growlog tail}: the last records, and with {@code -f} every record appended after them. */
@Command(name = "tail",
        description = {
            "Print the last records and, with -f, follow a log as it grows.",
            "Prints the last records of a log (or those from --from POS) and, with -f, keep printing records as "
                    + "another process appends them, like tail -f. Ctrl-C (or SIGTERM) stops it: output is flushed "
                    + "and the log closed (exit code 130, or 143).",
            "When stdout's reader goes away (tail -f LOG | head), tail stops quietly at its next write: "
                    + "the next record that arrives. While no record arrives it writes nothing, and a pipe "
                    + "tells a writer only when it writes.",
            "Opens the log read-only and follows its growth; formats as for cat."})
final class TailCommand implements Callable<Integer> {
    @ParentCommand
    private GrowlogCommand parent;

    @Option(names = {"-f", "--follow"}, description = "Keep following the log until interrupted.")
    private boolean follow;

    @Option(names = {"-n", "--records"}, paramLabel = "N", defaultValue = "10",
            description = "Start with the last N records (default: ${DEFAULT-VALUE}); ignored with --from or "
                    + "--cursor.")
    private long last;

    @Option(names = "--from", paramLabel = "POS", description = "Start at this record position instead.")
    private Long from;

    @Option(names = "--cursor", paramLabel = "NAME",
            description = "Start at the durable cursor NAME instead (see 'growlog cursor').")
    private String cursorName;

    @Option(names = "--commit",
            description = "With --cursor: own the cursor for the run and commit it past the records printed, "
                    + "whenever it has caught up and before it exits, once they are written to stdout (at least once: records printed after the last commit "
                    + "are printed again by the next run).")
    private boolean commit;

    @Option(names = "--poll-ms", paramLabel = "MS", defaultValue = "100",
            description = "With -f, how long to wait before looking again when no record is new "
                    + "(default: ${DEFAULT-VALUE}).")
    private long pollMillis;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "text, json or raw (default: ${DEFAULT-VALUE}).")
    private RecordPrinter.Format format;

    @Parameters(index = "0", paramLabel = "LOG", description = "The log (its directory).")
    private Path log;

    @Override
    public Integer call() throws IOException {
        if (last < 0) {
            throw new CliException(ExitCodes.USAGE, "-n must not be negative: " + last);
        }
        if (pollMillis < 1 || pollMillis > 60_000) {
            throw new CliException(ExitCodes.USAGE, "--poll-ms must be from 1 to 60000: " + pollMillis);
        }
        Context context = parent.context();
        try (GrowLog growLog = LogFiles.openReadOnly(context.resolve(log));
             CursorStart cursor = CursorStart.of(growLog, cursorName, commit, from);
             LogReader reader = cursor != null ? Readers.at(growLog, cursor.position())
                     : from != null ? Readers.at(growLog, from) : lastRecords(growLog, last)) {
            RecordPrinter printer = new RecordPrinter(context.out(), format);
            while (!context.stopRequested() && (follow ? awaitNext(reader, context, cursor) : reader.next())) {
                printer.print(reader);
            }
            if (cursor != null) {
                cursor.commit(context.out(), reader.nextPosition());
            }
        }
        return context.stopRequested() ? ExitCodes.INTERRUPTED : ExitCodes.OK;
    }

    /**
     * Waits until the reader has a next record: polls, flushing what was printed before each
     * wait, so a reader that went away is noticed at the first record after it left. False once a
     * stop was requested, which ends the wait at once. The only place that polls, so that the
     * library's tailer can replace it.
     */
    private boolean awaitNext(LogReader reader, Context context, CursorStart cursor) throws IOException {
        while (!context.stopRequested()) {
            if (reader.next()) {
                return true;
            }
            context.out().flush();
            if (cursor != null) {
                cursor.commit(context.out(), reader.nextPosition()); // caught up: commit what was printed
            }
            try {
                if (context.awaitStop(pollMillis)) {
                    return false;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /** A reader at the last {@code n} records: skips the others, as counted by the log's stats. */
    private static LogReader lastRecords(GrowLog log, long n) throws IOException {
        long skip = log.stats().records() - n;
        if (skip <= 0) {
            return log.reader(log.startPosition());
        }
        try (LogReader scan = log.reader(log.startPosition())) {
            for (long i = 0; i < skip && scan.next(); i++) {
                // skip
            }
            return log.reader(scan.nextPosition());
        }
    }
}
