package dev.growlog.cli;

import java.io.IOException;

/**
 * Standard output was closed by its reader, as in {@code growlog cat LOG | head}: the command
 * stops quietly, as other command-line tools do.
 */
final class StdoutClosedException extends IOException {
    private static final long serialVersionUID = 1L;

    StdoutClosedException(IOException cause) {
        super("standard output closed", cause);
    }
}
