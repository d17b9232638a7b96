package dev.growlog;

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
 */
public record RecoveryReport(boolean cleanShutdown, long checkpoint, long scannedFrom, long recordsScanned,
                             long endPosition, boolean tailCut, String reason, long zeroedBytes) {

    /** One line for people: what was kept and what was dropped. */
    public String summary() {
        StringBuilder s = new StringBuilder();
        s.append(cleanShutdown ? "clean shutdown" : "unclean shutdown")
                .append("; scanned from ").append(scannedFrom)
                .append(scannedFrom == checkpoint ? " (checkpoint)" : " (checkpoint " + checkpoint + " unusable)")
                .append(", kept ").append(recordsScanned).append(" records after it, end ").append(endPosition);
        if (tailCut) {
            s.append("; cut the tail at ").append(endPosition).append(": ").append(reason);
        } else {
            s.append("; nothing dropped");
        }
        return s.toString();
    }
}
