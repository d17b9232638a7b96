package dev.growlog;

import dev.growlog.internal.chain.CursorState;
import dev.growlog.internal.chain.CursorStore;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A log's durable cursors: the public face of the {@link CursorStore} beside the log. */
final class Cursors {
    private final GrowLog log;
    private final CursorStore store;

    Cursors(GrowLog log, CursorStore store) {
        this.log = log;
        this.store = store;
    }

    Cursor open(String name) throws IOException {
        log.checkOpen();
        return new Cursor(log, store.open(name, log.startPosition()));
    }

    List<CursorInfo> list() throws IOException {
        long end = log.endPosition();
        List<CursorInfo> cursors = new ArrayList<>();
        for (CursorState state : store.list()) {
            cursors.add(new CursorInfo(state.name(), state.position(), Instant.ofEpochMilli(state.lastCommitMillis()),
                    Math.max(0, end - state.position())));
        }
        return cursors;
    }

    void set(String name, long position) throws IOException {
        store.set(name, log.checkRecordOrEnd(position));
    }

    boolean delete(String name) throws IOException {
        log.checkOpen();
        return store.delete(name);
    }
}
