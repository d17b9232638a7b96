package dev.growlog.cli;

import dev.growlog.GrowLog;
import dev.growlog.LogReader;

import java.io.IOException;

/** Readers positioned where the user asked. */
final class Readers {
    private Readers() {
    }

    /**
     * A reader at {@code from}, or at the first record when it is null. A position that is
     * neither a record's nor the end is a usage error: positions come from the user.
     */
    static LogReader at(GrowLog log, Long from) throws IOException {
        long position = from == null ? log.startPosition() : from;
        try {
            if (from != null && position != log.endPosition()) {
                // reader() checks only range and alignment; read() checks that a record starts here
                log.read(position);
            }
            return log.reader(position);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, "--from " + position + ": " + e.getMessage(), e);
        }
    }
}
