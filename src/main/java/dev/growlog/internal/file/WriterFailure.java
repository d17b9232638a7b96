package dev.growlog.internal.file;

import dev.growlog.error.GrowLogException;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether the writer of a log has failed, and why: one per writable log, shared by every file of
 * its chain. A failed sync (the kernel may have dropped the dirty pages it could not write, so a
 * retry could report success for lost data), a failed background retire of a sealed file, or a
 * data file shrunk by another process under the mapping moves the writer to the failed state;
 * from then on every append and sync of the log, in whichever file, is refused with the first
 * failure as the cause.
 *
 * <p>NOTE: there is no way back: a failed writer stays failed until the log is closed and opened
 * again, when recovery finds what really reached the disk.
 */
public final class WriterFailure {
    /** The log's directory, named in the refusal. */
    private final Path dir;
    /** The first failure; null while the writer is healthy. */
    private final AtomicReference<GrowLogException> first = new AtomicReference<>();

    public WriterFailure(Path dir) {
        this.dir = dir;
    }

    /** Moves the writer to the failed state, unless it failed already; returns {@code e} for throwing. */
    public GrowLogException fail(GrowLogException e) {
        first.compareAndSet(null, e);
        return e;
    }

    /** Throws when the writer failed earlier, naming the first failure. */
    public void check() throws GrowLogException {
        GrowLogException failed = first.get();
        if (failed != null) {
            throw new GrowLogException(dir, "log " + dir + " failed earlier and refuses writes: "
                    + failed.getMessage(), failed);
        }
    }

    boolean failed() {
        return first.get() != null;
    }
}
