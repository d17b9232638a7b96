package dev.growlog.cli;

import dev.growlog.Damage;
import dev.growlog.GrowLog;
import dev.growlog.RepairMode;
import dev.growlog.RepairReport;
import dev.growlog.RecoveryReport;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code growlog recover}: runs recovery explicitly and reports what it kept and dropped. */
@Command(name = "recover",
        description = {
            "Recover a log explicitly and report what was kept and dropped.",
            "Recovers a log now: open it for writing, which scans from the checkpoint, cuts a torn tail left by "
                    + "a crash, and marks the shutdown clean. Prints what was kept and dropped; never silent.",
            "Without an option, damage before the checkpoint is left in place (verify reports it). With one, "
                    + "every file of the log is checked and damage anywhere is repaired: --truncate-corrupt cuts the "
                    + "log at the first damaged record, dropping everything after it (the files after the one that "
                    + "holds it are deleted); --skip-corrupt marks damaged ranges skipped and keeps every valid "
                    + "record after them. A file cut short or missing between two others is damage too.",
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

    @Parameters(index = "0", paramLabel = "LOG", description = "The log (its directory).")
    private Path log;

    static final class RepairOption {
        @Option(names = "--truncate-corrupt", required = true,
                description = "Cut the log at the first damaged record, dropping everything after it.")
        boolean truncate;

        @Option(names = "--skip-corrupt", required = true,
                description = "Mark damaged ranges skipped, keeping every valid record after them.")
        boolean skip;
    }

    @Override
    public Integer call() throws IOException {
        Context context = parent.context();
        Path file = context.resolve(log);
        Repair repair = repairOption == null ? Repair.NONE
                : repairOption.truncate ? Repair.TRUNCATE_CORRUPT : Repair.SKIP_CORRUPT;
        LogFiles.requireLog(file);
        Output out = context.out();
        if (repair != Repair.NONE) {
            RepairReport report = GrowLog.repair(file, repair == Repair.TRUNCATE_CORRUPT
                    ? RepairMode.TRUNCATE : RepairMode.SKIP);
            out.println("repaired " + file + ": " + report.summary());
            for (Damage damage : report.damage()) {
                out.println((report.mode() == RepairMode.SKIP && damage.position() < report.endAfter()
                        ? "skipped: " : "dropped: ") + damage);
            }
            if (report.recordsDropped() > 0) {
                out.println("dropped: " + Units.count(report.recordsDropped(), "valid record") + " after position "
                        + report.endAfter());
            }
            return ExitCodes.OK;
        }
        RecoveryReport report;
        try (GrowLog growLog = LogFiles.openExistingForWriting(file)) {
            report = growLog.recoveryReport();
        }
        out.println("recovered " + file + ": " + report.summary());
        if (report.tailCut()) {
            out.println("dropped: the torn tail from position " + report.endPosition() + ", because "
                    + report.reason());
        } else {
            out.println("dropped: no records");
        }
        if (report.zeroedBytes() > 0) {
            out.println("cleared: " + report.zeroedBytes() + " bytes after the end position (unclean shutdown),"
                    + " so that no stale bytes can be read as records later");
        }
        out.println("damage before the checkpoint is not scanned here: 'growlog verify' finds it and"
                + " --truncate-corrupt or --skip-corrupt repairs it");
        return ExitCodes.OK;
    }
}
