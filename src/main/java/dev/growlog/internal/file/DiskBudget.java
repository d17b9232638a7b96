package dev.growlog.internal.file;

import dev.growlog.error.LogFullException;
import dev.growlog.internal.nativeio.Syscalls;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A writer's disk budget: the bytes every file of the log may take on disk together. Every
 * allocation that adds blocks (growth of the writer's file, blocks reserved ahead, a new file)
 * asks first with {@link #reserve}; the answer is computed from what is on disk (blocks of every
 * file in the log's directory and its cursors), so it holds after a restart, plus the
 * allocations admitted but not finished yet, so that two at once never overshoot.
 *
 * <p>It only admits or refuses; making room (deleting the oldest files) is
 * the chain's job ({@code Chain.enforceRetention}), outside the locks of the allocations.
 */
public final class DiskBudget {
    private final Path dir;
    private final Syscalls sys;
    private final long budget;
    /** Bytes admitted whose allocation has not finished; guarded by this. */
    private long pending;

    public DiskBudget(Path dir, Syscalls sys, long budget) {
        this.dir = dir;
        this.sys = sys;
        this.budget = budget;
    }

    public long budget() {
        return budget;
    }

    /** Bytes the log's files take on disk now: data, temporary, start, lock and cursor files. */
    public long used() throws IOException {
        return allocatedIn(dir) + allocatedIn(dir.resolve(dev.growlog.internal.chain.CursorStore.DIRECTORY));
    }

    private long allocatedIn(Path directory) throws IOException {
        long total = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path entry : entries) {
                if (Files.isRegularFile(entry)) {
                    total += sys.allocatedBytes(entry); // 0 when deleted since the listing
                }
            }
        } catch (NoSuchFileException absent) {
            return 0;
        }
        return total;
    }

    /**
     * Admits an allocation of {@code bytes} for {@code file}, to be followed by
     * {@link #release}, or refuses it when the log would take more than the budget.
     *
     * @throws LogFullException when the allocation does not fit the budget; the caller changes nothing
     */
    public synchronized void reserve(Path file, long bytes) throws IOException {
        long used = used();
        // Room is kept for the start file and its replacement, written when retention moves the
        // start: deleting old files never first takes the log over its budget.
        if (used + pending + bytes > budget - 2L * sys.pageSize()) {
            throw new OverBudget(file, bytes, "log " + dir + " would exceed its disk budget of " + budget
                    + " bytes: " + used + " used, " + pending + " being allocated, " + bytes + " more needed");
        }
        pending += bytes;
    }

    /** Bytes admitted by {@link #reserve} whose allocation has not finished. */
    public synchronized long pending() {
        return pending;
    }

    /** After an allocation admitted by {@link #reserve} has finished or failed. */
    public synchronized void release(long bytes) {
        pending -= bytes;
    }

    /** The budget refused an allocation; deleting old files may make room. */
    public static final class OverBudget extends LogFullException {
        private static final long serialVersionUID = 1L;
        /** Bytes the refused allocation needed. */
        private final long bytes;

        OverBudget(Path file, long bytes, String message) {
            super(file, message);
            this.bytes = bytes;
        }

        public long bytes() {
            return bytes;
        }
    }
}
