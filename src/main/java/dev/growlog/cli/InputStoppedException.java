package dev.growlog.cli;

import java.io.IOException;

/**
 * A read ended by a stop request (SIGINT, SIGTERM) rather than by the end of the input: the
 * reader keeps what it has and stops, instead of taking a cut-off line for a last line.
 */
final class InputStoppedException extends IOException {
    private static final long serialVersionUID = 1L;

    InputStoppedException() {
        super("input not read further: a stop was requested");
    }
}
