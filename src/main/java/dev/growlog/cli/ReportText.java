package dev.growlog.cli;

import dev.growlog.RecoveryReport;
import dev.growlog.RepairMode;
import dev.growlog.RepairReport;

/** The one-line summaries of recovery and repair reports that {@code recover} and {@code stats} print. */
final class ReportText {
    private ReportText() {
    }

    /** What recovery kept and dropped. */
    static String recovery(RecoveryReport r) {
        StringBuilder s = new StringBuilder();
        s.append(r.cleanShutdown() ? "clean shutdown" : "unclean shutdown")
                .append("; scanned from ").append(r.scannedFrom())
                .append(r.scannedFrom() == r.checkpoint() ? " (checkpoint)" : " (checkpoint " + r.checkpoint()
                        + " unusable)")
                .append(", kept ").append(Units.count(r.recordsScanned(), "record"))
                .append(" after it, end ").append(r.endPosition());
        if (r.tailCut()) {
            s.append("; cut the tail at ").append(r.endPosition()).append(": ").append(r.reason());
        } else {
            s.append("; nothing dropped");
        }
        if (!r.damage().isEmpty()) {
            s.append("; ").append(Units.count(r.damage().size(), "damaged range"))
                    .append(" left in place, the first at ").append(r.damage().get(0).position())
                    .append(" (see verify and repair)");
        }
        return s.toString();
    }

    /** What a repair kept, skipped and dropped. */
    static String repair(RepairReport r) {
        String kept = "kept " + Units.count(r.recordsKept(), "record");
        if (r.damage().isEmpty()) {
            return "no damage found; " + kept + ", end " + r.endAfter();
        }
        String ranges = Units.count(r.damage().size(), "damaged range");
        return r.mode() == RepairMode.TRUNCATE
                ? "cut the log at " + r.endAfter() + " (first damage): " + kept + ", dropped "
                        + Units.count(r.recordsDropped(), "valid record") + " after it; " + ranges
                : "skipped " + ranges + ", " + kept + ", end " + r.endAfter();
    }
}
