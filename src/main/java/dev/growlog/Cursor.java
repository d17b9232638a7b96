package dev.growlog;

import dev.growlog.error.ClosedLogException;
import dev.growlog.internal.chain.CursorFile;

import java.io.IOException;
import java.time.Instant;

/**
 * A durable named cursor: where a consumer of the log got to, kept on disk so that the consumer
 * (in this process or another, with the log open read-only) resumes there after a restart or a
 * crash. Get it with {@link GrowLog#cursor(String)}; one owner per name at a time.
 *
 * <pre>{@code
 * try (GrowLog log = GrowLog.openReadOnly(path);
 *      Cursor cursor = log.cursor("shipper");
 *      Tailer tailer = cursor.tailer()) {
 *     while (running) {
 *         if (tailer.poll(1, TimeUnit.SECONDS)) {
 *             ship(tailer.bytes());
 *             cursor.commit(tailer.nextPosition()); // after the record is shipped
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p>The promise is <em>at least once</em>: a consumer that commits after it has handled a
 * record never misses one, and after a crash it handles again the records after its last commit
 * (commit less often to go faster, and handle more again after a crash).
 *
 * <p>NOTE: a commit is durable when it returns: it survives a killed process and a power loss,
 * and a torn write never damages it (the previous commit is read instead). It costs one small
 * write and one {@code fdatasync}, so commit per batch of records, not per record, when records
 * are small.
 *
 * <p>NOTE: thread-safe, but the position means what its one consumer says it means: share a
 * cursor between threads only if they agree on it.
 */
public final class Cursor implements AutoCloseable {
    private final GrowLog log;
    private final CursorFile file;

    Cursor(GrowLog log, CursorFile file) {
        this.log = log;
        this.file = file;
    }

    /**
     * The cursor's name.
     *
     * @return the name it was opened with
     */
    public String name() {
        return file.name();
    }

    /**
     * Where the consumer resumes: the position committed last (or where the cursor was created).
     *
     * @return a record position, or the end position when it was committed at the end
     * @throws ClosedLogException when the cursor is closed
     */
    public long position() {
        return file.position();
    }

    /**
     * When the position was last committed or moved.
     *
     * @return the time of the last commit, or of the cursor's creation
     * @throws ClosedLogException when the cursor is closed
     */
    public Instant lastCommit() {
        return Instant.ofEpochMilli(file.lastCommitMillis());
    }

    /**
     * Says that every record before {@code position} is handled, durably: after this returns,
     * the cursor resumes at {@code position}, also after a crash or a power loss. Pass the
     * position after the last record handled ({@link LogReader#nextPosition()},
     * {@link Tailer#nextPosition()}).
     *
     * @param position a record position or the log's end position, not below {@link #position()}
     * @throws IllegalArgumentException when {@code position} is below the committed position, or
     *                                  no record starts there
     * @throws ClosedLogException when the cursor or the log is closed
     * @throws IOException when writing or syncing the cursor fails; the cursor keeps its previous
     *                     position
     */
    public void commit(long position) throws IOException {
        file.commit(log.checkRecordOrEnd(position));
    }

    /**
     * Moves the cursor to {@code position}, forward or back, durably: an explicit rewind or skip.
     *
     * @param position a record position, the start position or the end position
     * @throws IllegalArgumentException when no record starts at {@code position}
     * @throws ClosedLogException when the cursor or the log is closed
     * @throws IOException when writing or syncing the cursor fails; the cursor keeps its previous
     *                     position
     */
    public void move(long position) throws IOException {
        file.move(log.checkRecordOrEnd(position));
    }

    /**
     * A reader from the cursor's position. Reading does not move the cursor: commit what is
     * handled.
     *
     * @return a reader whose first {@link LogReader#next()} returns the record at {@link #position()}
     * @throws ClosedLogException when the cursor or the log is closed
     * @throws IOException as for {@link GrowLog#reader(long)}
     */
    public LogReader reader() throws IOException {
        return log.reader(position());
    }

    /**
     * A tailer from the cursor's position, to follow the log as it grows. Reading does not move
     * the cursor: commit what is handled.
     *
     * @return a tailer whose first record is the one at {@link #position()}
     * @throws ClosedLogException when the cursor or the log is closed
     * @throws IOException as for {@link GrowLog#tailer(long)}
     */
    public Tailer tailer() throws IOException {
        return log.tailer(position());
    }

    /**
     * Gives up ownership so that another consumer may open the cursor; the position stays on
     * disk. Idempotent.
     *
     * @throws IOException when releasing the cursor's file fails
     */
    @Override
    public void close() throws IOException {
        file.close();
    }

    @Override
    public String toString() {
        return "Cursor[" + file.name() + "]";
    }
}
