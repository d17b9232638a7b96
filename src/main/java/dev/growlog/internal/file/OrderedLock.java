package dev.growlog.internal.file;

import dev.growlog.internal.mapping.GrowableMapping;

import java.util.concurrent.locks.ReentrantLock;

/**
 * A lock with its place in the {@link LockOrder}. With assertions enabled it checks, each time
 * a thread waits for it, that the thread holds no later lock and no lease on the mapping.
 */
public final class OrderedLock extends ReentrantLock {
    private static final long serialVersionUID = 1L;

    private final LockOrder rank;
    /** The mapping whose leases come after every lock in the order; null: every mapping of the log. */
    private final transient GrowableMapping mapping;

    public OrderedLock(LockOrder rank, GrowableMapping mapping) {
        this.rank = rank;
        this.mapping = mapping;
    }

    @Override
    public void lock() {
        if (LockOrder.CHECKED) {
            rank.checkMayWait();
            if (mapping != null ? mapping.leaseHeld() : GrowableMapping.anyLeaseHeld()) {
                throw new AssertionError("lock order broken: waiting for the " + rank + " lock inside a lease on "
                        + (mapping != null ? mapping.file() : "a mapping of the log"));
            }
        }
        super.lock();
        if (LockOrder.CHECKED) {
            rank.held(1);
        }
    }

    @Override
    public boolean tryLock() {
        boolean taken = super.tryLock();
        if (taken && LockOrder.CHECKED) {
            rank.held(1);
        }
        return taken;
    }

    @Override
    public void unlock() {
        super.unlock();
        if (LockOrder.CHECKED) {
            rank.held(-1);
        }
    }

    /**
     * Takes the lock for {@code operation}. When another thread holds it and this thread holds a
     * lease, refuses at once with {@link IllegalStateException} instead of waiting: the holder
     * may be waiting for that lease to move the mapping. Costs nothing extra when the lock is free.
     */
    public void lockOrRefuse(String operation) {
        if (!tryLock()) {
            if (mapping != null) {
                mapping.refuseInsideLease(operation);
            } else {
                GrowableMapping.refuseInsideAnyLease(operation, null);
            }
            lock();
        }
    }
}
