package dev.growlog.kafka;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The records sent and not yet committed, in send order, with what became of each: the
 * bookkeeping behind "commit only up to the first record not yet acknowledged". Sequence numbers
 * count sends in this window's life; a ring of {@code capacity} slots holds the records from the
 * first unacknowledged one to the last sent.
 *
 * <p><b>Concurrency.</b> The forwarder's thread does everything but {@link #complete}, which
 * the producer's thread calls, once per send. A slot is written by {@link #add} before the send
 * and taken again only after its record is done, so the two threads never write one slot at
 * once. The outcome is written last and read first, both volatile: the cause written before it
 * is seen with it, and a thread that announces it waits and then reads the head's outcome
 * cannot miss an outcome written before the producer looks for that announcement.
 */
final class SendWindow {
    private static final VarHandle OUTCOME = MethodHandles.arrayElementVarHandle(byte[].class);

    /** No outcome yet. */
    static final byte PENDING = 0;
    /** The broker acknowledged it. */
    static final byte ACKNOWLEDGED = 1;
    /** Refused for good as too large. */
    static final byte TOO_LARGE = 2;
    /** Failed otherwise: the producer gave up on it. */
    static final byte FAILED = 3;

    private final int capacity;
    /** Each slot's record position. */
    private final long[] positions;
    /** Each slot's next position: where the log continues after its record. */
    private final long[] nexts;
    /** Each slot's payload length in bytes. */
    private final int[] lengths;
    /** Each slot's outcome: one of the constants above; accessed through {@link #OUTCOME}. */
    private final byte[] outcomes;
    /** Each slot's exception when it was refused or failed. */
    private final Exception[] causes;

    /** Sequence number of the next send. */
    private long sent;
    /** Sequence number of the first record not known to be done: every earlier one is. */
    private long done;
    /** Sequence number of the first record after the last commit; done ≥ committed. */
    private long committed;
    /** Position after the done prefix: where a consumer of this window resumes. */
    private long donePosition;

    SendWindow(int capacity, long start) {
        this.capacity = capacity;
        this.positions = new long[capacity];
        this.nexts = new long[capacity];
        this.lengths = new int[capacity];
        this.outcomes = new byte[capacity];
        this.causes = new Exception[capacity];
        this.donePosition = start;
    }

    /** True when no more may be sent before a commit. */
    boolean full() {
        return sent - committed >= capacity;
    }

    /** Records sent past the last commit. */
    long uncommitted() {
        return sent - committed;
    }

    /** Records done (acknowledged or skipped) past the last commit. */
    long doneUncommitted() {
        return done - committed;
    }

    /** True when every record sent is done. */
    boolean allDone() {
        return done == sent;
    }

    /** Records a send; returns its sequence number. */
    long add(long position, long next, int length) {
        if (full()) {
            throw new IllegalStateException("the send window is full: commit first");
        }
        long seq = sent++;
        int slot = slot(seq);
        positions[slot] = position;
        nexts[slot] = next;
        lengths[slot] = length;
        causes[slot] = null;
        OUTCOME.setRelease(outcomes, slot, PENDING);
        return seq;
    }

    /**
     * Records what became of send {@code seq}, which this window {@linkplain #add added} and
     * which is not done yet; null {@code cause} means acknowledged. The producer's thread.
     */
    void complete(long seq, byte outcome, Exception cause) {
        int slot = slot(seq);
        causes[slot] = cause;
        OUTCOME.setVolatile(outcomes, slot, outcome);
    }

    /** The outcome of the first record not done; {@link #PENDING} also when all are done. */
    byte head() {
        return done == sent ? PENDING : (byte) OUTCOME.getVolatile(outcomes, slot(done));
    }

    /** True when a record was sent that is not done and its outcome is not known yet. */
    boolean headPending() {
        return done != sent && head() == PENDING;
    }

    long headPosition() {
        return positions[slot(done)];
    }

    int headLength() {
        return lengths[slot(done)];
    }

    Exception headCause() {
        return causes[slot(done)];
    }

    /** Marks the first record not done as done (acknowledged, or skipped). */
    void advance() {
        donePosition = nexts[slot(done)];
        done++;
    }

    /** Position after the done prefix. */
    long donePosition() {
        return donePosition;
    }

    /** The done prefix was committed. */
    void committed() {
        committed = done;
    }

    private int slot(long seq) {
        return (int) (seq % capacity);
    }
}
