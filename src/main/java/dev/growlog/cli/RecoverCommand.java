package dev.growlog.cli;

import dev.growlog.GrowLog;
import dev.growlog.RecoveryReport;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code growlog recover}: runs recovery explicitly and reports what it kept and dropped. */
@Command(name = "recover",
        description = {
            "Recover a log explicitly and report what was kept and dropped.",
            "Recovers a log now: open it for writing, which scans from the checkpoint, cuts a torn tail left by "
                    + "a crash, and marks the shutdown clean. Prints what was kept and dropped; never silent.",
            "Damage before the checkpoint is not repaired: verify reports it. --truncate-corrupt and "
                    + "--skip-corrupt will repair it; this version does not support them (exit code 8).",
            "Needs the writer's lock: fails with exit code 4 while another process writes the log."})
final class RecoverCommand implements Callable<Integer> {
    /** What to do about damage before the checkpoint. */
    enum Repair {
        /** Leave it; only cut a torn tail. */
        NONE,
        /** Cut the log at the first damaged record. */
        TRUNCATE_CORRUPT,
        /** Keep the records after damage, skipping the damaged ones. */
        SKIP_CORRUPT
    }

    @ParentCommand
    private GrowlogCommand parent;

    @ArgGroup(exclusive = true)
    private RepairOption repairOption;

    @Parameters(index = "0", paramLabel = "LOG", description = "The log file.")
    private Path log;

    static final class RepairOption {
        @Option(names = "--truncate-corrupt", required = true,
                description = "Cut the log at the first damaged record (not supported by this version).")
        boolean truncate;

        @Option(names = "--skip-corrupt", required = true,
                description = "Skip damaged records, keeping the rest (not supported by this version).")
        boolean skip;
    }

    @Override
    public Integer call() throws IOException {
        Context context = parent.context();
        Path file = context.resolve(log);
        Repair repair = repairOption == null ? Repair.NONE
                : repairOption.truncate ? Repair.TRUNCATE_CORRUPT : Repair.SKIP_CORRUPT;
        RecoveryReport report = recover(file, repair);
        Output out = context.out();
        out.println("recovered " + file + ": " + report.summary());
        if (report.tailCut()) {
            out.println("dropped: the torn tail from position " + report.endPosition() + ", because "
                    + report.reason());
        } else {
            out.println("dropped: no records");
        }
        if (report.droppedBytes() > 0) {
            out.println("zeroed: " + report.droppedBytes() + " bytes after the end position, so that no stale "
                    + "bytes can be read as records later");
        }
        return ExitCodes.OK;
    }

    /**
     * Opens the log for writing, which recovers it, and closes it cleanly. The repair modes
     * become one library call here once the library offers them.
     */
    private static RecoveryReport recover(Path file, Repair repair) throws IOException {
        LogFiles.requireFile(file);
        if (repair != Repair.NONE) {
            throw new CliException(ExitCodes.UNSUPPORTED, "--" + repair.name().toLowerCase(Locale.ROOT)
                    .replace('_', '-') + " is not supported by this version of growlog: the library cannot yet "
                    + "repair damage before the checkpoint (run 'growlog verify' to see where it is)");
        }
        try (GrowLog log = LogFiles.openExistingForWriting(file)) {
            return log.recoveryReport();
        }
    }
}
