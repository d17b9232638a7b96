package dev.growlog;

import dev.growlog.error.NativeCallException;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ForwardingSyscalls} that makes threads meet at an exact point: a test arms a
 * {@link Pause} on a call made by a chosen thread; that thread stops right after (or before) the
 * call until the test resumes it, while the test makes something else happen meanwhile. A pause
 * fires once.
 */
final class PausingSyscalls extends ForwardingSyscalls {
    /** The calls a pause can be put on. */
    enum Call { SIZE, MSYNC, REMAP_IN_PLACE, REMAP_TO, UNMAP, ALLOCATE, TRUNCATE, MAP_FILE_AT, VIEW }

    /** How long either side waits for the other before the test fails. */
    static final long TIMEOUT_SECONDS = 30;

    private volatile Pause armed;
    /** While set and true, a call that moves or unmaps the mapping fails the test; see {@link #forbidMovesWhile}. */
    private volatile BooleanSupplier leaseHeld;
    /** Calls that would have moved or unmapped mapped memory while a lease was held. */
    private final List<String> violations = new CopyOnWriteArrayList<>();

    /**
     * While {@code leaseHeld} says a lease is held (the test knows: it paused the holder), a call
     * that moves the mapping or unmaps memory fails with an {@link AssertionError} before it is
     * made: a move that did not wait for leases fails the test, instead of taking the JVM down
     * when the holder touches the old addresses.
     */
    void forbidMovesWhile(BooleanSupplier leaseHeld) {
        this.leaseHeld = leaseHeld;
    }

    /** The calls {@link #forbidMovesWhile} refused, in order. */
    List<String> violations() {
        return violations;
    }

    private void checkNoLease(String call) {
        BooleanSupplier held = leaseHeld;
        if (held != null && held.getAsBoolean()) {
            String violation = call + " by " + Thread.currentThread().getName() + " while a lease was held";
            violations.add(violation);
            throw new AssertionError(violation + ": the move did not wait for the lease");
        }
    }

    /** Pauses {@code thread} after its next call of {@code call} returns. */
    Pause pauseAfter(Call call, Thread thread) {
        Pause pause = new Pause(call, thread, true);
        armed = pause;
        return pause;
    }

    /** Pauses {@code thread} before its next call of {@code call} is made. */
    Pause pauseBefore(Call call, Thread thread) {
        Pause pause = new Pause(call, thread, false);
        armed = pause;
        return pause;
    }

    /** One meeting point: the paused thread waits in it until {@link #resume()}. */
    static final class Pause {
        private final Call call;
        private final Thread thread;
        private final boolean after;
        private final CountDownLatch reached = new CountDownLatch(1);
        private final CountDownLatch resumed = new CountDownLatch(1);

        private Pause(Call call, Thread thread, boolean after) {
            this.call = call;
            this.thread = thread;
            this.after = after;
        }

        /** Waits until the thread is paused; fails the test if it never gets there. */
        void awaitReached() throws InterruptedException {
            if (!reached.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError("thread " + thread.getName() + " never reached the pause on " + call);
            }
        }

        boolean wasReached() {
            return reached.getCount() == 0;
        }

        /** Lets the paused thread go on (also when it has not arrived yet: it then will not stop). */
        void resume() {
            resumed.countDown();
        }

        private void hold() {
            reached.countDown();
            try {
                if (!resumed.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    throw new AssertionError("the test never resumed " + thread.getName() + " paused on " + call);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Holds the calling thread if a pause is armed for it on {@code call} at this side of the call. */
    private void meet(Call call, boolean afterCall) {
        Pause pause = armed;
        if (pause != null && pause.call == call && pause.after == afterCall && pause.thread == Thread.currentThread()) {
            armed = null;
            pause.hold();
        }
    }

    @Override
    public long size(Path file, int fd) throws NativeCallException {
        meet(Call.SIZE, false);
        long size = super.size(file, fd);
        meet(Call.SIZE, true);
        return size;
    }

    @Override
    public void msync(Path file, long address, long length) throws NativeCallException {
        meet(Call.MSYNC, false);
        super.msync(file, address, length);
        meet(Call.MSYNC, true);
    }

    @Override
    public boolean remapInPlace(Path file, long address, long oldLength, long newLength) throws NativeCallException {
        meet(Call.REMAP_IN_PLACE, false);
        boolean grown = super.remapInPlace(file, address, oldLength, newLength);
        meet(Call.REMAP_IN_PLACE, true);
        return grown;
    }

    @Override
    public void remapTo(Path file, long address, long oldLength, long newLength, long target)
            throws NativeCallException {
        meet(Call.REMAP_TO, false);
        checkNoLease("mremap(MREMAP_MAYMOVE)");
        super.remapTo(file, address, oldLength, newLength, target);
        meet(Call.REMAP_TO, true);
    }

    @Override
    public void unmap(Path file, long address, long length) throws NativeCallException {
        meet(Call.UNMAP, false);
        checkNoLease("munmap");
        super.unmap(file, address, length);
        meet(Call.UNMAP, true);
    }

    @Override
    public void allocate(Path file, int fd, long offset, long length) throws NativeCallException {
        meet(Call.ALLOCATE, false);
        super.allocate(file, fd, offset, length);
        meet(Call.ALLOCATE, true);
    }

    @Override
    public void truncate(Path file, int fd, long length) throws NativeCallException {
        meet(Call.TRUNCATE, false);
        super.truncate(file, fd, length);
        meet(Call.TRUNCATE, true);
    }

    @Override
    public void mapFileAt(Path file, int fd, long address, long length, boolean writable) throws NativeCallException {
        meet(Call.MAP_FILE_AT, false);
        checkNoLease("mmap of the file at a new address");
        super.mapFileAt(file, fd, address, length, writable);
        meet(Call.MAP_FILE_AT, true);
    }

    @Override
    public ByteBuffer view(long address, int length) {
        meet(Call.VIEW, false);
        ByteBuffer view = super.view(address, length);
        meet(Call.VIEW, true);
        return view;
    }
}
