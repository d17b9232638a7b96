package dev.growlog;

import java.util.List;

/**
 * What an explicit repair did, across every file of the log.
 *
 * @param mode           the repair mode
 * @param damage         the damaged ranges found, in position order, at global positions
 * @param recordsKept    valid records in the log after the repair
 * @param recordsDropped valid records dropped because they followed the cut ({@link RepairMode#TRUNCATE})
 * @param endBefore      where appends would have continued before the repair
 * @param endAfter       where appends continue now
 * @param filesDamaged   data files that held damage (a missing file counts)
 * @param filesDeleted   data files deleted because they lay after the cut ({@link RepairMode#TRUNCATE})
 */
public record RepairReport(RepairMode mode, List<Damage> damage, long recordsKept, long recordsDropped,
                           long endBefore, long endAfter, int filesDamaged, int filesDeleted) {
    /**
     * Makes a report; {@code damage} is copied.
     *
     * @param mode           the repair mode
     * @param damage         the damaged ranges found, in position order
     * @param recordsKept    valid records in the log after the repair
     * @param recordsDropped valid records dropped because they followed the cut
     * @param endBefore      where appends would have continued before the repair
     * @param endAfter       where appends continue now
     * @param filesDamaged   data files that held damage
     * @param filesDeleted   data files deleted because they lay after the cut
     * @throws NullPointerException when {@code damage} is or holds null
     */
    public RepairReport {
        damage = List.copyOf(damage);
    }

    /**
     * Makes a report of a repair of one file, which deleted none.
     *
     * @param mode           the repair mode
     * @param damage         the damaged ranges found, in position order
     * @param recordsKept    valid records in the log after the repair
     * @param recordsDropped valid records dropped because they followed the cut
     * @param endBefore      where appends would have continued before the repair
     * @param endAfter       where appends continue now
     * @throws NullPointerException when {@code damage} is or holds null
     */
    public RepairReport(RepairMode mode, List<Damage> damage, long recordsKept, long recordsDropped, long endBefore,
                        long endAfter) {
        this(mode, damage, recordsKept, recordsDropped, endBefore, endAfter, damage.isEmpty() ? 0 : 1, 0);
    }

    /**
     * One line for people: what was found, kept and dropped, and in how many files when more
     * than one.
     *
     * @return the summary, without a line break
     */
    public String summary() {
        String kept = "kept " + Plurals.count(recordsKept, "record");
        if (damage.isEmpty()) {
            return "no damage found; " + kept + ", end " + endAfter;
        }
        String ranges = Plurals.count(damage.size(), "damaged range")
                + (filesDamaged > 1 ? " in " + Plurals.count(filesDamaged, "file") : "");
        return mode == RepairMode.TRUNCATE
                ? "cut the log at " + endAfter + " (first damage): " + kept + ", dropped "
                + Plurals.count(recordsDropped, "valid record") + " after it"
                + (filesDeleted > 0 ? " and deleted " + Plurals.count(filesDeleted, "file") : "") + "; " + ranges
                : "skipped " + ranges + ", " + kept + ", end " + endAfter;
    }
}
