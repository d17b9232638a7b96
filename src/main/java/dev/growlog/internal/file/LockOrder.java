package dev.growlog.internal.file;

/**
 * The locks of a log, in the one order a thread may take them. A thread that holds a lock
 * never waits for one earlier in this list.
 *
 * <ol>
 *   <li>{@link #CHAIN}: the chain's lock, held while the start moves and files are deleted, and
 *       while sealed files are synced, marked clean and closed (the chain layer's {@code Chain}). Taking it may wait
 *       for leases on the files it closes.</li>
 *   <li>{@link #SYNC}: the checkpointer's sync lock, held while pages are synced.</li>
 *   <li>{@link #WRITE}: the append lock of a writer (appends and growth), or the follow lock of
 *       a read-only log (following the file's growth).</li>
 *   <li>{@link #RESERVE}: the appender's reserve lock, held while disk blocks are reserved and
 *       the file size changes.</li>
 *   <li>The move barrier of the mapping: a lease (its shared side) or a move or close (its
 *       exclusive side). A move waits for every lease to end.</li>
 * </ol>
 *
 * <p>Leaves, held only for moments and never while taking anything else: the checkpointer's
 * turn monitor, the append signal's monitor, the view cache's own locks.
 *
 * <h2>Inside a lease</h2>
 * A zero-copy handler runs inside a lease, and user code there may call back into the log. A
 * call that waited there for an earlier lock could wait for a thread that holds that lock and
 * waits for a move, which waits for this lease: a deadlock. So, inside a lease, an earlier lock
 * is only ever <em>tried</em> ({@link OrderedLock#lockOrRefuse(String)}): taken when free,
 * refused with {@link IllegalStateException} at once when not. What would wait for a move,
 * a sync or another thread (growth of a writer's log, a sync, a durable append, close, a
 * tailer's wait) is refused inside a lease outright.
 *
 * <p>With assertions enabled (as in the tests) every {@link OrderedLock} checks this order
 * when it waits, and fails with an {@link AssertionError} naming both locks when it is broken.
 */
public enum LockOrder {
    CHAIN,
    SYNC,
    WRITE,
    RESERVE;

    /** Whether locks check the order: with assertions, as in the tests; never in production. */
    static final boolean CHECKED = LockOrder.class.desiredAssertionStatus();

    /** Per thread: how many holds of each lock it has, by ordinal; used only when {@link #CHECKED}. */
    private static final ThreadLocal<int[]> HELD = ThreadLocal.withInitial(() -> new int[values().length]);

    /** Fails if the calling thread holds a lock later than this one. */
    void checkMayWait() {
        int[] held = HELD.get();
        for (int later = ordinal() + 1; later < held.length; later++) {
            if (held[later] > 0) {
                throw new AssertionError("lock order broken: waiting for the " + this + " lock while holding the "
                        + values()[later] + " lock");
            }
        }
    }

    void held(int change) {
        HELD.get()[ordinal()] += change;
    }
}
