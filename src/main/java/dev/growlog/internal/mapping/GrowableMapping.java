package dev.growlog.internal.mapping;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.growlog.error.ClosedLogException;
import dev.growlog.error.NativeCallException;
import dev.growlog.internal.nativeio.Syscalls;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * One shared mapping of a whole file that grows with the file, read and written through
 * segment views.
 *
 * <h2>Growth</h2>
 * The mapping is followed by reserved address space (no access, no memory): the headroom. To
 * grow, the piece of headroom that is needed is handed back and the mapping is extended with
 * {@code mremap} without permission to move. That leaves every existing address valid, so
 * growth in place does not wait for anyone. When the headroom is used up, or the kernel refuses
 * (something else took the addresses), the mapping moves. Without headroom every growth moves:
 * that is how tests make moves frequent.
 *
 * <h2>Moves and leases</h2>
 * Every access to mapped memory by a reader happens inside a lease ({@link #acquire()} /
 * {@link #release()}). A move takes the barrier exclusively: new leases wait, the leases on the
 * old generation drain, the mapping moves, the generation goes up and the view cache is
 * emptied. So no thread can touch the old addresses after they are gone: reading a moved
 * mapping would kill the JVM with SIGSEGV. The thread that grows the mapping (the writer, or the
 * reader that follows a writer in another process) must not hold a lease while it grows.
 *
 * <h2>Views</h2>
 * A segment view is a direct {@code ByteBuffer} over one segment, or over the mapped part of the
 * last segment: it never reaches past the mapped length. Views are cached by segment index in a
 * Caffeine cache that a move empties; callers keep their current view and come back only when
 * they cross a segment or the generation changes. Views are shared between threads: use
 * absolute gets and puts only.
 *
 * <h2>Exposed views</h2>
 * Zero-copy callbacks get slices of <em>exposed</em> views ({@link #exposedSegment(long)}),
 * which are tracked per {@link Region}. A move normally lets {@code mremap} give the old
 * addresses back; while an exposed view of the current region may still be reachable, it maps
 * the file afresh at the new place instead and leaves the old region mapped until the
 * collector finds its views unreachable. So a slice kept past its callback never reads an
 * unmapped address, even after a move or close.
 *
 * <h2>Advice</h2>
 * With {@link #adviseSmallFolios()}, the whole mapping carries {@code MADV_RANDOM}, given again
 * after every growth and move, never to a part (that would split the mapping and make a later
 * {@code mremap} of the whole fail with {@code EFAULT}).
 *
 * <p>NOTE: callers serialise {@link #growTo(long)} and {@link #close()} among themselves (the
 * writer's lock, or a reader process's follow lock).
 */
public final class GrowableMapping {
    /** Alignment of a reservation's start: a PMD-sized page on x86-64 and aarch64 (4 KiB pages). */
    private static final long LARGE_PAGE = 2L << 20;

    private final Syscalls sys;
    private final Path file;
    private final int fd;
    private final boolean writable;
    /** Address space reserved after the mapping at each (re)mapping, in bytes; may be 0. */
    private final long headroom;
    /** log2 of the segment size. */
    private final int segmentShift;

    /** Start address of the mapping; changes only under the exclusive barrier. */
    private volatile long base;
    /** The region at {@code base}; replaced at each move. */
    private Region current;
    /** Regions moved away from but kept mapped for exposed views; checked at close. */
    private final List<Region> retired = new ArrayList<>();
    /**
     * The first failed deferred unmap of a region no longer in {@link #retired}, reported at
     * close; guarded by the exclusive barrier.
     */
    private NativeCallException deferredFailure;
    /** Mapped bytes from the start of the file; grows only. */
    private volatile long mappedLength;
    /**
     * Reserved address range after the mapping: [reservedStart, reservedEnd); empty when equal.
     * Page-aligned: the mapping covers whole pages even when the file ends inside one.
     */
    private long reservedStart;
    private long reservedEnd;
    /** Goes up by one at every move; views from an older generation must not be used. */
    private volatile long generation;
    /** Whether every (re)mapping is advised {@code MADV_RANDOM}; see {@link #adviseSmallFolios()}. */
    private boolean smallFolios;
    private volatile boolean closed;

    private final ReentrantReadWriteLock barrier = new ReentrantReadWriteLock();
    private final Cache<Long, ByteBuffer> views;

    private final LongAdder leases = new LongAdder();
    private long growths;
    private long inPlaceGrowths;
    private long moves;
    /** Longest and total time a move waited for leases to drain, in nanoseconds. */
    private long maxMoveWaitNanos;
    private long totalMoveWaitNanos;

    private GrowableMapping(Syscalls sys, Path file, int fd, boolean writable, long headroom, int segmentSize) {
        this.sys = sys;
        this.file = file;
        this.fd = fd;
        this.writable = writable;
        this.headroom = headroom;
        this.segmentShift = Integer.numberOfTrailingZeros(segmentSize);
        this.views = Caffeine.newBuilder().maximumSize(4096).executor(Runnable::run).recordStats().build();
    }

    /** Maps the first {@code length} bytes of the file, followed by {@code headroom} reserved bytes. */
    public static GrowableMapping map(Syscalls sys, Path file, int fd, long length, boolean writable,
                                      long headroom, int segmentSize) throws NativeCallException {
        GrowableMapping m = new GrowableMapping(sys, file, fd, writable, headroom, segmentSize);
        long address = reserveAligned(sys, length + headroom);
        try {
            sys.mapFileAt(file, fd, address, length, writable);
        } catch (NativeCallException e) {
            unmapQuietly(sys, address, length + headroom, e);
            throw e;
        }
        m.base = address;
        m.current = new Region(sys, file, address, length);
        m.mappedLength = length;
        m.reservedStart = address + m.pages(length);
        m.reservedEnd = address + m.pages(length + headroom);
        return m;
    }

    /** Per thread: leases held on any mapping, so that a log of many files can refuse waits inside any of them. */
    private static final ThreadLocal<int[]> LEASES_HELD = ThreadLocal.withInitial(() -> new int[1]);

    /** Starts a lease: until {@link #release()}, the mapping does not move or go away. */
    public void acquire() {
        barrier.readLock().lock();
        if (closed) {
            barrier.readLock().unlock();
            throw new ClosedLogException("log " + file + " is closed");
        }
        leases.increment();
        LEASES_HELD.get()[0]++;
    }

    public void release() {
        LEASES_HELD.get()[0]--;
        barrier.readLock().unlock();
    }

    /** True when the calling thread holds a lease on any mapping. Not free: for slow paths and checks. */
    public static boolean anyLeaseHeld() {
        return LEASES_HELD.get()[0] > 0;
    }

    /** As {@link #refuseInsideLease(String)}, for a lease on any mapping (of any file of a log). */
    public static void refuseInsideAnyLease(String operation, Path where) {
        if (anyLeaseHeld()) {
            throw new IllegalStateException(operation + (where == null ? "" : " on " + where) + " cannot run while this thread holds a lease"
                    + " on a mapping of the log (inside a zero-copy handler?): it may have to wait for a move or"
                    + " close of the mapping, and that waits for the lease; call it after the handler returns");
        }
    }

    /** True when the calling thread holds a lease on this mapping. Not free: for slow paths and checks. */
    public boolean leaseHeld() {
        return barrier.getReadHoldCount() > 0;
    }

    /**
     * Throws {@link IllegalStateException} if the calling thread holds a lease: {@code operation}
     * may wait for a move of the mapping (or for a thread that waits for one), and a move waits
     * for that lease.
     */
    public void refuseInsideLease(String operation) {
        if (leaseHeld()) {
            throw new IllegalStateException(operation + " on " + file + " cannot run while this thread holds a lease"
                    + " on the mapping (inside a zero-copy handler?): it may have to wait for a move of the mapping,"
                    + " and a move waits for that lease; call it after the handler returns");
        }
    }

    public Path file() {
        return file;
    }

    public long generation() {
        return generation;
    }

    public long mappedLength() {
        return mappedLength;
    }

    public int segmentSize() {
        return 1 << segmentShift;
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * The view of segment {@code index}, little-endian, covering the whole segment or its mapped
     * part. Call inside a lease, or from the thread that grows the mapping.
     */
    public ByteBuffer segment(long index) {
        int length = mappedPart(index);
        ByteBuffer view = views.getIfPresent(index);
        if (view == null || view.capacity() < length) {
            view = sys.view(base + (index << segmentShift), length).order(ByteOrder.LITTLE_ENDIAN);
            views.put(index, view);
        }
        return view;
    }

    /** Bytes of segment {@code index} that are mapped: the whole segment, or less for the last. */
    private int mappedPart(long index) {
        long length = Math.min(1L << segmentShift, mappedLength - (index << segmentShift));
        if (length <= 0) {
            throw new IllegalStateException("segment " + index + " is not mapped (mapped=" + mappedLength + ")");
        }
        return (int) length;
    }

    /**
     * A read-only view of segment {@code index} for zero-copy reads, whose slices may be handed
     * to user code: it keeps its region mapped while reachable. Call inside a lease; use
     * absolute gets or slices only (the view is shared).
     */
    public ByteBuffer exposedSegment(long index) {
        return current.exposedView(index << segmentShift, mappedPart(index));
    }

    /**
     * Grows the mapping to {@code newLength} bytes (the file must already be that long): in
     * place when possible, else by a move behind the barrier. Must not be called inside a lease.
     */
    public void growTo(long newLength) throws NativeCallException {
        checkOpen();
        long oldLength = mappedLength;
        if (newLength <= oldLength) {
            return;
        }
        growths++;
        long end = base + pages(oldLength);
        long newEnd = base + pages(newLength);
        if (headroom > 0 && reservedStart == end && reservedEnd >= newEnd) {
            // Hand back the headroom the mapping needs, then grow into it.
            sys.unmap(file, end, newEnd - end);
            reservedStart = newEnd;
            if (sys.remapInPlace(file, base, oldLength, newLength)) {
                grown(newLength);
                advise();
                return;
            }
        }
        move(newLength);
    }

    /**
     * From now on, advises the whole mapping {@code MADV_RANDOM}, again after every growth and
     * move, so that the pages faults bring into the page cache are base pages, not large folios.
     * The kernel writes a dirty folio back whole: with large folios a sync of a few new records
     * wrote 10-16 times their size. The advice costs readahead, so call it after recovery has read
     * what it needs. Caller as for {@link #growTo(long)}.
     *
     * <p>Advice is a flag of the whole mapping, given for the whole mapping: advising a part
     * would split it, and a later {@code mremap} of the whole would fail. A move may make a new
     * mapping without the flag, so it is given again; growth in place keeps it, and giving it
     * again there costs one call per growth.
     */
    public void adviseSmallFolios() throws NativeCallException {
        checkOpen();
        smallFolios = true;
        advise();
    }

    /** True once {@link #adviseSmallFolios()} was called. */
    public boolean smallFolios() {
        return smallFolios;
    }

    private void advise() throws NativeCallException {
        if (smallFolios) {
            sys.adviseRandom(file, base, pages(mappedLength));
        }
    }

    private void grown(long newLength) {
        current.grown(newLength);
        mappedLength = newLength;
        if (reservedStart < base + pages(newLength)) {
            reservedStart = base + pages(newLength);
        }
        inPlaceGrowths++;
    }

    private void move(long newLength) throws NativeCallException {
        refuseInsideLease("growth by a move of the mapping");
        long waitStart = System.nanoTime();
        barrier.writeLock().lock();
        try {
            long waited = System.nanoTime() - waitStart;
            maxMoveWaitNanos = Math.max(maxMoveWaitNanos, waited);
            totalMoveWaitNanos += waited;
            long oldBase = base;
            long oldReservedStart = reservedStart;
            long oldReservedEnd = reservedEnd;
            long newBase = reserveAligned(sys, newLength + headroom);
            boolean keepOld = current.hasLiveViews();
            try {
                if (keepOld) {
                    // Slices of the old addresses may still be held: map afresh, keep the old region.
                    sys.mapFileAt(file, fd, newBase, newLength, writable);
                } else {
                    sys.remapTo(file, oldBase, mappedLength, newLength, newBase);
                }
            } catch (NativeCallException e) {
                unmapQuietly(sys, newBase, newLength + headroom, e);
                throw e;
            }
            Region old = current;
            current = new Region(sys, file, newBase, newLength);
            base = newBase;
            mappedLength = newLength;
            reservedStart = newBase + pages(newLength);
            reservedEnd = newBase + pages(newLength + headroom);
            generation++;
            moves++;
            views.invalidateAll();
            sys.unmap(file, oldReservedStart, oldReservedEnd - oldReservedStart);
            retired.removeIf(this::forgetIfUnmapped);
            if (keepOld) {
                retired.add(old);
                old.retire();
            }
            advise();
        } finally {
            barrier.writeLock().unlock();
        }
    }

    /**
     * Faults in the pages of {@code [from, to)} for writing without changing them, so the writer
     * does not pay the first-touch page fault. Call inside a lease. The range is clipped to the
     * mapping; the advice changes no VMA flags, so it never splits the mapping.
     */
    public void populate(long from, long to) throws NativeCallException {
        long page = sys.pageSize();
        long start = from & -page;
        long end = Math.min(pages(to), pages(mappedLength));
        if (end > start) {
            sys.populateWrite(file, base + start, end - start);
        }
    }

    /** Writes the dirty pages of {@code [from, to)} to disk and waits. */
    public void sync(long from, long to) throws NativeCallException {
        checkOpen();
        long page = sys.pageSize();
        long start = from & -page;
        long end = Math.min(to, mappedLength);
        if (end > start) {
            sys.msync(file, base + start, end - start);
        }
    }

    /**
     * Whether {@code region} is unmapped and can leave {@link #retired}; keeps the failure of
     * its deferred unmap, if any, for {@link #close}. Under the exclusive barrier.
     */
    private boolean forgetIfUnmapped(Region region) {
        if (!region.isUnmapped()) {
            return false;
        }
        NativeCallException failed = region.takeDeferredFailure();
        if (failed != null && deferredFailure == null) {
            deferredFailure = failed;
        }
        return true;
    }

    /**
     * Waits for every lease to end, then unmaps everything. Later leases fail with a
     * {@link ClosedLogException}. Idempotent.
     */
    public void close() throws NativeCallException {
        barrier.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            views.invalidateAll();
            NativeCallException failure = null;
            try {
                sys.unmap(file, reservedStart, reservedEnd - reservedStart);
            } catch (NativeCallException e) {
                failure = e;
            }
            retired.add(current);
            failure = failure == null ? deferredFailure : failure;
            for (Region region : retired) {
                try {
                    region.retire();
                } catch (NativeCallException e) {
                    failure = failure == null ? e : failure;
                }
                NativeCallException deferred = region.takeDeferredFailure();
                if (deferred != null && failure == null) {
                    failure = deferred;
                }
            }
            retired.clear();
            if (failure != null) {
                throw failure;
            }
        } finally {
            barrier.writeLock().unlock();
        }
    }

    /**
     * Reserves {@code length} bytes of address space starting on a 2 MiB boundary. The kernel
     * maps large page-cache folios of the file only where the virtual address is aligned like
     * the file offset; a mapping 1 MiB off a 2 MiB boundary (where a plain reservation lands)
     * took a first-touch fault for every 4 KiB page and appended 2-4 times slower.
     */
    private static long reserveAligned(Syscalls sys, long bytes) throws NativeCallException {
        long page = sys.pageSize();
        long length = (bytes + page - 1) & -page;
        long start = sys.reserve(length + LARGE_PAGE);
        long aligned = (start + LARGE_PAGE - 1) & -LARGE_PAGE;
        sys.unmap(null, start, aligned - start);
        sys.unmap(null, aligned + length, start + LARGE_PAGE - aligned);
        return aligned;
    }

    /** {@code length} rounded up to whole pages: what a mapping of that many bytes covers. */
    private long pages(long length) {
        long page = sys.pageSize();
        return (length + page - 1) & -page;
    }

    private void checkOpen() {
        if (closed) {
            throw new ClosedLogException("log " + file + " is closed");
        }
    }

    private static void unmapQuietly(Syscalls sys, long address, long length, Exception primary) {
        try {
            sys.unmap(null, address, length);
        } catch (NativeCallException e) {
            primary.addSuppressed(e);
        }
    }

    public boolean writable() {
        return writable;
    }

    public int fd() {
        return fd;
    }

    /** Counters for stats; read under the caller's growth lock for a consistent picture. */
    public Counters counters() {
        var cache = views.stats();
        return new Counters(growths, inPlaceGrowths, moves, generation, leases.sum(), maxMoveWaitNanos,
                totalMoveWaitNanos, cache.hitCount(), cache.missCount(), headroom);
    }

    /** A snapshot of the mapping's counters. */
    public record Counters(long growths, long inPlaceGrowths, long moves, long generation, long leases,
                           long maxMoveWaitNanos, long totalMoveWaitNanos, long viewHits, long viewMisses,
                           long headroom) {
    }
}
