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
        if (damage.isEmpty()) {
            return "no damage found; kept " + recordsKept + " records, end " + endAfter;
        }
        return mode == RepairMode.TRUNCATE
                ? "cut the log at " + endAfter + " (first damage): kept " + recordsKept + " records, dropped "
                + recordsDropped + " valid records after it; " + damage.size() + " damaged ranges"
                : "skipped " + damage.size() + " damaged ranges, kept " + recordsKept + " records, end " + endAfter;
    }
}
