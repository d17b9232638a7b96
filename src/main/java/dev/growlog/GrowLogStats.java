package dev.growlog;

/**
 * A snapshot of a log's counters.
 *
 * @param records            data records in the log
 * @param payloadBytes       payload bytes of those records
 * @param startPosition      position of the first record
 * @param endPosition        position after the last record
 * @param syncedPosition     every record before it is durable (writer only; for a read-only
 *                           log, the header's checkpoint when it was opened)
 * @param syncs              syncs completed by this writer (group commit shares them)
 * @param fileSize           bytes in the file
 * @param mappedSize         bytes mapped
 * @param segmentSize        bytes per segment view
 * @param headroom           address space reserved after the mapping for growth in place
 * @param growths            times the mapping grew
 * @param inPlaceGrowths     growths that kept the mapping's address
 * @param moves              growths that moved the mapping
 * @param generation         mapping generation; goes up at every move
 * @param leases             leases taken by readers
 * @param maxMoveWaitNanos   longest time a move waited for leases to drain
 * @param totalMoveWaitNanos total time moves waited for leases
 * @param viewCacheHits      segment-view cache hits
 * @param viewCacheMisses    segment-view cache misses
 * @param pretouchedBytes    bytes the pretoucher faulted in ahead of the writer
 */
public record GrowLogStats(long records, long payloadBytes, long startPosition, long endPosition,
                           long syncedPosition, long syncs, long fileSize, long mappedSize, int segmentSize, long headroom,
                           long growths, long inPlaceGrowths, long moves, long generation, long leases,
                           long maxMoveWaitNanos, long totalMoveWaitNanos, long viewCacheHits,
                           long viewCacheMisses, long pretouchedBytes) {
}
