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

/** {@code growlog cat}: prints records with their positions. */
@Command(name = "cat",
        description = {
            "Print records with their positions, as text, JSON or raw bytes.",
            "Prints from the first record (or --from POS) to the end the log has now.",
            "Formats: text = POSITION<TAB>payload; json = one object per line with position, length, encoding "
                    + "(utf-8, or base64 when the payload is not valid UTF-8) and payload; raw = the payload "
                    + "bytes alone, one per line, as ingest read them.",
            "Opens the log read-only: a writer may be appending meanwhile. Every record is checked against its "
                    + "CRC32C; at a damaged record cat stops with exit code 1, naming its position.",
            "When stdout's reader goes away (cat LOG | head), cat stops at the first failed write, quietly."})
final class CatCommand implements Callable<Integer> {
    @ParentCommand
    private GrowlogCommand parent;

    @Option(names = "--from", paramLabel = "POS", description = "Position of the first record to print.")
    private Long from;

    @Option(names = "--cursor", paramLabel = "NAME",
            description = "Start at the durable cursor NAME instead (see 'growlog cursor').")
    private String cursorName;

    @Option(names = "--commit",
            description = "With --cursor: own the cursor for the run and commit it past the records printed, "
                    + "once they are written to stdout (at least once: records printed after the last commit "
                    + "are printed again by the next run).")
    private boolean commit;

    @Option(names = "--count", paramLabel = "N", description = "Print at most N records.")
    private Long count;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "text, json or raw (default: ${DEFAULT-VALUE}).")
    private RecordPrinter.Format format;

    @Parameters(index = "0", paramLabel = "LOG", description = "The log (its directory).")
    private Path log;

    @Override
    public Integer call() throws IOException {
        if (count != null && count < 0) {
            throw new CliException(ExitCodes.USAGE, "--count must not be negative: " + count);
        }
        Context context = parent.context();
        RecordPrinter printer = new RecordPrinter(context.out(), format);
        long limit = count == null ? Long.MAX_VALUE : count;
        try (GrowLog growLog = LogFiles.openReadOnly(context.resolve(log));
             CursorStart cursor = CursorStart.of(growLog, cursorName, commit, from);
             LogReader reader = Readers.at(growLog, cursor == null ? from : Long.valueOf(cursor.position()))) {
            for (long printed = 0; printed < limit && !context.stopRequested() && reader.next(); printed++) {
                printer.print(reader);
            }
            if (cursor != null) {
                cursor.commit(context.out(), reader.nextPosition());
            }
        }
        return context.stopRequested() ? ExitCodes.INTERRUPTED : ExitCodes.OK;
    }
}
