package dev.growlog;

import dev.growlog.internal.mapping.GrowableMapping;

/**
 * The package-private test hooks of {@link GrowLog}, for the tests of the engine's own packages
 * ({@code dev.growlog.internal.*}). A test class, never part of the library.
 */
public final class GrowLogHooks {
    private GrowLogHooks() {
    }

    /** The mapping of the writer's current file, or of the read-only log's first open file. */
    public static GrowableMapping mapping(GrowLog log) {
        return log.mapping();
    }
}
