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
             LogReader reader = Readers.at(growLog, from)) {
            for (long printed = 0; printed < limit && !context.stopRequested() && reader.next(); printed++) {
                printer.print(reader);
            }
        }
        return context.stopRequested() ? ExitCodes.INTERRUPTED : ExitCodes.OK;
    }
}
