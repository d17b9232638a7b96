package dev.growlog;

import java.util.List;

/**
 * What an explicit repair did.
 *
 * @param mode           the repair mode
 * @param damage         the damaged ranges found, in position order
 * @param recordsKept    valid records in the log after the repair
 * @param recordsDropped valid records dropped because they followed the cut ({@link RepairMode#TRUNCATE})
 * @param endBefore      where appends would have continued before the repair
 * @param endAfter       where appends continue now
 */
public record RepairReport(RepairMode mode, List<Damage> damage, long recordsKept, long recordsDropped,
                           long endBefore, long endAfter) {
    /**
     * Makes a report; {@code damage} is copied.
     *
     * @param mode           the repair mode
     * @param damage         the damaged ranges found, in position order
     * @param recordsKept    valid records in the log after the repair
     * @param recordsDropped valid records dropped because they followed the cut
     * @param endBefore      where appends would have continued before the repair
     * @param endAfter       where appends continue now
     * @throws NullPointerException when {@code damage} is or holds null
     */
    public RepairReport {
        damage = List.copyOf(damage);
    }

    /**
     * One line for people: what was found, kept and dropped.
     *
     * @return the summary, without a line break
     */
    public String summary() {
        String kept = "kept " + Plurals.count(recordsKept, "record");
        if (damage.isEmpty()) {
            return "no damage found; " + kept + ", end " + endAfter;
        }
        String ranges = Plurals.count(damage.size(), "damaged range");
        return mode == RepairMode.TRUNCATE
                ? "cut the log at " + endAfter + " (first damage): " + kept + ", dropped "
                + Plurals.count(recordsDropped, "valid record") + " after it; " + ranges
                : "skipped " + ranges + ", " + kept + ", end " + endAfter;
    }
}
