package dev.growlog.internal.mapping;

import dev.growlog.error.NativeCallException;
import dev.growlog.internal.nativeio.Syscalls;

import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * One address range the file has been mapped at. A region is retired when the mapping moves
 * away from it or is closed; it is unmapped once it is retired and no exposed view of it is
 * reachable any more.
 *
 * <p>Exposed views are the only views whose slices reach user code (zero-copy callbacks). A
 * slice of a direct buffer keeps its parent reachable, so while a user holds a slice beyond
 * its callback, the parent view is reachable and the region stays mapped: a slice that escapes
 * reads the file's bytes, never an unmapped address.
 */
final class Region {
    private static final Cleaner CLEANER = Cleaner.create();

    private final Syscalls sys;
    private final Path file;
    /** Start address; fixed for the region's life. */
    final long address;
    /** Mapped bytes; grows while the region is current. */
    private long length;
    /** Exposed views created over this region that the collector has not yet found unreachable. */
    private int liveViews;
    /** Exposed views by offset, read-only, while the region is current. */
    private final Map<Long, ByteBuffer> exposed = new HashMap<>();
    private boolean retired;
    private boolean unmapped;
    /** A munmap that failed on the cleaner thread, reported by the next caller. */
    private NativeCallException deferred;

    Region(Syscalls sys, Path file, long address, long length) {
        this.sys = sys;
        this.file = file;
        this.address = address;
        this.length = length;
    }

    synchronized void grown(long newLength) {
        length = newLength;
    }

    /**
     * A view of {@code [offset, offset + size)} that keeps this region mapped while reachable.
     * Views are kept by offset while the region is current, so that zero-copy reads do not
     * create and register one per call; retiring the region lets go of them.
     */
    synchronized ByteBuffer exposedView(long offset, int size) {
        ByteBuffer view = exposed.get(offset);
        if (view == null || view.capacity() < size) {
            // Every buffer derived from root (the read-only view, its slices) refers to root, so
            // root becomes unreachable only when none of them is reachable: watch root.
            ByteBuffer root = sys.view(address + offset, size);
            liveViews++;
            CLEANER.register(root, this::viewCollected);
            view = root.asReadOnlyBuffer();
            exposed.put(offset, view);
        }
        return view;
    }

    synchronized boolean hasLiveViews() {
        return liveViews > 0;
    }

    private synchronized void viewCollected() {
        liveViews--;
        try {
            unmapIfUnused();
        } catch (NativeCallException e) {
            deferred = e;
        }
    }

    /** The mapping no longer uses this region; unmaps it now unless exposed views still reach it. */
    synchronized void retire() throws NativeCallException {
        retired = true;
        exposed.clear();
        unmapIfUnused();
    }

    /** True once the region's addresses are given back. */
    synchronized boolean isUnmapped() {
        return unmapped;
    }

    /** A failure of a deferred munmap, once; null when there was none. */
    synchronized NativeCallException takeDeferredFailure() {
        NativeCallException failed = deferred;
        deferred = null;
        return failed;
    }

    private void unmapIfUnused() throws NativeCallException {
        if (retired && liveViews == 0 && !unmapped) {
            unmapped = true;
            sys.unmap(file, address, length);
        }
    }
}
