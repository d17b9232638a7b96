package dev.growlog;

import java.util.List;

/**
 * What a full check of a log found ({@link GrowLog#verify()}).
 *
 * @param records       valid data records
 * @param payloadBytes  payload bytes of those records
 * @param endPosition   position after the last valid record
 * @param damage        damaged ranges in position order (at most 1000 are listed)
 */
public record VerifyReport(long records, long payloadBytes, long endPosition, List<Damage> damage) {
    /**
     * Makes a report; {@code damage} is copied.
     *
     * @param records      valid data records
     * @param payloadBytes payload bytes of those records
     * @param endPosition  position after the last valid record
     * @param damage       damaged ranges in position order
     * @throws NullPointerException when {@code damage} is or holds null
     */
    public VerifyReport {
        damage = List.copyOf(damage);
    }

    /**
     * Whether every record passed validation.
     *
     * @return true when no damage was found
     */
    public boolean clean() {
        return damage.isEmpty();
    }
}
