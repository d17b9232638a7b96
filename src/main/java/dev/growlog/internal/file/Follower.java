package dev.growlog.internal.file;

import dev.growlog.error.CorruptLogException;
import dev.growlog.internal.mapping.GrowableMapping;
import dev.growlog.internal.nativeio.Syscalls;
import dev.growlog.internal.recovery.RecordScanner;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A read-only log's view of a writer in another process: grows its own mapping when the file
 * grows and scans the records committed since it last looked.
 *
 * <h2>Concurrency</h2>
 * One lock serialises following; growth of the mapping may move it, which waits for readers'
 * leases, so inside a lease the lock is only tried, never waited for ({@link LockOrder}), and a
 * move refuses to start there. A record is found only once its commit word
 * is published, and only when it lies inside the mapping, so a follower never reads past what
 * it has mapped.
 */
public final class Follower {
    /** The end, record count and payload bytes found so far. */
    public record Found(long end, long records, long bytes) {
    }

    private final Path file;
    private final Syscalls sys;
    private final int fd;
    private final GrowableMapping mapping;
    /** The follow lock: the {@link LockOrder#WRITE} lock of a read-only log. */
    private final OrderedLock lock;
    /** Global position of the file's byte 0, for checksums. */
    private final long base;
    private volatile Found found;

    Follower(Path file, Syscalls sys, int fd, GrowableMapping mapping, OrderedLock lock, long base, Found found) {
        this.base = base;
        this.file = file;
        this.sys = sys;
        this.fd = fd;
        this.mapping = mapping;
        this.lock = lock;
        this.found = found;
    }

    OrderedLock lock() {
        return lock;
    }

    /** The end found at the last look. */
    long knownEnd() {
        return found.end();
    }

    /** Grows the mapping to the file's size. */
    void followGrowth() throws IOException {
        lock.lockOrRefuse("following the file's growth");
        try {
            // Only this lock grows this mapping, and the writer's process only ever extends the
            // file; the mapped length is still read first, as everywhere a size is checked
            // against it, so that a growth between the reads can only make the file look longer.
            long mapped = mapping.mappedLength();
            long size = sys.size(file, fd);
            if (size < mapped) {
                throw new CorruptLogException(file, size, "file shrank while mapped: actual size=" + size
                        + " expected at least " + mapped + " (truncated by another process?)");
            }
            mapping.growTo(size); // nothing when the mapping covers the file already
        } finally {
            lock.unlock();
        }
    }

    /** Follows growth and scans the records appended since the last look. */
    public Found follow() throws IOException {
        lock.lockOrRefuse("following the file's growth");
        try {
            followGrowth();
            Found last = found;
            RecordScanner.Result scan = RecordScanner.inLeases(mapping, base, last.end(), false, Long.MAX_VALUE,
                    RecordScanner.LEASE_PIECE, position -> { });
            found = new Found(scan.end(), last.records() + scan.records(), last.bytes() + scan.bytes());
            return found;
        } finally {
            lock.unlock();
        }
    }
}
