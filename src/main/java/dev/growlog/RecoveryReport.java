package dev.growlog;

import java.util.List;

/**
 * What recovery found when the log was opened.
 *
 * @param cleanShutdown  the previous writer closed the log cleanly
 * @param checkpoint     the checkpoint in the header (every record before it was durable)
 * @param scannedFrom    where the scan started: the checkpoint, or the first record when the
 *                       checkpoint was damaged or implausible
 * @param recordsScanned valid records found after {@code scannedFrom}
 * @param endPosition    position after the last valid record: where appends continue
 * @param tailCut        true when a torn or invalid tail after {@code endPosition} was dropped
 * @param reason         why the scan stopped before the end of the file, or null
 * @param zeroedBytes    bytes after {@code endPosition} cleared after an unclean shutdown, so
 *                       that stale bytes are never read as records: mostly space never
 *                       written, not lost data (0 after a clean shutdown, and always 0 for a
 *                       read-only open, which changes nothing)
 * @param damage         damaged ranges found before {@code endPosition} and left in place:
 *                       only when the checkpoint was unusable, so that recovery could not tell
 *                       durable records from torn ones and kept every valid record; reading
 *                       them throws {@link dev.growlog.error.CorruptLogException}, and
 *                       {@link GrowLog#repair} skips or cuts them
 */
public record RecoveryReport(boolean cleanShutdown, long checkpoint, long scannedFrom, long recordsScanned,
                             long endPosition, boolean tailCut, String reason, long zeroedBytes,
                             List<Damage> damage) {
    /**
     * Makes a report; {@code damage} is copied.
     *
     * @param cleanShutdown  the previous writer closed the log cleanly
     * @param checkpoint     the checkpoint in the header
     * @param scannedFrom    where the scan started
     * @param recordsScanned valid records found after {@code scannedFrom}
     * @param endPosition    position after the last valid record
     * @param tailCut        whether a torn or invalid tail was dropped
     * @param reason         why the scan stopped before the end of the file, or null
     * @param zeroedBytes    bytes cleared after {@code endPosition}
     * @param damage         damaged ranges left in place
     * @throws NullPointerException when {@code damage} is or holds null
     */
    public RecoveryReport {
        damage = List.copyOf(damage);
    }

    /**
     * One line for people: what was kept and what was dropped.
     *
     * @return the summary, without a line break
     */
    public String summary() {
        StringBuilder s = new StringBuilder();
        s.append(cleanShutdown ? "clean shutdown" : "unclean shutdown")
                .append("; scanned from ").append(scannedFrom)
                .append(scannedFrom == checkpoint ? " (checkpoint)" : " (checkpoint " + checkpoint + " unusable)")
                .append(", kept ").append(Plurals.count(recordsScanned, "record")).append(" after it, end ").append(endPosition);
        if (tailCut) {
            s.append("; cut the tail at ").append(endPosition).append(": ").append(reason);
        } else {
            s.append("; nothing dropped");
        }
        if (!damage.isEmpty()) {
            s.append("; ").append(Plurals.count(damage.size(), "damaged range"))
                    .append(" left in place, the first at ").append(damage.get(0).position())
                    .append(" (see verify and repair)");
        }
        return s.toString();
    }
}
