package dev.growlog.cli;

import dev.growlog.GrowLog;
import dev.growlog.GrowLogStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code growlog truncate}: drops every record before a position and deletes whole files. */
@Command(name = "truncate",
        description = {
            "Drop every record before a position, deleting the data files wholly before it.",
            "The new start is durable when the command returns: a crash never brings the dropped records "
                    + "back. The writer's current file is never deleted. Needs the log's writer lock (exit code 4 "
                    + "while another process writes it)."})
final class TruncateCommand implements Callable<Integer> {
    @ParentCommand
    private GrowlogCommand parent;

    @Option(names = "--before", paramLabel = "POS", required = true,
            description = "The new first record: a record position, or 'end' to drop every record.")
    private String before;

    @Parameters(index = "0", paramLabel = "LOG", description = "The log.")
    private Path log;

    @Override
    public Integer call() throws IOException {
        Context context = parent.context();
        try (GrowLog growLog = LogFiles.openExistingForWriting(context.resolve(log))) {
            long position = CursorCommand.position(growLog, before);
            GrowLogStats was = growLog.stats();
            try {
                growLog.truncateBefore(position);
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCodes.USAGE, "--before " + before + ": " + e.getMessage(), e);
            }
            GrowLogStats now = growLog.stats();
            context.out().println("start position " + now.startPosition() + " (was " + was.startPosition() + "); "
                    + Units.count(was.files() - now.files(), "file") + " deleted, "
                    + Units.size(Math.max(0, was.diskBytes() - now.diskBytes())) + " given back");
        }
        return ExitCodes.OK;
    }
}
