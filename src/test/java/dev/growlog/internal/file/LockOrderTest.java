package dev.growlog.internal.file;

import dev.growlog.GrowLog;
import dev.growlog.GrowLogHooks;
import dev.growlog.internal.mapping.GrowableMapping;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The lock order of {@link LockOrder} is checked by the locks themselves whenever assertions are
 * on, as in every test: these show that breaking it fails at once, naming the locks, and that
 * the order the log itself follows passes.
 */
class LockOrderTest {
    @TempDir
    Path dir;

    @Test
    void assertions_areOnInTheTests_soEveryTestChecksTheOrder() {
        assertThat(LockOrder.CHECKED).isTrue();
    }

    @Test
    void waitingForAnEarlierLock_whileHoldingALaterOne_failsNamingBoth() throws Exception {
        try (GrowLog log = GrowLog.open(dir.resolve("a.glog"))) {
            OrderedLock write = new OrderedLock(LockOrder.WRITE, GrowLogHooks.mapping(log));
            OrderedLock sync = new OrderedLock(LockOrder.SYNC, GrowLogHooks.mapping(log));
            write.lock();
            try {
                assertThatThrownBy(sync::lock).isInstanceOf(AssertionError.class)
                        .hasMessageContaining("waiting for the SYNC lock while holding the WRITE lock");
                assertThat(sync.isHeldByCurrentThread()).isFalse();
            } finally {
                write.unlock();
            }
            sync.lock(); // the right order, and nothing held after the unlock above
            write.lock();
            write.unlock();
            sync.unlock();
        }
    }

    @Test
    void aLaterLockTakenByTryLock_countsAsHeld_untilItIsUnlocked() throws Exception {
        try (GrowLog log = GrowLog.open(dir.resolve("try.glog"))) {
            OrderedLock reserve = new OrderedLock(LockOrder.RESERVE, GrowLogHooks.mapping(log));
            OrderedLock write = new OrderedLock(LockOrder.WRITE, GrowLogHooks.mapping(log));
            assertThat(reserve.tryLock()).isTrue();
            try {
                assertThatThrownBy(write::lock).isInstanceOf(AssertionError.class)
                        .hasMessageContaining("waiting for the WRITE lock while holding the RESERVE lock");
            } finally {
                reserve.unlock();
            }
            write.lock(); // nothing held after the unlock
            write.unlock();
        }
    }

    @Test
    void waitingForALock_insideALease_fails() throws Exception {
        try (GrowLog log = GrowLog.open(dir.resolve("b.glog"))) {
            GrowableMapping mapping = GrowLogHooks.mapping(log);
            OrderedLock reserve = new OrderedLock(LockOrder.RESERVE, mapping);
            mapping.acquire();
            try {
                assertThatThrownBy(reserve::lock).isInstanceOf(AssertionError.class)
                        .hasMessageContaining("inside a lease");
                assertThat(reserve.tryLock()).as("trying never waits, so it is allowed").isTrue();
                reserve.unlock();
            } finally {
                mapping.release();
            }
        }
    }

    @Test
    void lockOrRefuse_insideALease_whenAnotherThreadHoldsTheLock_refusesAtOnce() throws Exception {
        try (GrowLog log = GrowLog.open(dir.resolve("c.glog"))) {
            GrowableMapping mapping = GrowLogHooks.mapping(log);
            OrderedLock write = new OrderedLock(LockOrder.WRITE, mapping);
            Thread holder = new Thread(write::lock);
            holder.start();
            holder.join();
            mapping.acquire();
            try {
                assertThatThrownBy(() -> write.lockOrRefuse("append")).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("append").hasMessageContaining("lease");
            } finally {
                mapping.release();
            }
        }
    }
}
