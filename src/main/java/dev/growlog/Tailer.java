package dev.growlog;

import dev.growlog.error.ClosedLogException;
import dev.growlog.error.CorruptLogException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * Follows a log as it is written: returns each record once, in order, as soon as it is
 * committed, across growth and moves of the mapping, in the writer's process or in another
 * one ({@link GrowLog#openReadOnly(java.nio.file.Path)}).
 *
 * <pre>{@code
 * try (Tailer tailer = log.tailer(log.endPosition())) {
 *     while (tailer.poll(1, TimeUnit.SECONDS)) {
 *         handle(tailer.position(), tailer.payload());
 *     }
 * }
 * }</pre>
 *
 * <h2>Waiting</h2>
 * In the writer's process a waiting tailer sleeps until the writer signals an append. In
 * another process it polls the file, parking between looks for {@value #MIN_PARK_NANOS} ns at
 * first and doubling to at most {@value #MAX_PARK_NANOS} ns; it never spins.
 *
 * <h2>Crash safety</h2>
 * A tailer never returns a torn record. A read-only tailer that meets an invalid record after
 * the durable checkpoint waits instead of failing: that is the torn tail of a writer that
 * crashed, which the writer's next open cuts and overwrites with new records. Damage before the
 * checkpoint is a {@link CorruptLogException}.
 *
 * <p>NOTE: not thread-safe; one tailer per thread. Closing the log wakes a waiting tailer,
 * which then throws {@link ClosedLogException}.
 */
public final class Tailer implements AutoCloseable {
    static final long MIN_PARK_NANOS = 10_000;
    static final long MAX_PARK_NANOS = 1_000_000;

    private final GrowLog log;
    private final LogReader reader;

    Tailer(GrowLog log, LogReader reader) {
        this.log = log;
        this.reader = reader;
    }

    /**
     * Moves to the next record if one is committed; does not wait.
     *
     * @return true when there is a new current record
     * @throws CorruptLogException when the next record fails validation (in a read-only log,
     *                             only damage before the durable checkpoint)
     * @throws ClosedLogException when the tailer or the log is closed
     * @throws IOException when following another process's writes fails
     */
    public boolean tryNext() throws IOException {
        try {
            return reader.next();
        } catch (CorruptLogException e) {
            if (log.isReadOnly() && e.position() >= log.checkpointAt(e.position())) {
                return false; // a crashed writer's torn tail: its next open cuts it
            }
            throw e;
        }
    }

    /**
     * Moves to the next record, waiting up to {@code timeout} for one to be committed. Returns
     * false when none came in time.
     *
     * @param timeout how long to wait at most
     * @param unit    the unit of {@code timeout}
     * @return true when there is a new current record; false when none came in time
     * @throws ClosedLogException when the log is closed (also while waiting)
     * @throws IllegalStateException when it would wait, called from a zero-copy handler
     *                               (see {@link RecordHandler})
     * @throws CorruptLogException when the next record fails validation, as for {@link #tryNext()}
     * @throws IOException when following another process's writes fails
     * @throws InterruptedException when the thread is interrupted while waiting
     */
    public boolean poll(long timeout, TimeUnit unit) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        long park = MIN_PARK_NANOS;
        while (!tryNext()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            if (log.isReadOnly()) {
                log.awaitAppend(reader.nextPosition(), Math.min(left, park));
                park = Math.min(2 * park, MAX_PARK_NANOS);
            } else {
                log.awaitAppend(reader.nextPosition(), left);
            }
        }
        return true;
    }

    /**
     * Moves to the next record, waiting as long as it takes.
     *
     * @throws ClosedLogException when the log is closed (also while waiting)
     * @throws IllegalStateException when it would wait, called from a zero-copy handler
     *                               (see {@link RecordHandler})
     * @throws CorruptLogException when the next record fails validation, as for {@link #tryNext()}
     * @throws IOException when following another process's writes fails
     * @throws InterruptedException when the thread is interrupted while waiting
     */
    public void take() throws IOException, InterruptedException {
        while (!poll(1, TimeUnit.DAYS)) {
            // keep waiting
        }
    }

    /**
     * Position of the current record.
     *
     * @return the record's byte offset in the file
     * @throws IllegalStateException when there is no current record, or the tailer is closed
     */
    public long position() {
        return reader.position();
    }

    /**
     * Payload length of the current record.
     *
     * @return the payload length in bytes
     * @throws IllegalStateException when there is no current record, or the tailer is closed
     */
    public int length() {
        return reader.length();
    }

    /**
     * The current payload, without a copy: a read-only view of the tailer's own copy of the
     * record, valid until the tailer moves again (as {@link LogReader#payload()}).
     *
     * @return a read-only buffer holding the payload
     * @throws IllegalStateException when there is no current record, or the tailer is closed
     */
    public ByteBuffer payload() {
        return reader.payload();
    }

    /**
     * A copy of the current payload, to keep.
     *
     * @return a new array holding the payload
     * @throws IllegalStateException when there is no current record, or the tailer is closed
     */
    public byte[] bytes() {
        return reader.bytes();
    }

    /**
     * Where the tailer continues: the position after the current record, or the start position
     * before the first move. A new tailer made at this position goes on from here.
     *
     * @return the byte offset where the tailer looks for the next record
     */
    public long nextPosition() {
        return reader.nextPosition();
    }

    /** Closes the tailer; later calls throw {@link ClosedLogException}. The log stays open. */
    @Override
    public void close() {
        reader.close();
    }
}
