package dev.growlog.cli;

import dev.growlog.Cursor;
import dev.growlog.CursorInfo;
import dev.growlog.GrowLog;

import java.io.IOException;

/**
 * Where {@code cat} and {@code tail} start with {@code --cursor NAME}: the cursor's position.
 * With {@code --commit} the command owns the cursor for its run and commits what it has written
 * to stdout; without, it only reads the position, and the cursor must exist.
 */
final class CursorStart implements AutoCloseable {
    private final Cursor owned;
    private final long position;

    private CursorStart(Cursor owned, long position) {
        this.owned = owned;
        this.position = position;
    }

    /** The start for {@code name}, or null without a cursor (then {@code commit} must be off). */
    static CursorStart of(GrowLog log, String name, boolean commit, Long from) throws IOException {
        if (name == null) {
            if (commit) {
                throw new CliException(ExitCodes.USAGE, "--commit needs --cursor NAME");
            }
            return null;
        }
        if (from != null) {
            throw new CliException(ExitCodes.USAGE, "--from and --cursor both say where to start: give one");
        }
        try {
            if (commit) {
                Cursor cursor = log.cursor(name);
                return new CursorStart(cursor, cursor.position());
            }
            for (CursorInfo cursor : log.cursors()) {
                if (cursor.name().equals(name)) {
                    return new CursorStart(null, cursor.position());
                }
            }
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, "--cursor " + name + ": " + e.getMessage(), e);
        }
        throw new CliException(ExitCodes.NOT_FOUND, "no cursor named '" + name + "' in " + log.directory()
                + " (--commit creates it at the start)");
    }

    long position() {
        return position;
    }

    /**
     * Commits {@code next} (the position after the last record written to {@code out}) once
     * {@code out} is flushed; does nothing without {@code --commit} or when the cursor is there.
     */
    void commit(Output out, long next) throws IOException {
        if (owned != null && next != owned.position()) {
            out.flush();
            owned.commit(next);
        }
    }

    @Override
    public void close() throws IOException {
        if (owned != null) {
            owned.close();
        }
    }
}
