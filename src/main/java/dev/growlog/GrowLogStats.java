package dev.growlog;

/**
 * A snapshot of a log's counters.
 *
 * <p>Records, payload bytes, files and bytes on disk count the whole log; the file size, the
 * mapping's counters, the syncs and the pretouched bytes are those of the <em>current file</em>:
 * the one the writer appends to (they start again at each roll), or, for a read-only log, the
 * last file it has open.
 *
 * @param records            data records in the log's files (the first file's records before
 *                           the start position included)
 * @param payloadBytes       payload bytes of those records
 * @param startPosition      position of the first record
 * @param endPosition        position after the last record
 * @param syncedPosition     every record before it is durable (writer only; for a read-only
 *                           log, the last file's header checkpoint when it was opened)
 * @param syncs              syncs of the current file completed by this writer (group commit
 *                           shares them)
 * @param fileSize           bytes in the current file
 * @param mappedSize         bytes of the current file mapped
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
 * @param pretouchedBytes    bytes the pretoucher faulted in ahead of the writer in the current file
 * @param files              data files in the log's directory
 * @param diskBytes          bytes of all the log's data files (their sizes)
 * @param rollSize           span of positions each data file covers
 */
public record GrowLogStats(long records, long payloadBytes, long startPosition, long endPosition,
                           long syncedPosition, long syncs, long fileSize, long mappedSize, int segmentSize, long headroom,
                           long growths, long inPlaceGrowths, long moves, long generation, long leases,
                           long maxMoveWaitNanos, long totalMoveWaitNanos, long viewCacheHits,
                           long viewCacheMisses, long pretouchedBytes, long files, long diskBytes,
                           long rollSize) {
}
