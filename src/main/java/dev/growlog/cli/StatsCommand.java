package dev.growlog.cli;

import dev.growlog.CursorInfo;
import dev.growlog.GrowLog;
import dev.growlog.GrowLogStats;
import dev.growlog.RecoveryReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code growlog stats}: what the header and a read-only open say about a log. */
@Command(name = "stats",
        description = {
            "Show sizes, positions, counts, checkpoint and recovery of a log.",
            "Shows a log's sizes, positions, record count and checkpoint, and what a read-only recovery scan "
                    + "found. Changes nothing; a writer may be appending meanwhile.",
            "Growths and moves are counted per open: they show what this read-only open did to follow the "
                    + "file, not the writer's history (the file does not keep it)."})
final class StatsCommand implements Callable<Integer> {
    @ParentCommand
    private GrowlogCommand parent;

    @Parameters(index = "0", paramLabel = "LOG", description = "The log (its directory).")
    private Path log;

    @Override
    public Integer call() throws IOException {
        Context context = parent.context();
        Path file = context.resolve(log);
        GrowLogStats s;
        RecoveryReport recovery;
        int maxPayload;
        List<CursorInfo> cursors;
        try (GrowLog growLog = LogFiles.openReadOnly(file)) {
            s = growLog.stats();
            recovery = growLog.recoveryReport();
            maxPayload = growLog.maxPayload();
            cursors = growLog.cursors();
        }
        Output out = context.out();
        row(out, "log", file.toString());
        row(out, "records", Long.toString(s.records()));
        row(out, "payload bytes", s.payloadBytes() + " (" + Units.size(s.payloadBytes()) + ")");
        row(out, "start position", Long.toString(s.startPosition()));
        row(out, "end position", Long.toString(s.endPosition()));
        row(out, "checkpoint", recovery.checkpoint() + " (every record before it was durable)");
        row(out, "clean shutdown", recovery.cleanShutdown() ? "yes" : "no (a writer has it open, or crashed)");
        row(out, "files", s.files() + " of " + s.rollSize() + " positions (" + Units.size(s.rollSize()) + ") each");
        row(out, "bytes on disk", s.diskBytes() + " (" + Units.size(s.diskBytes()) + ")");
        row(out, "file size", s.fileSize() + " (" + Units.size(s.fileSize()) + ", the current file)");
        row(out, "mapped size", s.mappedSize() + " (" + Units.size(s.mappedSize()) + ")");
        row(out, "segment size", s.segmentSize() + " (" + Units.size(s.segmentSize()) + ")");
        row(out, "largest record", maxPayload + " bytes");
        row(out, "headroom", s.headroom() + " (" + Units.size(s.headroom()) + " of address space)");
        row(out, "growths", s.growths() + " (" + s.inPlaceGrowths() + " in place, " + Units.count(s.moves(), "move")
                + "; this open only)");
        row(out, "generation", Long.toString(s.generation()));
        row(out, "recovery", recovery.summary());
        out.println("");
        CursorCommand.print(out, cursors);
        return ExitCodes.OK;
    }

    private static void row(Output out, String name, String value) throws StdoutClosedException {
        out.println(String.format(Locale.ROOT, "%-16s%s", name, value));
    }
}
