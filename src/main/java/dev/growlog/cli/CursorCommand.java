package dev.growlog.cli;

import dev.growlog.CursorInfo;
import dev.growlog.GrowLog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code growlog cursor}: lists, sets and deletes a log's durable cursors. */
@Command(name = "cursor",
        description = {
            "List, set or delete a log's durable cursors.",
            "A durable cursor is where a named consumer of the log resumes ('cat --cursor NAME --commit', or "
                    + "GrowLog.cursor(NAME) in a program). set and delete refuse a cursor that its consumer "
                    + "has open (exit code 4)."},
        subcommands = {CursorCommand.List.class, CursorCommand.Set.class, CursorCommand.Delete.class})
final class CursorCommand {
    @ParentCommand
    GrowlogCommand parent;

    /** {@code growlog cursor list LOG}. */
    @Command(name = "list", description = "Show every cursor: name, position, lag behind the end, last commit.")
    static final class List implements Callable<Integer> {
        @ParentCommand
        private CursorCommand cursor;

        @Parameters(index = "0", paramLabel = "LOG", description = "The log.")
        private Path log;

        @Override
        public Integer call() throws IOException {
            Context context = cursor.parent.context();
            java.util.List<CursorInfo> cursors;
            try (GrowLog growLog = LogFiles.openReadOnly(context.resolve(log))) {
                cursors = growLog.cursors();
            }
            print(context.out(), cursors);
            return ExitCodes.OK;
        }
    }

    /** {@code growlog cursor set LOG NAME POS}. */
    @Command(name = "set", description = "Set cursor NAME to POS (a record position, 'start' or 'end'), "
            + "creating it if absent.")
    static final class Set implements Callable<Integer> {
        @ParentCommand
        private CursorCommand cursor;

        @Parameters(index = "0", paramLabel = "LOG", description = "The log.")
        private Path log;

        @Parameters(index = "1", paramLabel = "NAME", description = "The cursor.")
        private String name;

        @Parameters(index = "2", paramLabel = "POS", description = "A record position, 'start' or 'end'.")
        private String position;

        @Override
        public Integer call() throws IOException {
            Context context = cursor.parent.context();
            try (GrowLog growLog = LogFiles.openReadOnly(context.resolve(log))) {
                long at = position(growLog, position);
                try {
                    growLog.setCursor(name, at);
                } catch (IllegalArgumentException e) {
                    throw new CliException(ExitCodes.USAGE, "cursor " + name + " at " + position + ": " + e.getMessage(), e);
                }
                context.out().println("cursor " + name + " set to position " + at);
            }
            return ExitCodes.OK;
        }
    }

    /** {@code growlog cursor delete LOG NAME}. */
    @Command(name = "delete", description = "Delete cursor NAME: it no longer holds records on disk.")
    static final class Delete implements Callable<Integer> {
        @ParentCommand
        private CursorCommand cursor;

        @Parameters(index = "0", paramLabel = "LOG", description = "The log.")
        private Path log;

        @Parameters(index = "1", paramLabel = "NAME", description = "The cursor.")
        private String name;

        @Override
        public Integer call() throws IOException {
            Context context = cursor.parent.context();
            boolean deleted;
            try (GrowLog growLog = LogFiles.openReadOnly(context.resolve(log))) {
                try {
                    deleted = growLog.deleteCursor(name);
                } catch (IllegalArgumentException e) {
                    throw new CliException(ExitCodes.USAGE, "cursor " + name + ": " + e.getMessage(), e);
                }
            }
            if (!deleted) {
                throw new CliException(ExitCodes.NOT_FOUND, "no cursor named '" + name + "'");
            }
            context.out().println("cursor " + name + " deleted");
            return ExitCodes.OK;
        }
    }

    /** A position the user gave: a number, {@code start} or {@code end}. */
    static long position(GrowLog log, String text) throws IOException {
        switch (text) {
            case "start":
                return log.startPosition();
            case "end":
                return log.endPosition();
            default:
                try {
                    return Long.parseLong(text);
                } catch (NumberFormatException e) {
                    throw new CliException(ExitCodes.USAGE, "not a position: '" + text
                            + "' (a record position, 'start' or 'end')", e);
                }
        }
    }

    /** One line per cursor, or a line saying there is none. */
    static void print(Output out, java.util.List<CursorInfo> cursors) throws StdoutClosedException {
        if (cursors.isEmpty()) {
            out.println("no cursors");
            return;
        }
        out.println(String.format(Locale.ROOT, "%-24s %20s %16s  %s", "cursor", "position", "lag", "last commit"));
        for (CursorInfo c : cursors) {
            out.println(String.format(Locale.ROOT, "%-24s %20d %16s  %s", c.name(), c.position(),
                    Units.size(c.lag()), c.lastCommit()));
        }
    }
}
