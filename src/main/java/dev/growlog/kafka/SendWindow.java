package dev.growlog.kafka;

/**
 * The records sent and not yet committed, in send order, with what became of each: the
 * bookkeeping behind "commit only up to the first record not yet acknowledged". Sequence numbers
 * count sends in this window's life; a ring of {@code capacity} slots holds the records from the
 * first unacknowledged one to the last sent. Used by the forwarder's own thread only.
 */
final class SendWindow {
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
    /** Each slot's outcome: one of the constants above. */
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
        outcomes[slot] = PENDING;
        causes[slot] = null;
        return seq;
    }

    /** Records what became of send {@code seq}; null {@code cause} means acknowledged. */
    void complete(long seq, byte outcome, Exception cause) {
        if (seq < done || seq >= sent) {
            return; // not of this window's life (reset since)
        }
        int slot = slot(seq);
        outcomes[slot] = outcome;
        causes[slot] = cause;
    }

    /** The outcome of the first record not done; {@link #PENDING} also when all are done. */
    byte head() {
        return done == sent ? PENDING : outcomes[slot(done)];
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

    /** Forgets every record after the done prefix: they will be sent again from {@link #donePosition()}. */
    void dropUndone() {
        sent = done;
    }

    private int slot(long seq) {
        return (int) (seq % capacity);
    }
}
