package dev.growlog.internal.chain;

import dev.growlog.error.ClosedLogException;
import dev.growlog.error.LogFullException;
import dev.growlog.error.NativeCallException;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The owner's handle on one durable cursor, from {@link CursorStore#open}: while it is open no
 * other owner, in this process or another, can open, change or delete the cursor. Each
 * {@link #commit} and {@link #move} is durable when it returns (it survives a kill and a power
 * loss). Safe for use by several threads.
 *
 * <p>NOTE: a commit that throws leaves the handle at the previous position, but a crash right
 * after it may leave either that or the new one on disk. Commit a position only once everything
 * before it is handled: after a crash the consumer goes on from the stored position, and may
 * see records again (at least once), never miss them.
 */
public final class CursorFile implements AutoCloseable {
    private final CursorStore store;
    private final String name;
    /** The cursor's file, open and locked; closed once the handle is. */
    private final StateFile state;
    /** Committed position in bytes, as on disk. */
    private long position;
    /** Time of the last write, in milliseconds since the epoch, as on disk. */
    private long lastCommitMillis;
    private boolean closed;

    CursorFile(CursorStore store, String name, StateFile state, CursorState stored) {
        this.store = store;
        this.name = name;
        this.state = state;
        this.position = stored.position();
        this.lastCommitMillis = stored.lastCommitMillis();
    }

    /** The cursor's name. */
    public String name() {
        return name;
    }

    /** The cursor's file. */
    public Path file() {
        return state.file();
    }

    /** The committed position in bytes. */
    public synchronized long position() {
        checkOpen();
        return position;
    }

    /** When the position was last written, in milliseconds since the epoch. */
    public synchronized long lastCommitMillis() {
        checkOpen();
        return lastCommitMillis;
    }

    /**
     * Commits {@code position} durably: everything before it is handled. A cursor commits only
     * forward; committing the current position again refreshes the commit time.
     *
     * @throws IllegalArgumentException when {@code position} is below the committed one, negative
     *                                  or not a multiple of 8
     * @throws LogFullException         when the disk has no room
     * @throws NativeCallException      when writing or syncing failed; the position stays as it was
     */
    public synchronized void commit(long position) throws IOException {
        checkOpen();
        CursorStore.checkPosition(position);
        if (position < this.position) {
            throw new IllegalArgumentException("cursor '" + name + "' commits only forward: position=" + position
                    + " is below the committed " + this.position + "; use move to go back");
        }
        write(position);
    }

    /**
     * Moves the cursor to {@code position}, forward or back (an explicit rewind), durably.
     *
     * @throws IllegalArgumentException when {@code position} is negative or not a multiple of 8
     * @throws LogFullException         when the disk has no room
     * @throws NativeCallException      when writing or syncing failed; the position stays as it was
     */
    public synchronized void move(long position) throws IOException {
        checkOpen();
        CursorStore.checkPosition(position);
        write(position);
    }

    private void write(long position) throws IOException {
        long now = System.currentTimeMillis();
        state.write(store.payload(position, now));
        this.position = position;
        this.lastCommitMillis = now;
    }

    /** Gives up ownership; does nothing the second time. */
    @Override
    public synchronized void close() throws IOException {
        if (!closed) {
            closed = true;
            state.close();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new ClosedLogException("cursor '" + name + "' (" + state.file() + ") is closed");
        }
    }

    @Override
    public String toString() {
        return "CursorFile[" + name + "]";
    }
}
