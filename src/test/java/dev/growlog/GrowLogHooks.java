package dev.growlog;

import dev.growlog.internal.chain.Chain;
import dev.growlog.internal.mapping.GrowableMapping;
import dev.growlog.internal.nativeio.Syscalls;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The package-private test hooks of {@link GrowLog}, for the tests of the engine's own packages
 * ({@code dev.growlog.internal.*}). A test class, never part of the library.
 */
public final class GrowLogHooks {
    private GrowLogHooks() {
    }

    /** Opens a log for writing through {@code sys}, as {@link GrowLog#open(Path, GrowLogConfig)} does. */
    public static GrowLog open(Path path, GrowLogConfig config, Syscalls sys) throws IOException {
        return GrowLog.open(path, config, sys);
    }

    /** The mapping of the writer's current file, or of the read-only log's first open file. */
    public static GrowableMapping mapping(GrowLog log) {
        return log.mapping();
    }

    /** The chain of files behind {@code log}. */
    public static Chain chain(GrowLog log) {
        return log.chain();
    }
}
